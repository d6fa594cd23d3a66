/** Realistic capability reports and helpers shared by the domain tests. */
import type { CapabilityReport, Component, ComponentName, DiskCapacity, Values } from '@hostplane/shared';
import type { SubscriptionInput } from '../../controller/src/domain/index.js';

export const KiB = 1024;
export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
export const TiB = 1024 ** 4;

/** What a well-equipped Debian 12 hosting node reports. */
export const FULL_COMPONENTS: readonly Component[] = [
  { name: 'nginx', version: '1.22.1', path: '/usr/sbin/nginx' },
  { name: 'php', version: '7.4.33', path: '/usr/bin/php7.4' },
  { name: 'php', version: '8.1.27', path: '/usr/bin/php8.1' },
  { name: 'php', version: '8.2.12', path: '/usr/bin/php8.2' },
  { name: 'php-fpm', version: '7.4.33', path: '/usr/sbin/php-fpm7.4' },
  { name: 'php-fpm', version: '8.1.27', path: '/usr/sbin/php-fpm8.1' },
  { name: 'php-fpm', version: '8.2.12', path: '/usr/sbin/php-fpm8.2' },
  { name: 'mivavm', version: '5.32', path: '/usr/local/mivavm/bin/mivavm' },
  { name: 'perl', version: '5.36.0', path: '/usr/bin/perl' },
  { name: 'python3', version: '3.11.2', path: '/usr/bin/python3' },
  { name: 'node', version: '18.19.0', path: '/usr/bin/node' },
  { name: 'postfix', version: '3.7.10', path: '/usr/sbin/postfix' },
  { name: 'mariadb', version: '10.11.6', path: '/usr/sbin/mariadbd' },
  { name: 'proftpd', version: '1.3.8', path: '/usr/sbin/proftpd' },
  { name: 'awstats', version: '7.8', path: '/usr/lib/cgi-bin/awstats.pl' },
  { name: 'webalizer', version: '2.23', path: '/usr/bin/webalizer' },
  { name: 'fcgiwrap', version: '1.1.0', path: '/usr/sbin/fcgiwrap' },
  { name: 'quota', version: '4.09', path: '/usr/sbin/setquota' },
];

export const DISK: DiskCapacity = {
  mount: '/var/www',
  totalBytes: 500 * GiB,
  freeBytes: 200 * GiB,
  allocatableBytes: 180 * GiB,
};

export const FULL_REPORT: CapabilityReport = {
  components: FULL_COMPONENTS,
  disk: DISK,
  os: { platform: 'linux', distro: 'debian', release: '12' },
  cpu: { cores: 2 },
  memory: { totalBytes: 4 * GiB },
};

export interface ReportOptions {
  /** Components (by name) to leave out of FULL_COMPONENTS. */
  without?: readonly ComponentName[];
  /** Replace every php / php-fpm entry by these full versions. */
  php?: readonly string[];
  fpm?: readonly string[];
  /** Components to add. */
  extra?: readonly Component[];
  /** Allocatable bytes of the vhosts filesystem; `null` = no disk in the report. */
  allocatable?: number | null;
}

/** A fresh report object (fresh identity, so the capabilities cache does not hide anything). */
export function report(opts: ReportOptions = {}): CapabilityReport {
  let components = FULL_COMPONENTS.filter((c) => !opts.without?.includes(c.name));
  if (opts.php) components = components.filter((c) => c.name !== 'php').concat(opts.php.map((version) => ({ name: 'php' as const, version })));
  if (opts.fpm) components = components.filter((c) => c.name !== 'php-fpm').concat(opts.fpm.map((version) => ({ name: 'php-fpm' as const, version })));
  if (opts.extra) components = components.concat(opts.extra);
  const disk =
    opts.allocatable === null
      ? undefined
      : opts.allocatable === undefined
        ? DISK
        : { ...DISK, freeBytes: Math.max(DISK.freeBytes, opts.allocatable), allocatableBytes: opts.allocatable };
  return { ...FULL_REPORT, components, disk };
}

/** A subscription that follows `plan` (+ add-ons), not locked. */
export function following(plan: Values, opts: Partial<SubscriptionInput> = {}): SubscriptionInput {
  return {
    planValues: plan,
    addonValues: [],
    ownValues: null,
    locked: false,
    subscriberValues: {},
    currentProvided: null,
    ...opts,
  };
}

/** The conflict rows without their reasons, for exact comparison. */
export function rows(conflicts: readonly { property: string; planValue: unknown; availableValue: unknown }[]) {
  return conflicts.map(({ property, planValue, availableValue }) => ({ property, planValue, availableValue }));
}
