/**
 * A private web stack for end-to-end tests: Debian's real nginx and php-fpm 8.2 as masters of
 * their own (run as root, workers as www-data) under a temp prefix, nginx on a free loopback port,
 * including what a test agent writes. The agent's host layout for it (`layout`) points the
 * validate and reload commands at these masters, exactly as an operator's would at the system's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort, tempDir } from './processes.js';

export const NGINX = '/usr/sbin/nginx';
export const PHP_VERSION = '8.2';
export const PHP_FPM = `/usr/sbin/php-fpm${PHP_VERSION}`;

export interface WebStack {
  readonly root: string;
  readonly port: number;
  /** Where nginx serves HTTPS (the sites with a certificate). */
  readonly tlsPort: number;
  /** The agent layout fields that point at this stack (merge into the test agent's layout). */
  readonly layout: Record<string, unknown>;
  /** Starts both masters (after the agent created the dirs they include). */
  start(): Promise<void>;
  /** `nginx -s reopen`, as logrotate's postrotate runs it. */
  reopenLogs(): void;
  stop(): Promise<void>;
  /** Output of the masters, for failure messages. */
  log(): string;
}

/**
 * Prepares the stack's files. `configDir` is the test agent's: nginx includes its `nginx/*.conf`,
 * php-fpm its `php/8.2/fpm/pool.d/*.conf`.
 */
export async function webStack(configDir: string): Promise<WebStack> {
  const root = tempDir('hostplane-web-');
  chmodSync(root, 0o755); // the workers (www-data) read the suspended page and reach the sockets under it
  const port = await freePort();
  const tlsPort = await freePort();
  const nginxConf = join(root, 'nginx.conf');
  const fpmConf = join(root, 'php-fpm.conf');
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);
  copyFileSync('/etc/nginx/fastcgi_params', join(root, 'fastcgi_params'));
  writeFileSync(
    nginxConf,
    [
      'user www-data;',
      'worker_processes 1;',
      'daemon off;',
      `pid ${root}/nginx.pid;`,
      `error_log ${root}/nginx-error.log;`,
      'events { worker_connections 64; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      `  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fastcgi;`,
      `  uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;`,
      `  access_log ${root}/nginx-access.log;`,
      `  include ${configDir}/nginx/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    fpmConf,
    [
      '[global]',
      `pid = ${root}/php-fpm.pid`,
      `error_log = ${root}/php-fpm.log`,
      'daemonize = no',
      `include = ${configDir}/php/${PHP_VERSION}/fpm/pool.d/*.conf`,
      // php-fpm refuses to start without a pool: this one serves nothing.
      '[keepalive]',
      'user = www-data',
      'group = www-data',
      `listen = ${root}/keepalive.sock`,
      'pm = ondemand',
      'pm.max_children = 1',
      '',
    ].join('\n'),
  );
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const run = (file: string, args: string[]) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    children.push(child);
    return child;
  };
  const nginxArgs = ['-p', `${root}/`, '-c', nginxConf];
  return {
    root,
    port,
    tlsPort,
    layout: {
      nginx: {
        listen: [`127.0.0.1:${port}`],
        listenTls: [`127.0.0.1:${tlsPort}`],
        validate: [NGINX, '-t', '-q', ...nginxArgs],
        reload: [NGINX, ...nginxArgs, '-s', 'reload'],
      },
      phpFpm: {
        socketDir: join(root, 'run'),
        validate: ['/usr/sbin/php-fpm{version}', '-t', '-y', fpmConf],
        reload: ['pkill', '--signal', 'USR2', '--pidfile', join(root, 'php-fpm.pid')],
      },
      cgi: { socketDir: join(root, 'cgi') },
    },
    async start() {
      run(NGINX, nginxArgs);
      run(PHP_FPM, ['-F', '-y', fpmConf]);
      const deadline = Date.now() + 10_000;
      while (!(existsSync(join(root, 'nginx.pid')) && existsSync(join(root, 'php-fpm.pid')))) {
        if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) throw new Error(`the web stack did not start:\n${output.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    reopenLogs() {
      execFileSync(NGINX, [...nginxArgs, '-s', 'reopen']);
    },
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
    log: () => output.join(''),
  };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET `path` from the stack as `host`. */
export function get(port: number, host: string, path: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
