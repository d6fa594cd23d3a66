/**
 * Makes a webspace's directories and log files exist with their owner and mode (render/subscription.ts
 * says which). Safe against the site's own user: every entry is checked with lstat (a link or a
 * file where a directory belongs is refused, never followed), log files are opened with O_NOFOLLOW
 * and changed through their handle, and the parents of every entry belong to root, so nothing can
 * be swapped in between. Without isolation (development mode) owners are left as they are.
 */
import { constants, promises as fs } from 'node:fs';
import { isErrno } from './fs-atomic.js';
import type { Owner, WebspaceEntry } from './render/subscription.js';
import type { SiteUser } from './site-users.js';

export interface Owners {
  /** Whether owners are set at all (the agent is root and sites have their own users). */
  readonly isolated: boolean;
  readonly site: SiteUser;
  readonly webUid: number;
  readonly webGid: number;
}

/** Creates and corrects the entries, parents first. Returns whether anything changed. */
export async function ensureWebspace(entries: readonly WebspaceEntry[], owners: Owners): Promise<boolean> {
  let changed = false;
  for (const entry of entries) {
    const ids = owners.isolated ? { uid: uidOf(entry.owner, owners), gid: gidOf(entry.group, owners) } : undefined;
    changed = (entry.kind === 'dir' ? await ensureDir(entry, ids) : await ensureFile(entry, ids)) || changed;
  }
  return changed;
}

function uidOf(owner: Owner, o: Owners): number {
  return owner === 'root' ? 0 : owner === 'site' ? o.site.uid : o.webUid;
}

function gidOf(group: Owner, o: Owners): number {
  return group === 'root' ? 0 : group === 'site' ? o.site.gid : o.webGid;
}

type Ids = { uid: number; gid: number } | undefined;

async function ensureDir(entry: WebspaceEntry, ids: Ids): Promise<boolean> {
  let created = false;
  try {
    await fs.mkdir(entry.path, { mode: 0o700 });
    created = true;
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw new Error(`'${entry.path}' cannot be created: a parent is missing or not a directory`);
      throw err;
    }
  }
  const st = await fs.lstat(entry.path);
  if (!st.isDirectory()) throw new Error(`'${entry.path}' exists and is not a directory (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}): refused`);
  let changed = created;
  if (ids && (st.uid !== ids.uid || st.gid !== ids.gid)) {
    await fs.lchown(entry.path, ids.uid, ids.gid);
    changed = true;
  }
  // chown clears set-id bits, and mkdir's mode is filtered by the umask: set the mode last.
  if (created || changed || (st.mode & 0o7777) !== entry.mode) {
    await fs.chmod(entry.path, entry.mode);
    changed = true;
  }
  return changed;
}

async function ensureFile(entry: WebspaceEntry, ids: Ids): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(entry.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (err) {
    if (isErrno(err, 'ELOOP')) throw new Error(`'${entry.path}' is a symbolic link: refused`);
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`'${entry.path}' exists and is not a file: refused`);
    let changed = false;
    if (ids && (st.uid !== ids.uid || st.gid !== ids.gid)) {
      await handle.chown(ids.uid, ids.gid);
      changed = true;
    }
    if (changed || (st.mode & 0o7777) !== entry.mode) {
      await handle.chmod(entry.mode);
      changed = true;
    }
    return changed;
  } finally {
    await handle.close();
  }
}
