/**
 * The rendered configuration checked by the real tools (`nginx -t`, `php-fpm8.2 -t`; Debian's
 * nginx and php-fpm packages, which .ci/run installs): each kind of server block and pool is
 * accepted, and a configuration nginx refuses is reported and rolled back.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Applier, SharedSiteUser, type ApplierOptions } from '../../../agent/src/realize/index.js';
import { exists, makeSandbox, MiB, sub, type Sandbox } from './helpers.js';

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((f) => existsSync(f));
const FPM = (() => {
  try {
    const name = readdirSync('/usr/sbin').find((f) => /^php-fpm\d+\.\d+$/.test(f));
    return name ? { bin: path.join('/usr/sbin', name), version: name.slice('php-fpm'.length) } : undefined;
  } catch {
    return undefined;
  }
})();
const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((f) => existsSync(f));
/** php-fpm -t wants the pool's user (www-data) to exist. */
const WEB_USER = (() => {
  try {
    execFileSync('id', ['-u', 'www-data'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let s: Sandbox;
beforeEach(async () => {
  s = await makeSandbox();
});
afterEach(() => s.cleanup());

/** A main nginx.conf that includes the config dir's server blocks, everything else in the sandbox. */
async function nginxMain(): Promise<string> {
  const prefix = path.join(s.root, 'nginx-main');
  await fs.mkdir(path.join(prefix, 'tmp'), { recursive: true });
  const params = existsSync('/etc/nginx/fastcgi_params') ? await fs.readFile('/etc/nginx/fastcgi_params', 'utf8') : 'fastcgi_param QUERY_STRING $query_string;\n';
  await fs.writeFile(path.join(prefix, 'fastcgi_params'), params);
  const t = path.join(prefix, 'tmp');
  await fs.writeFile(
    path.join(prefix, 'nginx.conf'),
    [
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log;`,
      'events {}',
      'http {',
      `  client_body_temp_path ${t}/body; proxy_temp_path ${t}/proxy; fastcgi_temp_path ${t}/fastcgi;`,
      `  uwsgi_temp_path ${t}/uwsgi; scgi_temp_path ${t}/scgi;`,
      `  access_log ${prefix}/access.log;`,
      `  include ${s.configDir}/nginx/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return prefix;
}

/** nginx -t on the sandbox's main config; php-fpm -t on a main config including the version's pool dir. */
async function commands(prefix: string): Promise<Pick<ApplierOptions, 'nginx' | 'phpFpm'>> {
  const main = path.join(s.root, 'php-fpm-{version}.conf');
  for (const v of FPM ? [FPM.version] : []) {
    await fs.writeFile(
      main.replace('{version}', v),
      `[global]\npid = ${s.root}/php-fpm.pid\nerror_log = ${s.root}/php-fpm.log\ninclude = ${s.configDir}/php/${v}/fpm/pool.d/*.conf\n`,
    );
  }
  return {
    nginx: { validate: [NGINX!, '-t', '-q', '-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`] },
    phpFpm: { validate: [FPM!.bin.replace(FPM!.version, '{version}'), '-t', '-y', main] },
  };
}

/** Pools run as www-data here (php-fpm -t refuses root); per-site users are proven in test/e2e. */
const WWW = new SharedSiteUser({ name: 'www-data', uid: 33, group: 'www-data', gid: 33 });

describe('nginx -t and php-fpm -t accept what the agent writes', () => {
  it('the real tools are installed (.ci/run installs nginx, php8.2-fpm and fcgiwrap)', () => {
    expect(NGINX, 'nginx').toBeDefined();
    expect(FPM, 'php-fpm').toBeDefined();
    expect(WEB_USER, 'the www-data user').toBe(true);
  });

  it('static, PHP (fpm and fastcgi), SSI, SSL with and without a certificate, suspended', async () => {
    const prefix = await nginxMain();
    if (OPENSSL) {
      const dir = path.join(s.configDir, 'ssl', 'secure.com');
      await fs.mkdir(dir, { recursive: true });
      execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=secure.com', '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], {
        stdio: 'ignore',
      });
    }
    const php = FPM!.version;
    const a = new Applier({ vhostsRoot: s.vhostsRoot, configDir: s.configDir, stateDir: s.stateDir, users: WWW, ...(await commands(prefix)) });
    const fpm = { 'hosting.php': true, 'hosting.php_version': php, 'php.memory_limit': 256 * MiB, 'php.post_max_size': 2 * 1024 * MiB, 'php.max_execution_time': 60, 'php.display_errors': true };
    const out = await a.apply({
      revision: 1,
      subscriptions: [
        sub('static.org'),
        sub('php.example.com', 1, fpm),
        sub('fastcgi.net', 1, { 'hosting.php': true, 'hosting.php_version': php, 'hosting.php_handler': 'fastcgi' }),
        sub('ssi.org', 1, { 'hosting.ssi': true, 'hosting.ssl': true }),
        sub('secure.com', 1, { ...fpm, 'hosting.ssl': true }),
        sub('suspended.org', 1, fpm, 'suspended'),
        sub('www.suspended-ssl.org', 1, { 'hosting.ssl': true }, 'suspended'),
        sub('cgi.org', 1, { 'hosting.cgi': true }),
      ],
    });
    expect(out.results.filter((r) => r.error !== '')).toEqual([]);
    expect(await exists(path.join(s.configDir, 'nginx', 'suspended.org.conf'))).toBe(true);
    if (OPENSSL) expect(await fs.readFile(path.join(s.configDir, 'nginx', 'secure.com.conf'), 'utf8')).toContain('listen 443 ssl;');
  });

  it('a configuration nginx refuses is reported with its message and rolled back', async () => {
    const prefix = await nginxMain();
    const a = new Applier({ vhostsRoot: s.vhostsRoot, configDir: s.configDir, stateDir: s.stateDir, users: WWW, ...(await commands(prefix)) });
    expect((await a.apply({ revision: 1, subscriptions: [sub('a.com')] })).results[0]!.error).toBe('');
    // Something else breaks nginx's configuration: the next batch is refused, not reloaded.
    await fs.writeFile(path.join(s.configDir, 'nginx', 'zz-broken.conf'), 'server { bogus_directive on; }\n');
    const out = await a.apply({ revision: 2, subscriptions: [sub('a.com'), sub('b.com')] });
    expect(out.results[0]).toEqual({ name: 'a.com', appliedGeneration: 1, error: '', systemUser: 'www-data' });
    expect(out.results[1]!.error).toContain('nginx refused the configuration');
    expect(out.results[1]!.error).toContain('unknown directive "bogus_directive"');
    expect(await exists(path.join(s.configDir, 'nginx', 'b.com.conf'))).toBe(false);
  });
});
