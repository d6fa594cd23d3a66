/**
 * The probe path: the directories searched for component executables. By default the usual
 * sbin/bin directories plus the places where vendors install side-by-side versions (Plesk, Remi
 * and cPanel PHP builds, Debian and PGDG PostgreSQL, CGI directories for awstats and Miva). An
 * explicit probe path (`--probe-path`) replaces all of it: only the directories given are searched,
 * and no patterns are expanded in them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '@hostplane/shared';
import { compareVersions } from './version.js';

export const DEFAULT_PROBE_DIRS: readonly string[] = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/lib/cgi-bin',
];

/** A vendor location: `<parent>/<one directory matching segment>/<below…>`. */
export interface VendorDirPattern {
  readonly parent: string;
  /** Anchored: a directory name read from `parent` is used only when it matches. */
  readonly segment: RegExp;
  readonly below: readonly string[];
}

const bins = (parent: string, segment: RegExp, prefix: string): VendorDirPattern[] => [
  { parent, segment, below: [`${prefix}bin`] },
  { parent, segment, below: [`${prefix}sbin`] },
];

export const VENDOR_DIR_PATTERNS: readonly VendorDirPattern[] = [
  ...bins('/opt/plesk/php', /^\d+\.\d+$/, ''), // /opt/plesk/php/8.2/bin/php, …/sbin/php-fpm
  ...bins('/opt/remi', /^php\d{2,3}$/, 'root/usr/'), // /opt/remi/php82/root/usr/bin/php
  ...bins('/opt/cpanel', /^ea-php\d{2,3}$/, 'root/usr/'), // /opt/cpanel/ea-php82/root/usr/bin/php
  { parent: '/usr/lib/postgresql', segment: /^\d+(?:\.\d+)?$/, below: ['bin'] }, // Debian: …/15/bin/postgres
  { parent: '/usr', segment: /^pgsql-\d+(?:\.\d+)?$/, below: ['bin'] }, // PGDG: /usr/pgsql-15/bin/postgres
  { parent: '/usr/local', segment: /^mivavm-v\d+\.\d+$/, below: ['cgi-bin'] }, // /usr/local/mivavm-v5.51/cgi-bin/mivavm
  { parent: '/usr/share', segment: /^awstats$/, below: ['wwwroot', 'cgi-bin'] }, // RHEL awstats.pl
  { parent: '/usr/local', segment: /^awstats$/, below: ['wwwroot', 'cgi-bin'] }, // upstream tarball
];

/** Validates an explicit probe path: absolute directories only (INVALID_ARGUMENT `probePath` otherwise). */
export function normalizeProbePath(dirs: readonly string[]): string[] {
  return dirs.map((dir, i) => {
    if (typeof dir !== 'string' || !path.isAbsolute(dir)) {
      throw new InvalidArgumentError(`probePath[${i}]`, `probe path entry '${String(dir)}' must be an absolute directory`);
    }
    return path.normalize(dir);
  });
}

/**
 * The default probe path, vendor patterns expanded against what exists now (new versions installed
 * later are found by the next cycle). `root` relocates every default directory, for tests.
 */
export async function defaultProbeDirs(root = '/'): Promise<string[]> {
  const at = (p: string) => path.join(root, p);
  const expanded = await Promise.all(
    VENDOR_DIR_PATTERNS.map(async ({ parent, segment, below }) => {
      const names = await fs.readdir(at(parent)).catch(() => [] as string[]);
      return names
        .filter((n) => segment.test(n))
        .sort(compareVersions)
        .map((n) => path.join(at(parent), n, ...below));
    }),
  );
  return [...DEFAULT_PROBE_DIRS.map(at), ...expanded.flat()];
}

/** The directories to search: the explicit probe path as given, or the default one. */
export async function probeDirs(probePath: readonly string[] | undefined, root?: string): Promise<string[]> {
  return probePath === undefined ? defaultProbeDirs(root) : normalizeProbePath(probePath);
}
