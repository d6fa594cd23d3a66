/**
 * One fcgiwrap per site with `hosting.cgi`, running as the site's user, so that its `cgi-bin/`
 * scripts run with its rights and no one else's. nginx passes `/cgi-bin/` requests to the site's
 * socket `<cgi-socket-dir>/<name>/fcgiwrap.sock`; that directory belongs to the site's user with
 * the web server's group and the set-group-id bit, and fcgiwrap is started with umask 0117, so the
 * socket is `0660 <user>:<web group>`: the web server may connect, other sites may not.
 *
 * The processes outlive the agent (their own session; the systemd unit uses KillMode=process): a
 * restart of the agent does not interrupt CGI. Each is recorded in `<state-dir>/cgi/<name>.pid` and
 * recognised by its command line, so a recycled pid is never taken for it. Level-triggered: every
 * apply starts what should run and is not running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrno, readFileOrNull, writeFileAtomic } from './fs-atomic.js';
import { assertSubscriptionName, cgiBinDir, cgiSocketDir, cgiSocketPath, cgiSocketRoot, type Layout } from './layout.js';
import { cgiErrorLog } from './render/subscription.js';
import type { SiteUser } from './site-users.js';
import type { RealizeLogger } from './types.js';

export interface CgiRunnerOptions {
  readonly layout: Layout;
  readonly stateDir: string;
  readonly fcgiwrap: string;
  readonly processes: number;
  /** Whether to start fcgiwrap as the site's user (the agent is root). */
  readonly isolated: boolean;
  readonly webGid: () => Promise<number>;
  readonly log: RealizeLogger;
}

const SOCKET_WAIT_MS = 3000;
/** The search path of fcgiwrap (found there when configured by name) and of the scripts it runs. */
const SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class CgiRunner {
  constructor(private readonly opts: CgiRunnerOptions) {}

  /** The argv a site's fcgiwrap runs with (also how a running one is recognised). */
  argv(name: string): string[] {
    return [this.opts.fcgiwrap, '-c', String(this.opts.processes), '-s', `unix:${cgiSocketPath(this.opts.layout, name)}`];
  }

  /** Starts the site's fcgiwrap unless it runs already; resolves once its socket exists. */
  async ensure(name: string, user: SiteUser): Promise<boolean> {
    assertSubscriptionName(name);
    if ((await this.runningPid(name)) !== undefined) return false;
    const layout = this.opts.layout;
    const dir = cgiSocketDir(layout, name);
    const socket = cgiSocketPath(layout, name);
    await fs.mkdir(cgiSocketRoot(layout), { recursive: true, mode: 0o755 });
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await fs.lstat(dir);
    if (!st.isDirectory()) throw new Error(`'${dir}' is not a directory: refused`);
    if (this.opts.isolated) {
      await fs.lchown(dir, user.uid, await this.opts.webGid());
      await fs.chmod(dir, 0o2750);
    } else {
      await fs.chmod(dir, 0o750);
    }
    await fs.rm(socket, { force: true });
    const log = await fs.open(cgiErrorLog(layout, name), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    const [file, ...args] = this.argv(name);
    const previousUmask = process.umask(0o117);
    let child: ChildProcess;
    let exited: Promise<string>;
    try {
      child = spawn(file!, args, {
        cwd: cgiBinDir(layout, name),
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { PATH: SEARCH_PATH },
        ...(this.opts.isolated ? { uid: user.uid, gid: user.gid } : {}),
      });
      const c = child;
      exited = new Promise<string>((resolve) => {
        c.once('error', (err) => resolve(err.message));
        c.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
      });
    } finally {
      process.umask(previousUmask);
      await log.close();
    }
    child.unref();
    if (child.pid === undefined) throw new Error(`fcgiwrap for ${name} could not be started: ${await exited}`);
    await fs.mkdir(this.pidDir(), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.pidFile(name), `${child.pid}\n`, 0o600);
    const ready = await Promise.race([waitFor(socket, SOCKET_WAIT_MS).then((ok) => (ok ? '' : `its socket did not appear within ${SOCKET_WAIT_MS} ms`)), exited]);
    if (ready) {
      await this.stop(name);
      throw new Error(`fcgiwrap for ${name} did not start: ${ready} (see ${cgiErrorLog(layout, name)})`);
    }
    this.opts.log.info({ component: 'realize', subscription: name, pid: child.pid, user: user.name }, 'CGI runner started');
    return true;
  }

  /** Stops the site's fcgiwrap (its whole process group) and removes its socket dir. */
  async stop(name: string): Promise<boolean> {
    assertSubscriptionName(name);
    const pid = await this.runningPid(name);
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(20);
      if (alive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await fs.rm(this.pidFile(name), { force: true });
    await fs.rm(cgiSocketDir(this.opts.layout, name), { recursive: true, force: true });
    return pid !== undefined;
  }

  /** The names whose fcgiwrap has a pid file (running or not). */
  async recorded(): Promise<string[]> {
    try {
      return (await fs.readdir(this.pidDir())).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -'.pid'.length));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  /** The pid of the site's running fcgiwrap: recorded, alive, and with exactly its command line. */
  async runningPid(name: string): Promise<number | undefined> {
    const text = await readFileOrNull(this.pidFile(name));
    const pid = Number(text?.trim());
    if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
    const cmdline = await readFileOrNull(`/proc/${pid}/cmdline`);
    return cmdline === `${this.argv(name).join('\0')}\0` ? pid : undefined;
  }

  private pidDir(): string {
    return path.join(this.opts.stateDir, 'cgi');
  }

  private pidFile(name: string): string {
    return path.join(this.pidDir(), `${assertSubscriptionName(name)}.pid`);
  }
}

async function waitFor(file: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fs.lstat(file).then(() => true, () => false)) return true;
    await sleep(10);
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
