/**
 * Filesystem user quotas (`hosting.hard_quota`): reported only with both the quota tools and a
 * vhosts filesystem mounted with user quotas. The kernels of these machines have no quota support,
 * so on the real mount table the tools alone are never enough.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userQuotaMount } from '../../../agent/src/detect/detectors/quota.js';
import { DEFAULT_VERSIONS, writeProbeDir, writeQuotaMountinfo } from '../fixtures.js';
import { caseDirs, detectComponents } from './run.js';

const fresh = caseDirs();

const MOUNTINFO = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
  '30 22 254:2 / /srv rw,relatime shared:2 - ext4 /dev/vdb1 rw,usrquota,grpquota',
  '31 30 254:3 / /srv/www rw,relatime shared:3 - xfs /dev/vdc1 rw,uquota',
  '32 22 254:4 / /var/www\\040sites rw,relatime shared:4 - ext4 /dev/vdd1 rw,usrjquota=aquota.user,jqfmt=vfsv1',
  '33 22 254:5 / /home rw,relatime shared:5 - ext4 /dev/vde1 rw,grpquota',
].join('\n');

describe('userQuotaMount', () => {
  it.each([
    ['/var/lib/x', '/', false],
    ['/srv/vhosts', '/srv', true],
    ['/srv/www/vhosts', '/srv/www', true], // the longest prefix wins (XFS uquota)
    ['/var/www sites/a', '/var/www sites', true], // journaled quota, an escaped space
    ['/home/vhosts', '/home', false], // group quotas only
    ['/srvx', '/', false], // /srv is not a prefix of /srvx
  ])('%s is on %s, user quotas %s', (target, mount, userQuota) => {
    expect(userQuotaMount(MOUNTINFO, target)).toEqual({ mount, userQuota });
  });
});

describe('the quota detector', () => {
  it('on this machine (no quota in the kernel): the tools alone are not reported', async () => {
    const dir = fresh();
    await writeProbeDir(dir, ['quota']);
    expect(await detectComponents([dir])).toEqual([]);
  });

  it('with a usrquota mount: reported with the tools’ version and path', async () => {
    const dir = fresh();
    const mountinfo = await writeQuotaMountinfo(path.join(dir, 'proc'));
    expect(await detectComponents([dir], { mountinfo })).toEqual([]); // no tools, nothing
    await writeProbeDir(dir, ['quota']);
    expect(await detectComponents([dir], { mountinfo })).toEqual([{ name: 'quota', version: DEFAULT_VERSIONS.quota, path: path.join(dir, 'setquota') }]);
  });
});
