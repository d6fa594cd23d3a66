/**
 * Shared set-up for the realization tests: a sandbox temp directory holding the vhosts root, config
 * dir, state dir and small fixture scripts standing in for `nginx -t` and the reload command; and a
 * snapshot of a directory tree (type, mode, mtime, content) to prove that nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Values } from '@hostplane/shared';
import type { DesiredSubscription } from '../../../agent/src/realize/index.js';

export interface Sandbox {
  /** The sandbox; nothing may be written outside its vhosts, config and state dirs. */
  readonly root: string;
  readonly vhostsRoot: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly bin: string;
  /** Every validate and reload run appends a line here (`validate`, `reload`). */
  readonly commandLog: string;
  cleanup(): Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'hostplane-realize-')));
  const s = {
    root,
    vhostsRoot: path.join(root, 'vhosts'),
    configDir: path.join(root, 'config'),
    stateDir: path.join(root, 'state'),
    bin: path.join(root, 'bin'),
    commandLog: path.join(root, 'commands.log'),
    // Processes the agent left running for the sandbox (fcgiwrap of CGI sites) go with it.
    cleanup: async () => {
      spawnSync('pkill', ['-f', root]);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  await fs.mkdir(s.bin);
  return s;
}

/** A `#!/bin/sh` fixture script that logs `tag` to the sandbox's command log, then runs `body`. */
export async function writeScript(s: Sandbox, name: string, tag: string, body = 'exit 0'): Promise<string> {
  const file = path.join(s.bin, name);
  await fs.writeFile(file, `#!/bin/sh\necho ${tag} >> '${s.commandLog}'\n${body}\n`, { mode: 0o755 });
  return file;
}

/** The commands run so far, in order. */
export async function commandsRun(s: Sandbox): Promise<string[]> {
  const text = await fs.readFile(s.commandLog, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}

export interface TreeEntry {
  readonly type: 'dir' | 'file' | 'symlink';
  readonly mode: number;
  readonly mtimeMs: number;
  readonly content?: string;
}

/** Every entry under `dir`, by relative path; a missing dir is an empty tree. */
export async function snapshotTree(dir: string): Promise<Record<string, TreeEntry>> {
  const out: Record<string, TreeEntry> = {};
  async function walk(rel: string): Promise<void> {
    const abs = path.join(dir, rel);
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = path.join(rel, e.name);
      const st = await fs.lstat(path.join(dir, r));
      const mode = st.mode & 0o7777;
      if (e.isDirectory()) {
        out[r] = { type: 'dir', mode, mtimeMs: st.mtimeMs };
        await walk(r);
      } else if (e.isSymbolicLink()) {
        out[r] = { type: 'symlink', mode, mtimeMs: st.mtimeMs, content: await fs.readlink(path.join(dir, r)) };
      } else {
        out[r] = { type: 'file', mode, mtimeMs: st.mtimeMs, content: await fs.readFile(path.join(dir, r), 'utf8') };
      }
    }
  }
  await walk('');
  return out;
}

export const sub = (name: string, generation = 1, values: Values = {}, state: 'active' | 'suspended' = 'active'): DesiredSubscription => ({
  name,
  generation,
  state,
  values,
});

export const exists = (file: string): Promise<boolean> =>
  fs.lstat(file).then(
    () => true,
    () => false,
  );

export const MiB = 1024 ** 2;
