/** PHP: every installed version, the FPM per version, and the vendor layouts. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultProbeDirs } from '../../../agent/src/index.js';
import { writeProbeDir } from '../fixtures.js';
import { caseDirs, detectComponents } from './run.js';

const fresh = caseDirs();

describe('php and php-fpm', () => {
  it('finds several PHP versions at once, and FPM only where it is installed', async () => {
    const dir = fresh();
    const expected = await writeProbeDir(dir, [
      { name: 'php', version: '7.4.33' },
      { name: 'php', version: '8.2.12' },
      { name: 'php', version: '8.3.1' },
      { name: 'php-fpm', version: '8.2.12' },
    ]);
    const found = await detectComponents([dir]);
    expect(found).toEqual(expected);
    expect(found.map((c) => `${c.name} ${c.version} ${path.basename(c.path ?? '')}`)).toEqual([
      'php 7.4.33 php7.4',
      'php 8.2.12 php8.2',
      'php 8.3.1 php8.3',
      'php-fpm 8.2.12 php-fpm8.2',
    ]);
  });

  it('sorts versions numerically (8.9 before 8.10)', async () => {
    const dir = fresh();
    await writeProbeDir(dir, [
      { name: 'php', version: '8.10.0' },
      { name: 'php', version: '8.9.5' },
    ]);
    expect((await detectComponents([dir])).map((c) => c.version)).toEqual(['8.9.5', '8.10.0']);
  });

  it('`php` as a link to `php8.2` (Debian alternatives) is one PHP, reported under its real path', async () => {
    const dir = fresh();
    const [php82] = await writeProbeDir(dir, [{ name: 'php', version: '8.2.12' }]);
    await fs.symlink('php8.2', path.join(dir, 'php'));
    expect(await detectComponents([dir])).toEqual([php82]);
  });

  it('the version comes from the banner, not from the file name', async () => {
    const dir = fresh();
    const [c] = await writeProbeDir(dir, [{ name: 'php', version: '8.1.27', file: 'php8.3' }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'php', version: '8.1.27', path: c!.path }]);
  });

  it('a Plesk layout given explicitly on the probe path (<tmp>/opt/plesk/php/8.1/bin/php)', async () => {
    const root = fresh();
    const bin = path.join(root, 'opt/plesk/php/8.1/bin');
    const sbin = path.join(root, 'opt/plesk/php/8.1/sbin');
    const [php] = await writeProbeDir(bin, [{ name: 'php', version: '8.1.27', file: 'php' }]);
    const [fpm] = await writeProbeDir(sbin, [{ name: 'php-fpm', version: '8.1.27', file: 'php-fpm' }]);
    expect(await detectComponents([bin, sbin])).toEqual([php, fpm]);
    expect(php!.path).toBe(path.join(bin, 'php'));
    // only the directories given are searched: the sbin one alone has no CLI
    expect(await detectComponents([sbin])).toEqual([fpm]);
  });

  it('a Remi layout and a distribution PHP side by side', async () => {
    const root = fresh();
    const remi = path.join(root, 'opt/remi/php74/root/usr/bin');
    const usrBin = path.join(root, 'usr/bin');
    const [old] = await writeProbeDir(remi, [{ name: 'php', version: '7.4.33', file: 'php' }]);
    const [current] = await writeProbeDir(usrBin, [{ name: 'php', version: '8.2.12', file: 'php' }]);
    expect(await detectComponents([usrBin, remi])).toEqual([old, current]);
  });
});

describe('default probe path', () => {
  it('expands the vendor directories that exist (validated names only), after the usual ones', async () => {
    const root = fresh();
    for (const d of [
      'opt/plesk/php/8.1/bin',
      'opt/plesk/php/7.4/sbin',
      'opt/plesk/php/not-a-version/bin',
      'opt/remi/php82/root/usr/bin',
      'opt/cpanel/ea-php83/root/usr/sbin',
      'usr/lib/postgresql/15/bin',
      'usr/pgsql-16/bin',
      'usr/local/mivavm-v5.51/cgi-bin',
    ]) {
      await fs.mkdir(path.join(root, d), { recursive: true });
    }
    const dirs = (await defaultProbeDirs(root)).map((d) => path.relative(root, d));
    expect(dirs.slice(0, 7)).toEqual(['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin', 'usr/lib/cgi-bin']);
    for (const d of [
      'opt/plesk/php/7.4/bin',
      'opt/plesk/php/7.4/sbin',
      'opt/plesk/php/8.1/bin',
      'opt/plesk/php/8.1/sbin',
      'opt/remi/php82/root/usr/bin',
      'opt/remi/php82/root/usr/sbin',
      'opt/cpanel/ea-php83/root/usr/sbin',
      'usr/lib/postgresql/15/bin',
      'usr/pgsql-16/bin',
      'usr/local/mivavm-v5.51/cgi-bin',
    ]) {
      expect(dirs).toContain(d);
    }
    expect(dirs.indexOf('opt/plesk/php/7.4/bin')).toBeLessThan(dirs.indexOf('opt/plesk/php/8.1/bin'));
    expect(dirs.some((d) => d.includes('not-a-version'))).toBe(false);
  });

  it('a Debian PostgreSQL server outside PATH is found through the default patterns', async () => {
    const root = fresh();
    const [pg] = await writeProbeDir(path.join(root, 'usr/lib/postgresql/15/bin'), [{ name: 'postgresql', version: '15.5' }]);
    expect(await detectComponents(await defaultProbeDirs(root))).toEqual([pg]);
  });
});
