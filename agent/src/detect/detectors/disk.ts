/**
 * Disk capacity of the filesystem that holds the vhosts root. systeminformation's `fsSize()` lists
 * the mounted filesystems (one `df`, about 50 ms); the one whose mount point is the longest prefix
 * of the vhosts root's real path is it — checked by device number, since `df` leaves out some
 * filesystems (tmpfs, squashfs) and a shorter prefix would then be picked wrongly. When the check
 * fails, the numbers come from `statfs` on the path itself. The vhosts root need not exist yet
 * (the agent creates it): its nearest existing ancestor is measured.
 *
 * Free is what an unprivileged writer can use (`available`, i.e. without the filesystem's root
 * reserve); allocatable is free less the configured reserve, never negative.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DiskCapacity } from '@hostplane/shared';
import si from 'systeminformation';
import type { Detector } from '../detector.js';
import { allocatableBytes, type DiskReserve } from '../reserve.js';

export const disk: Detector = {
  name: 'disk',
  async detect(env) {
    return { disk: await diskCapacity(env.vhostsRoot, env.reserve) };
  },
};

export async function diskCapacity(vhostsRoot: string, reserve: DiskReserve): Promise<DiskCapacity> {
  const real = await nearestExistingRealPath(path.resolve(vhostsRoot));
  const [mounts, stat] = await Promise.all([si.fsSize(), fs.stat(real)]);
  const mount = longestPrefixMount(mounts, real);
  if (mount && (await deviceOf(mount.mount)) === stat.dev) {
    return capacity(mount.mount, mount.size, mount.available, reserve);
  }
  const sfs = await fs.statfs(real);
  return capacity(await mountPointOf(real, stat.dev), sfs.blocks * sfs.bsize, sfs.bavail * sfs.bsize, reserve);
}

function capacity(mount: string | undefined, totalBytes: number, freeBytes: number, reserve: DiskReserve): DiskCapacity {
  return { ...(mount ? { mount } : {}), totalBytes, freeBytes, allocatableBytes: allocatableBytes(freeBytes, totalBytes, reserve) };
}

/** The entry whose mount point is the longest path prefix of `target` (`/var` is not a prefix of `/variant`). */
export function longestPrefixMount<T extends { readonly mount: string }>(mounts: readonly T[], target: string): T | undefined {
  let best: T | undefined;
  for (const m of mounts) {
    if (!m.mount.startsWith('/')) continue;
    const prefix = m.mount.endsWith('/') ? m.mount : `${m.mount}/`;
    if ((target === m.mount || target.startsWith(prefix)) && (!best || m.mount.length > best.mount.length)) best = m;
  }
  return best;
}

async function nearestExistingRealPath(p: string): Promise<string> {
  for (let current = p; ; current = path.dirname(current)) {
    try {
      return await fs.realpath(current);
    } catch (err) {
      if (path.dirname(current) === current) throw err;
    }
  }
}

async function deviceOf(p: string): Promise<number | undefined> {
  return fs.stat(p).then((s) => s.dev, () => undefined);
}

/** The highest ancestor of `real` on the same device: its mount point. */
async function mountPointOf(real: string, dev: number): Promise<string> {
  let mount = real;
  for (;;) {
    const parent = path.dirname(mount);
    if (parent === mount || (await deviceOf(parent)) !== dev) return mount;
    mount = parent;
  }
}
