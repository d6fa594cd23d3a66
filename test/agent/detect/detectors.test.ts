/**
 * One test per component detector: a probe directory holding only that component's fixture (its
 * real banner, on the real stream, with the real exit code) yields exactly that component — all
 * detectors run, so none of the others claims it — and the variants each detector documents.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPONENT_NAMES, type ComponentName } from '@hostplane/shared';
import { COMPONENT_DETECTORS } from '../../../agent/src/index.js';
import {
  DEFAULT_VERSIONS,
  awstatsScript,
  phpBanner,
  pureFtpdHelp,
  writeExecutable,
  writeFixture,
  writeProbeDir,
  writeQuotaMountinfo,
} from '../fixtures.js';
import { caseDirs, detectComponents } from './run.js';

const fresh = caseDirs();

describe('registry', () => {
  it('has exactly one detector per component of the catalogue, named after it', () => {
    expect(COMPONENT_DETECTORS.map((d) => d.name).sort()).toEqual([...COMPONENT_NAMES].sort());
  });
});

describe('each component detector, from its real banner', () => {
  it.each(COMPONENT_NAMES.map((name) => [name] as const))('%s', async (name: ComponentName) => {
    const dir = fresh();
    const expected = await writeProbeDir(dir, [name]);
    // quota also needs its filesystem mounted with user quotas (here a mount table saying so)
    const options = name === 'quota' ? { mountinfo: await writeQuotaMountinfo(path.join(dir, 'proc')) } : {};
    expect(await detectComponents([dir], options)).toEqual(expected);
    if (name !== 'mivavm') expect(expected[0]?.version).toBe(DEFAULT_VERSIONS[name]);
  });
});

describe('detector variants', () => {
  it('mysqld whose banner says MariaDB is mariadb (the Debian compatibility link), not mysql', async () => {
    const dir = fresh();
    const banner = 'mysqld  Ver 10.5.21-MariaDB-0+deb11u1 for debian-linux-gnu on x86_64 (Debian 11)\n';
    const file = await writeFixture(dir, 'mysqld', [{ args: '--version', stdout: banner }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'mariadb', version: '10.5.21', path: file }]);
  });

  it('mariadbd and a mysqld link to it are one server', async () => {
    const dir = fresh();
    const [mariadb] = await writeProbeDir(dir, ['mariadb']);
    const { symlink } = await import('node:fs/promises');
    await symlink('mariadbd', path.join(dir, 'mysqld'));
    expect(await detectComponents([dir])).toEqual([mariadb]);
  });

  it('Percona Server is mysql', async () => {
    const dir = fresh();
    const banner = "/usr/sbin/mysqld  Ver 8.0.34-26 for Linux on x86_64 (Percona Server (GPL), Release '26', Revision '0fe62c85')\n";
    const file = await writeFixture(dir, 'mysqld', [{ args: '--version', stdout: banner }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'mysql', version: '8.0.34', path: file }]);
  });

  it('apache as httpd (RHEL)', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'httpd', [
      { args: '-v', stdout: 'Server version: Apache/2.4.37 (Red Hat Enterprise Linux)\nServer built:   Nov 20 2023 00:00:00\n' },
    ]);
    expect(await detectComponents([dir])).toEqual([{ name: 'apache', version: '2.4.37', path: file }]);
  });

  it('exim under its plain name, exiting 1 on a broken configuration after the banner', async () => {
    const dir = fresh();
    const out = 'Exim version 4.97.1 #2 built 14-Feb-2024 10:00:00\nCopyright (c) University of Cambridge, 1995 - 2018\n';
    const file = await writeFixture(dir, 'exim', [{ args: '-bV', stdout: out, stderr: '2024-03-01 10:00:00 Exim configuration error in line 12 of /etc/exim/exim.conf:\n', exitCode: 1 }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'exim', version: '4.97.1', path: file }]);
  });

  it('postconf answering in the `mail_version = X` form', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'postconf', [{ args: '*', stdout: 'mail_version = 3.5.18\n' }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'postfix', version: '3.5.18', path: file }]);
  });

  it('vsftpd builds that print on stderr and exit non-zero', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'vsftpd', [{ args: '-v', stderr: 'vsftpd: version 3.0.5\n', exitCode: 1 }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'vsftpd', version: '3.0.5', path: file }]);
  });

  it('pure-ftpd run as non-root prints only its option list: reported without a version', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'pure-ftpd', [{ args: '--help', stdout: pureFtpdHelp(undefined) }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'pure-ftpd', path: file }]);
  });

  it('node under the Debian name nodejs', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'nodejs', [{ args: '--version', stdout: 'v18.19.0\n' }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'node', version: '18.19.0', path: file }]);
  });

  it('perl before 5.10 (`This is perl, v5.8.8 …`)', async () => {
    const dir = fresh();
    const file = await writeFixture(dir, 'perl', [{ args: '-v', stdout: '\nThis is perl, v5.8.8 built for x86_64-linux-thread-multi\n\nCopyright 1987-2006, Larry Wall\n' }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'perl', version: '5.8.8', path: file }]);
  });

  it('php with startup warnings before its banner, and an Ubuntu version suffix', async () => {
    const dir = fresh();
    const out = "PHP Warning:  PHP Startup: Unable to load dynamic library 'imagick.so' in Unknown on line 0\n" + phpBanner('8.1.2-1ubuntu2.14');
    const file = await writeFixture(dir, 'php8.1', [{ args: '-n -v', stdout: out }]);
    expect(await detectComponents([dir])).toEqual([{ name: 'php', version: '8.1.2', path: file }]);
  });

  it('a php-fpm banner under a php name is not php, and a cli banner under a php-fpm name is not php-fpm', async () => {
    const dir = fresh();
    await writeFixture(dir, 'php', [{ args: '-n -v', stdout: phpBanner('8.2.12', 'fpm-fcgi') }]);
    await writeFixture(dir, 'php-fpm', [{ args: '-n -v', stdout: phpBanner('8.2.12', 'cli') }]);
    expect(await detectComponents([dir])).toEqual([]);
  });

  it('awstats.pl without a version line is reported without a version; a file that is not AWStats is not', async () => {
    const withoutVersion = fresh();
    const file = await writeExecutable(withoutVersion, 'awstats.pl', awstatsScript(undefined));
    expect(await detectComponents([withoutVersion])).toEqual([{ name: 'awstats', path: file }]);
    const impostor = fresh();
    await writeExecutable(impostor, 'awstats.pl', '#!/usr/bin/perl\nprint "hello\\n";\n');
    expect(await detectComponents([impostor])).toEqual([]);
  });

  it('mivavm in its installation directory takes the version from the directory name', async () => {
    const dir = path.join(fresh(), 'usr/local/mivavm-v5.51/cgi-bin');
    const [found] = await writeProbeDir(dir, ['mivavm']);
    expect(await detectComponents([dir])).toEqual([{ ...found, version: '5.51' }]);
  });

  it('a fixture called with other arguments than the real probe answers nothing (so flags are checked)', async () => {
    const dir = fresh();
    await writeFixture(dir, 'nginx', [{ args: '-V', stderr: 'nginx version: nginx/1.22.1\n' }]);
    expect(await detectComponents([dir])).toEqual([]);
  });
});
