/**
 * Real processes for end-to-end tests: the built `hostplane-controller`, `hostplane-agent` and
 * `hostplane` binaries (`npm test` builds them first), each on temp directories and free ports.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeProbeDir, type FixtureComponent } from '../agent/fixtures.js';
import { freshStore, TEST_STORE } from './store.js';
import { TEST_UID_MAX, TEST_UID_MIN, testUserPrefix } from './test-users.js';
import type { ComponentName } from '@hostplane/shared';

const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = {
  controller: join(ROOT, 'controller/bin/hostplane-controller.js'),
  agent: join(ROOT, 'agent/bin/hostplane-agent.js'),
  cli: join(ROOT, 'cli/bin/hostplane.js'),
};
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';

/** A free TCP port on 127.0.0.1 (for a private server a test starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh directory under the run's temporary folder (removed at the end of the run, global-setup.ts). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), prefix));
}

/** A child process whose output lines are kept, and that can wait for a line. */
export class Proc {
  readonly lines: string[] = [];
  private readonly waiters: { test: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line) continue;
        this.lines.push(line);
        for (const w of [...this.waiters]) {
          if (w.test(line)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  /** Resolves with the first line (past or future) for which `test` holds. */
  waitFor(test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; output:\n${this.lines.join('\n')}`)), timeoutMs);
      this.waiters.push({ test, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}

export interface ControllerProc extends Proc {
  address: string;
  dataDir: string;
  metricsPort: number;
}

export async function startController(options: { dataDir?: string; port?: number; args?: string[]; env?: NodeJS.ProcessEnv; store?: string } = {}): Promise<ControllerProc> {
  const dataDir = options.dataDir ?? tempDir('hostplane-ctl-');
  // On PostgreSQL runs, the store of this data dir (the same one when a test restarts the controller);
  // `store` shares one between controllers.
  const store = options.store ? ['--store', options.store] : TEST_STORE === 'postgres' ? ['--store', freshStore(dataDir).location] : [];
  const child = spawn(
    process.execPath,
    [BIN.controller, '--data-dir', dataDir, ...store, '--listen', `127.0.0.1:${options.port ?? 0}`, '--metrics-listen', '127.0.0.1:0', ...(options.args ?? [])],
    { env: { ...process.env, HOSTPLANE_ADMIN_TOKEN: E2E_ADMIN_TOKEN, HOSTPLANE_LOG_LEVEL: 'debug', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = new Proc(child) as ControllerProc;
  const line = await proc.waitFor((l) => l.includes('"msg":"listening"'));
  const metrics = await proc.waitFor((l) => l.includes('"msg":"serving /metrics"'));
  proc.address = (JSON.parse(line) as { address: string }).address;
  proc.metricsPort = Number((JSON.parse(metrics) as { address: string }).address.split(':')[1]);
  proc.dataDir = dataDir;
  return proc;
}

export interface AgentDirs {
  root: string;
  stateDir: string;
  vhostsRoot: string;
  configDir: string;
  probeDir: string;
  /** The agent's host layout (`--config`). */
  layoutFile: string;
  /** The prefix of the system users this agent creates (when the tests run as root). */
  userPrefix: string;
}

let agentCount = 0;

/**
 * Directories of a test agent whose components are fixture executables: its layout runs no
 * validate or reload command (there is no real nginx behind it), keeps sockets in its own dirs, and
 * gives its system users a prefix of its own (several agents on one machine are several hosts).
 */
export async function agentDirs(components: ReadonlyArray<ComponentName | FixtureComponent>, layout: Record<string, unknown> = {}): Promise<AgentDirs> {
  const root = tempDir('hostplane-agent-');
  const userPrefix = `${testUserPrefix()}${process.pid.toString(36)}${(agentCount++).toString(36)}_`;
  const dirs = {
    root,
    stateDir: join(root, 'state'),
    vhostsRoot: join(root, 'vhosts'),
    configDir: join(root, 'config'),
    probeDir: join(root, 'probe'),
    layoutFile: join(root, 'agent.json'),
    userPrefix,
  };
  await writeProbeDir(dirs.probeDir, components);
  const base = {
    nginx: { validate: [], reload: [] },
    phpFpm: { validate: [], reload: [], socketDir: join(root, 'run') },
    cgi: { socketDir: join(root, 'cgi') },
    users: { prefix: userPrefix, uidMin: TEST_UID_MIN, uidMax: TEST_UID_MAX },
    retry: { minSeconds: 1, maxSeconds: 5 },
  };
  writeFileSync(dirs.layoutFile, JSON.stringify(deepMerge(base, layout), null, 2));
  return dirs;
}

/** Merges `layout` into a test agent's layout file (before the agent starts). */
export function updateLayout(dirs: AgentDirs, layout: Record<string, unknown>): void {
  const current = JSON.parse(readFileSync(dirs.layoutFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(dirs.layoutFile, JSON.stringify(deepMerge(current, layout), null, 2));
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function startAgent(controller: string, name: string, dirs: AgentDirs, joinToken?: string, extra: string[] = []): Proc {
  const args = [
    BIN.agent,
    '--controller', controller,
    '--name', name,
    '--state-dir', dirs.stateDir,
    '--vhosts-root', dirs.vhostsRoot,
    '--config-dir', dirs.configDir,
    '--config', dirs.layoutFile,
    '--probe-path', dirs.probeDir,
    '--heartbeat-seconds', '1',
    ...(joinToken ? ['--join-token', joinToken] : []),
    ...extra,
  ];
  return new Proc(spawn(process.execPath, args, { env: { ...process.env, HOSTPLANE_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const exec = promisify(execFile);

/** Runs the real `hostplane` CLI against `controller`. */
export async function cli(controller: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN.cli, ...args], {
      env: { ...process.env, HOSTPLANE_CONTROLLER: controller, HOSTPLANE_TOKEN: E2E_ADMIN_TOKEN, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs the CLI with `--json` and parses stdout; throws with stderr when it fails. */
export async function cliJson<T = Record<string, unknown>>(controller: string, args: string[]): Promise<T> {
  const r = await cli(controller, [...args, '--json']);
  if (r.code !== 0) throw new Error(`hostplane ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
