/** Disk capacity of the vhosts filesystem, and the reserve. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatableBytes, detectCapabilities, diskCapacity, longestPrefixMount, parseReserve, reserveBytes, validateReserve } from '../../../agent/src/index.js';
import { makeTempDir } from '../fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(() => tmp.cleanup());

describe('disk capacity', () => {
  it('of a temporary directory: sane numbers, allocatable < free ≤ total, the mount holds the path', async () => {
    const disk = await diskCapacity(tmp.dir, { percent: 5 });
    expect(disk.totalBytes).toBeGreaterThan(0);
    expect(disk.freeBytes).toBeGreaterThan(0);
    expect(disk.freeBytes).toBeLessThanOrEqual(disk.totalBytes);
    expect(disk.allocatableBytes).toBeLessThan(disk.freeBytes);
    expect(disk.allocatableBytes).toBe(Math.max(0, disk.freeBytes - Math.floor(disk.totalBytes * 0.05)));
    expect(Number.isSafeInteger(disk.totalBytes) && Number.isSafeInteger(disk.freeBytes)).toBe(true);
    expect(disk.mount).toBeDefined();
    expect(tmp.dir === disk.mount || tmp.dir.startsWith(disk.mount === '/' ? '/' : `${disk.mount}/`)).toBe(true);
    const sfs = await fs.statfs(tmp.dir);
    expect(Math.abs(disk.totalBytes - sfs.blocks * sfs.bsize)).toBeLessThan(sfs.bsize * 1024); // same filesystem as statfs says
  });

  it('is part of the report, with the default 5 % reserve', async () => {
    const report = await detectCapabilities({ vhostsRoot: tmp.dir, probePath: [] });
    const disk = report.disk!;
    expect(disk.allocatableBytes).toBe(Math.max(0, disk.freeBytes - Math.floor(disk.totalBytes * 0.05)));
  });

  it('a reserve in bytes, and a reserve larger than the free space gives 0, never negative', async () => {
    const disk = await diskCapacity(tmp.dir, { bytes: 1024 ** 3 });
    expect(disk.allocatableBytes).toBe(Math.max(0, disk.freeBytes - 1024 ** 3));
    const none = await diskCapacity(tmp.dir, { percent: 100 });
    expect(none.allocatableBytes).toBe(0);
    const huge = await diskCapacity(tmp.dir, { bytes: Number.MAX_SAFE_INTEGER });
    expect(huge.allocatableBytes).toBe(0);
  });

  it('a vhosts root that does not exist yet is measured at its nearest existing ancestor', async () => {
    const here = await diskCapacity(tmp.dir, { percent: 0 });
    const later = await diskCapacity(path.join(tmp.dir, 'var/www/vhosts'), { percent: 0 });
    expect(later.mount).toBe(here.mount);
    expect(later.totalBytes).toBe(here.totalBytes);
  });
});

describe('longestPrefixMount', () => {
  const mounts = [{ mount: '/' }, { mount: '/var' }, { mount: '/var/www' }, { mount: '/srv/' }];
  it.each([
    ['/var/www/vhosts', '/var/www'],
    ['/var/www', '/var/www'],
    ['/var/lib', '/var'],
    ['/variant', '/'],
    ['/srv/data', '/srv/'],
    ['/home', '/'],
  ])('%s is on %s', (target, mount) => {
    expect(longestPrefixMount(mounts, target)?.mount).toBe(mount);
  });

  it('ignores entries that are not absolute mount points', () => {
    expect(longestPrefixMount([{ mount: 'C:' }], '/var')).toBeUndefined();
  });
});

describe('reserve', () => {
  it.each([
    ['5%', { percent: 5 }],
    ['12.5%', { percent: 12.5 }],
    ['10G', { bytes: 10 * 1024 ** 3 }],
    ['512M', { bytes: 512 * 1024 ** 2 }],
    ['1073741824', { bytes: 1073741824 }],
    [' 0 ', { bytes: 0 }],
  ])('parses %s', (text, reserve) => {
    expect(parseReserve(text)).toEqual(reserve);
  });

  it.each(['', '-5%', '101%', 'lots', '12X', '%'])('rejects %j naming the field', (text) => {
    expect(() => parseReserve(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'reserve' }));
  });

  it('validates reserves given as objects too', () => {
    expect(() => validateReserve({ bytes: -1 })).toThrow(expect.objectContaining({ field: 'reserve' }));
    expect(() => validateReserve({ percent: Number.NaN })).toThrow(expect.objectContaining({ field: 'reserve' }));
  });

  it('computes bytes and allocatable', () => {
    expect(reserveBytes({ percent: 5 }, 1000)).toBe(50);
    expect(reserveBytes({ bytes: 7 }, 1000)).toBe(7);
    expect(allocatableBytes(100, 1000, { percent: 5 })).toBe(50);
    expect(allocatableBytes(10, 1000, { percent: 5 })).toBe(0);
  });
});
