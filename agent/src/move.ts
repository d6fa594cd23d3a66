/**
 * Moving webspaces between hosts, on the agent's side. Agents never dial each other: the source's
 * agent sends its tar stream in chunks over its stream (as credit from the controller allows), the
 * controller relays them to the target's agent, which extracts them — as the site's own user, into
 * a staging directory under `<vhosts-root>/.incoming/` — and acknowledges each. Once the controller
 * switches the subscription to this host, realization adopts the staged tree as the webspace
 * (`adoptIncoming`) and puts owners and modes of its top-level entries back. The source's copy is
 * moved aside by the removal that follows the switch; a failed move leaves the source untouched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { assertSubscriptionName, webspaceDir, type Layout } from './realize/layout.js';
import type { SiteUsers } from './realize/site-users.js';

/** A chunk of a tar stream, at most this long. */
export const MOVE_CHUNK_BYTES = 1024 * 1024;
/** Beside the staging dir, in the root-owned `.incoming/` (never inside what the site's user owns). */
const completeMarker = (staging: string) => `${staging}.complete`;

export type MoveMessage =
  | { $case: 'moveChunk'; value: { moveId: string; seq: string; data: Buffer; last: boolean; error: string } }
  | { $case: 'moveImported'; value: { moveId: string; seq: string; done: boolean; error: string } };

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** `<vhosts-root>/.incoming/<domain>`: where a webspace being moved here is extracted. */
export function incomingDir(layout: Layout, name: string): string {
  return path.join(path.resolve(layout.vhostsRoot), '.incoming', assertSubscriptionName(name));
}

/**
 * Before a subscription's webspace is laid out: a webspace moved here whole (extraction finished)
 * becomes it, if there is none yet. Returns whether it did.
 */
export async function adoptIncoming(layout: Layout, name: string): Promise<boolean> {
  const staging = incomingDir(layout, name);
  const tree = path.join(staging, name);
  const complete = await fs.lstat(completeMarker(staging)).then(() => true, () => false);
  if (!complete) return false;
  const target = webspaceDir(layout, name);
  if (await fs.lstat(target).then(() => true, () => false)) return false; // a webspace is there: never replaced
  const st = await fs.lstat(tree);
  if (!st.isDirectory()) throw new Error(`${tree} is not a directory`);
  await fs.rename(tree, target);
  await removeStaging(staging);
  return true;
}

/** Removes a staging dir and its marker (a failure to remove is said by the next start's sweep). */
async function removeStaging(staging: string): Promise<void> {
  await fs.rm(completeMarker(staging), { force: true }).catch(() => undefined);
  await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
}

/** At start: no move survives a restart, so whatever is staged is stale (it would otherwise be adopted later). */
export async function sweepIncoming(layout: Layout): Promise<void> {
  await fs.rm(path.join(path.resolve(layout.vhostsRoot), '.incoming'), { recursive: true, force: true }).catch(() => undefined);
}

/** Kills a child and what it started (runuser's tar): they run in a process group of their own. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

class Export {
  private credit = 0;
  private seq = 0;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private outputEnded = false;
  private exitCode: number | null | undefined;
  private finished = false;
  private stderr = '';

  constructor(
    readonly moveId: string,
    private readonly child: ChildProcess,
    private readonly send: (m: MoveMessage) => void,
    private readonly onDone: () => void,
  ) {
    child.stdout!.on('data', (c: Buffer) => {
      this.pending.push(c);
      this.pendingBytes += c.length;
      this.flush();
    });
    child.stdout!.on('end', () => {
      this.outputEnded = true;
      this.flush();
    });
    child.stderr!.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-2000)));
    child.on('error', (err) => this.fail(err.message));
    child.on('exit', (code) => {
      this.exitCode = code;
      // GNU tar: 1 is "some files changed while read" (the copy is still whole); 2 and above fatal.
      if (code === null || code >= 2) this.fail(`tar exited with ${code ?? 'a signal'}: ${this.stderr.trim()}`);
      else this.flush();
    });
  }

  addCredit(n: number): void {
    this.credit += n;
    this.flush();
  }

  abort(): void {
    this.finished = true;
    killGroup(this.child);
    this.onDone();
  }

  private fail(error: string): void {
    if (this.finished) return;
    this.finished = true;
    this.send({ $case: 'moveChunk', value: { moveId: this.moveId, seq: String(this.seq), data: Buffer.alloc(0), last: true, error } });
    killGroup(this.child);
    this.onDone();
  }

  private flush(): void {
    while (!this.finished && this.credit > 0) {
      const complete = this.outputEnded && this.exitCode !== undefined;
      if (this.pendingBytes < MOVE_CHUNK_BYTES && !complete) break;
      const data = this.take(Math.min(MOVE_CHUNK_BYTES, this.pendingBytes));
      const last = complete && this.pendingBytes === 0;
      this.send({ $case: 'moveChunk', value: { moveId: this.moveId, seq: String(this.seq++), data, last, error: '' } });
      this.credit--;
      if (last) {
        this.finished = true;
        this.onDone();
      }
    }
    // Bounded memory: tar waits while two chunks are held and no credit came.
    if (this.pendingBytes >= 2 * MOVE_CHUNK_BYTES) this.child.stdout!.pause();
    else this.child.stdout!.resume();
  }

  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const head = this.pending[0]!;
      const len = Math.min(head.length, n - off);
      head.copy(out, off, 0, len);
      off += len;
      if (len === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(len);
    }
    this.pendingBytes -= n;
    return out;
  }
}

class Import {
  private expected = 0;
  private stderr = '';
  private failed = false;
  private ending = false;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly moveId: string,
    readonly name: string,
    private readonly staging: string,
    private readonly child: ChildProcess,
    private readonly send: (m: MoveMessage) => void,
    private readonly onDone: (completed: boolean) => void,
  ) {
    child.stderr!.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-2000)));
    child.stdin!.on('error', () => undefined); // a tar that died is reported by its exit
    child.on('error', (err) => void this.fail(err.message));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // tar ending before the last chunk (it refused the archive, or could not write) fails the move.
    void this.exited.then((code) => {
      if (!this.ending) void this.fail(`tar -x exited early with ${code ?? 'a signal'}: ${this.stderr.trim()}`);
    });
  }

  write(seq: number, data: Buffer, last: boolean): void {
    if (this.failed) return;
    if (seq !== this.expected) return void this.fail(`chunk ${seq} arrived where ${this.expected} was expected`);
    this.expected++;
    this.child.stdin!.write(data, (err) => {
      if (this.failed) return;
      if (err) return void this.fail(`${err.message}: ${this.stderr.trim()}`);
      if (!last) this.send({ $case: 'moveImported', value: { moveId: this.moveId, seq: String(seq), done: false, error: '' } });
    });
    if (!last) return;
    this.ending = true;
    this.child.stdin!.end();
    void this.exited.then((code) => {
      if (this.failed) return;
      if (code !== 0) return void this.fail(`tar -x exited with ${code ?? 'a signal'}: ${this.stderr.trim()}`);
      // In the root-owned `.incoming/`, created anew (never through anything the archive placed).
      void fs.rm(completeMarker(this.staging), { force: true }).then(() => fs.writeFile(completeMarker(this.staging), '', { flag: 'wx', mode: 0o600 })).then(
        () => {
          this.send({ $case: 'moveImported', value: { moveId: this.moveId, seq: String(seq), done: true, error: '' } });
          this.onDone(true);
        },
        (err: Error) => void this.fail(err.message),
      );
    });
  }

  async abort(): Promise<void> {
    this.failed = true;
    killGroup(this.child);
    await removeStaging(this.staging);
    this.onDone(false);
  }

  private async fail(error: string): Promise<void> {
    if (this.failed) return;
    this.failed = true;
    killGroup(this.child);
    await removeStaging(this.staging);
    this.send({ $case: 'moveImported', value: { moveId: this.moveId, seq: String(this.expected), done: false, error } });
    this.onDone(false);
  }
}

export class MoveManager {
  private readonly exports = new Map<string, Export>();
  private readonly imports = new Map<string, Import>();

  constructor(
    private readonly layout: Layout,
    private readonly users: SiteUsers,
    private readonly log: Logger,
  ) {}

  /** Starts sending a webspace (`send` reaches the controller over the current session). */
  export(moveId: string, name: string, send: (m: MoveMessage) => void): void {
    let dir: string;
    try {
      dir = webspaceDir(this.layout, name);
    } catch (err) {
      return send({ $case: 'moveChunk', value: { moveId, seq: '0', data: Buffer.alloc(0), last: true, error: (err as Error).message } });
    }
    // As root, of the webspace as it is: files, modes, times (owners are mapped on the target).
    // --sparse: a sparse file (holes cost no quota) travels as its data, not as its apparent size.
    const child = spawn('tar', ['-C', path.dirname(dir), '--sparse', '-c', '-f', '-', '--', path.basename(dir)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.exports.set(moveId, new Export(moveId, child, send, () => this.exports.delete(moveId)));
    this.log.info({ component: 'move', subscription: name, move: moveId }, 'sending the webspace');
  }

  credit(moveId: string, chunks: number): void {
    this.exports.get(moveId)?.addCredit(Math.max(0, Math.min(chunks, 64)));
  }

  /** Chunks of each move, handled one after the other (the first one starts the extraction). */
  private readonly queues = new Map<string, Promise<void>>();

  /** A chunk for a webspace moving here. */
  import(m: { moveId: string; name: string; seq: number; data: Buffer; last: boolean }, send: (msg: MoveMessage) => void): Promise<void> {
    const next = (this.queues.get(m.moveId) ?? Promise.resolve()).then(() => this.importOne(m, send));
    const settled = next.catch(() => undefined);
    this.queues.set(m.moveId, settled);
    void settled.then(() => {
      if (this.queues.get(m.moveId) === settled && !this.imports.has(m.moveId)) this.queues.delete(m.moveId);
    });
    return next;
  }

  private async importOne(m: { moveId: string; name: string; seq: number; data: Buffer; last: boolean }, send: (msg: MoveMessage) => void): Promise<void> {
    let imp = this.imports.get(m.moveId);
    if (!imp) {
      if (m.seq !== 0) return send({ $case: 'moveImported', value: { moveId: m.moveId, seq: String(m.seq), done: false, error: 'no such move here' } });
      try {
        imp = await this.start(m.moveId, m.name, send);
      } catch (err) {
        return send({ $case: 'moveImported', value: { moveId: m.moveId, seq: '0', done: false, error: (err as Error).message } });
      }
    }
    imp.write(m.seq, m.data, m.last);
  }

  /** Completed stagings by move id, until the switch adopts them (or an abort removes them). */
  private readonly completed = new Map<string, string>();

  abort(moveId: string): void {
    this.exports.get(moveId)?.abort();
    void this.imports.get(moveId)?.abort();
    // Completed, but the switch did not happen: the staged tree must never be adopted later.
    const name = this.completed.get(moveId);
    if (name !== undefined) {
      this.completed.delete(moveId);
      void removeStaging(incomingDir(this.layout, name));
    }
  }

  /** The session ended: every move under way ends with it (the controller fails them too). */
  abortAll(): void {
    for (const id of [...this.exports.keys(), ...this.imports.keys()]) this.abort(id);
  }


  private async start(moveId: string, name: string, send: (m: MoveMessage) => void): Promise<Import> {
    if ([...this.imports.values()].some((i) => i.name === name)) throw new Error(`a move of '${name}' to this host is already under way`);
    if (await fs.lstat(webspaceDir(this.layout, name)).then(() => true, () => false)) {
      throw new Error(`a webspace of '${name}' is already on this host: it is not replaced`);
    }
    const user = await this.users.ensure(name);
    const incoming = path.dirname(incomingDir(this.layout, name));
    await fs.mkdir(incoming, { recursive: true, mode: 0o711 });
    const staging = incomingDir(this.layout, name);
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging, { mode: 0o700 });
    // Extracted as the site's own user: whatever the archive holds, it can write only where that
    // user may (a hostile source cannot reach the rest of this host).
    let child: ChildProcess;
    if (this.users.isolated) {
      await fs.chown(staging, user.uid, user.gid);
      // Only the member named after the site is extracted: nothing else lands in the staging dir.
      child = spawn('runuser', ['-u', user.name, '--', 'tar', '-x', '-p', '-f', '-', '-C', staging, '--', name], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    } else {
      child = spawn('tar', ['-x', '-p', '-f', '-', '-C', staging, '--', name], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    }
    const imp = new Import(moveId, name, staging, child, send, (completed) => {
      this.imports.delete(moveId);
      // A completed staging waits for the switch (or an abort); a failed one is gone already.
      if (completed) this.completed.set(moveId, name);
    });
    this.imports.set(moveId, imp);
    this.log.info({ component: 'move', subscription: name, move: moveId, user: user.name }, 'receiving a webspace');
    return imp;
  }
}
