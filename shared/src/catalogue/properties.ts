/**
 * The property catalogue: the single source of truth for every plan/subscription property.
 * Controller (sync, feasibility), agent (apply), API validation and CLI parsing all read it.
 * Keys and their meaning are part of the product (users type them): never rename one.
 */
import type { ComponentName } from './components.js';

export const UNLIMITED = 'unlimited';
export type Unlimited = typeof UNLIMITED;

/** How add-on values combine with the plan's (and with each other's). */
export type Combine = 'sum' | 'max' | 'or' | 'none';

export type PropertyType =
  | { readonly kind: 'size'; readonly unlimited: boolean }
  | { readonly kind: 'count'; readonly unlimited: boolean }
  | { readonly kind: 'duration'; readonly unlimited: boolean }
  | { readonly kind: 'seconds' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'version' }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

/**
 * What a host must have for a property's value to be provided.
 * - `component`: when the value is `true` (bool) or `> 0` (count), one of `anyOf` must be installed.
 * - `disk`: a finite size must fit in the host's allocatable disk.
 * - `php-version`: PHP X.Y must be installed.
 * - `php-fpm`: the `fpm` handler needs php-fpm of the PHP version the host provides.
 * - `tool-by-value`: the enum value names the component (e.g. `awstats`), `none` needs nothing.
 */
export type Requirement =
  | { readonly kind: 'component'; readonly anyOf: readonly ComponentName[]; readonly label: string }
  | { readonly kind: 'disk' }
  | { readonly kind: 'php-version' }
  | { readonly kind: 'php-fpm' }
  | { readonly kind: 'tool-by-value' };

export interface PropertyDef {
  readonly key: string;
  readonly type: PropertyType;
  /** Value when a plan does not set the key; `undefined` means "not set" (e.g. PHP's own default). */
  readonly default: Value | undefined;
  readonly unit?: string;
  readonly combine: Combine;
  /** An add-on plan may carry this key (false = "not in add-ons"). */
  readonly inAddons: boolean;
  /** The permission that delegates this property to the subscriber. */
  readonly delegatedBy?: PermissionKey;
  readonly requires?: Requirement;
  /** The requirement is checked only when this property's provided value is `true`. */
  readonly dependsOn?: string;
  /**
   * Where the key may be set: `hosting` (service/add-on plans and subscriptions; the default) or
   * `reseller` (reseller plans and reseller accounts only).
   */
  readonly scope?: 'hosting' | 'reseller';
  readonly description: string;
}

/** A property value: numbers for sizes (bytes), counts and seconds; `'unlimited'`; booleans; strings. */
export type Value = number | boolean | string;

const size = (unlimited = true): PropertyType => ({ kind: 'size', unlimited });
const count = (unlimited = true): PropertyType => ({ kind: 'count', unlimited });
const bool: PropertyType = { kind: 'bool' };

const WEB_SERVER: Requirement = { kind: 'component', anyOf: ['nginx', 'apache'], label: 'a web server (nginx or apache)' };

function limit(key: string, description: string, type: PropertyType, extra: Partial<PropertyDef> = {}): PropertyDef {
  return { key, type, default: UNLIMITED, combine: 'sum', inAddons: true, description, ...extra };
}

function hostingFlag(key: string, description: string, requires: Requirement, extra: Partial<PropertyDef> = {}): PropertyDef {
  return {
    key,
    type: bool,
    default: false,
    combine: 'or',
    inAddons: true,
    delegatedBy: 'permissions.manage_hosting',
    requires,
    description,
    ...extra,
  };
}

function permission(key: string, description: string): PropertyDef {
  return { key, type: bool, default: false, combine: 'or', inAddons: true, description };
}

function reseller(key: string, description: string, type: PropertyType): PropertyDef {
  return { key, type, default: UNLIMITED, combine: 'none', inAddons: false, scope: 'reseller', description };
}

export const PERMISSION_KEYS = [
  'permissions.manage_php_settings',
  'permissions.manage_php_version',
  'permissions.manage_hosting',
  'permissions.manage_dns',
  'permissions.manage_mail',
  'permissions.manage_databases',
  'permissions.manage_subdomains',
  'permissions.manage_ftp',
] as const;
export type PermissionKey = (typeof PERMISSION_KEYS)[number];

const DEFS: readonly PropertyDef[] = [
  limit('limits.disk_space', 'Disk quota of the webspace', size(), { unit: 'bytes', requires: { kind: 'disk' } }),
  limit('limits.traffic', 'Monthly traffic', size(), { unit: 'bytes/month' }),
  limit('limits.websites', 'Websites (domains)', count()),
  limit('limits.subdomains', 'Subdomains', count()),
  limit('limits.domain_aliases', 'Domain aliases', count()),
  limit('limits.web_users', 'Web users', count()),
  limit('limits.mailing_lists', 'Mailing lists', count()),
  limit('limits.mailboxes', 'Mailboxes', count(), {
    default: 0,
    requires: { kind: 'component', anyOf: ['postfix', 'exim'], label: 'a mail server (postfix or exim)' },
  }),
  limit('limits.mailbox_size', 'Size of one mailbox', size(), { unit: 'bytes', combine: 'max' }),
  limit('limits.databases', 'Databases', count(), {
    default: 0,
    requires: {
      kind: 'component',
      anyOf: ['mariadb', 'mysql', 'postgresql'],
      label: 'a database server (mariadb, mysql or postgresql)',
    },
  }),
  limit('limits.ftp_accounts', 'FTP accounts', count(), {
    default: 0,
    requires: { kind: 'component', anyOf: ['proftpd', 'vsftpd', 'pure-ftpd'], label: 'an FTP server (proftpd, vsftpd or pure-ftpd)' },
  }),
  limit('limits.validity', 'Validity period; sets the expiry date when subscribing', { kind: 'duration', unlimited: true }, {
    combine: 'none',
    inAddons: false,
  }),
  {
    key: 'limits.overuse',
    type: { kind: 'enum', values: ['allow', 'notify', 'suspend'] },
    default: 'notify',
    combine: 'none',
    inAddons: false,
    description:
      'When usage exceeds limits.disk_space or limits.traffic: allow (only shown), notify (an event once per crossing) or suspend (suspended until usage is back under)',
  },
  hostingFlag('hosting.web', 'Web hosting', WEB_SERVER, { default: true, delegatedBy: undefined }),
  hostingFlag('hosting.php', 'PHP support', { kind: 'component', anyOf: ['php'], label: 'PHP' }),
  {
    key: 'hosting.php_version',
    type: { kind: 'version' },
    default: undefined,
    combine: 'none',
    inAddons: false,
    delegatedBy: 'permissions.manage_php_version',
    requires: { kind: 'php-version' },
    dependsOn: 'hosting.php',
    description: "PHP version X.Y (unset: the host's highest installed PHP)",
  },
  {
    key: 'hosting.php_handler',
    type: { kind: 'enum', values: ['fpm', 'fastcgi', 'cgi'] },
    default: 'fpm',
    combine: 'none',
    inAddons: false,
    delegatedBy: 'permissions.manage_php_version',
    requires: { kind: 'php-fpm' },
    dependsOn: 'hosting.php',
    description: 'How PHP runs: fpm, fastcgi or cgi',
  },
  hostingFlag(
    'hosting.hard_quota',
    'Enforce limits.disk_space with filesystem user quotas',
    { kind: 'component', anyOf: ['quota'], label: 'filesystem user quotas on the vhosts filesystem (quota tools and a usrquota mount)' },
    { delegatedBy: undefined },
  ),
  hostingFlag('hosting.perl', 'Perl support', { kind: 'component', anyOf: ['perl'], label: 'Perl' }),
  hostingFlag('hosting.python', 'Python support', { kind: 'component', anyOf: ['python3'], label: 'Python 3' }),
  hostingFlag('hosting.nodejs', 'Node.js support', { kind: 'component', anyOf: ['node'], label: 'Node.js' }),
  hostingFlag('hosting.miva', 'Miva Empresa support', { kind: 'component', anyOf: ['mivavm'], label: 'Miva Empresa (mivavm)' }),
  // CGI scripts run as the subscription's user through fcgiwrap (nginx runs no CGI itself).
  hostingFlag('hosting.cgi', 'CGI scripts', { kind: 'component', anyOf: ['fcgiwrap'], label: 'fcgiwrap (runs CGI scripts for nginx)' }, { dependsOn: 'hosting.web' }),
  hostingFlag('hosting.ssi', 'Server-side includes', WEB_SERVER, { dependsOn: 'hosting.web' }),
  hostingFlag('hosting.ssl', 'SSL/TLS support', WEB_SERVER, { dependsOn: 'hosting.web' }),
  {
    key: 'hosting.webstat',
    type: { kind: 'enum', values: ['none', 'awstats', 'webalizer'] },
    default: 'none',
    combine: 'none',
    inAddons: false,
    delegatedBy: 'permissions.manage_hosting',
    requires: { kind: 'tool-by-value' },
    dependsOn: 'hosting.web',
    description: 'Web statistics: none, awstats or webalizer',
  },
  ...(['php.memory_limit', 'php.upload_max_filesize', 'php.post_max_size'] as const).map(
    (key): PropertyDef => ({
      key,
      type: size(false),
      default: undefined,
      unit: 'bytes',
      combine: 'max',
      inAddons: true,
      delegatedBy: 'permissions.manage_php_settings',
      description: `PHP ${key.slice(4)} (unset: PHP's own default)`,
    }),
  ),
  {
    key: 'php.max_execution_time',
    type: { kind: 'seconds' },
    default: undefined,
    unit: 'seconds',
    combine: 'max',
    inAddons: true,
    delegatedBy: 'permissions.manage_php_settings',
    description: "PHP max_execution_time in seconds (unset: PHP's own default)",
  },
  {
    key: 'php.display_errors',
    type: bool,
    default: undefined,
    combine: 'or',
    inAddons: true,
    delegatedBy: 'permissions.manage_php_settings',
    description: "PHP display_errors (unset: PHP's own default)",
  },
  permission('permissions.manage_php_settings', 'The subscriber may change PHP settings (php.*)'),
  permission('permissions.manage_php_version', 'The subscriber may choose the PHP version and handler'),
  permission('permissions.manage_hosting', 'The subscriber may change hosting settings'),
  permission('permissions.manage_dns', 'The subscriber may manage DNS'),
  permission('permissions.manage_mail', 'The subscriber may manage mail'),
  permission('permissions.manage_databases', 'The subscriber may manage databases'),
  permission('permissions.manage_subdomains', 'The subscriber may manage subdomains'),
  permission('permissions.manage_ftp', 'The subscriber may manage FTP accounts'),
  reseller('reseller.customers', 'Customers the reseller may have', count()),
  reseller('reseller.subscriptions', 'Subscriptions the reseller may have across its customers', count()),
  { ...reseller('reseller.oversell', 'The reseller may allocate beyond its plan (no RESOURCE_EXHAUSTED)', bool), default: false },
];

export const PROPERTIES: ReadonlyMap<string, PropertyDef> = new Map(DEFS.map((d) => [d.key, d]));
export const PROPERTY_KEYS: readonly string[] = DEFS.map((d) => d.key);

/** A map of property values keyed by property key. */
export type Values = Record<string, Value>;

/** True for the keys that only reseller plans and reseller accounts carry (`reseller.*`). */
export function isResellerOnly(key: string): boolean {
  return PROPERTIES.get(key)?.scope === 'reseller';
}

/**
 * True for the keys a reseller plan may set: `reseller.*`, the summed `limits.*` (totals across
 * everything the reseller sells) and `permissions.*` (what the reseller may pass on). Per-item
 * sizes (`limits.mailbox_size`), `limits.validity`, `hosting.*` and `php.*` make no sense there.
 */
export function isResellerPlanKey(key: string): boolean {
  const def = PROPERTIES.get(key);
  if (!def) return false;
  if (def.scope === 'reseller') return true;
  if (key.startsWith('permissions.')) return true;
  return key.startsWith('limits.') && def.combine === 'sum';
}

/**
 * Every key with a catalogue default, filled in over `values`. Keys without a default stay unset.
 * `hosting` (subscriptions, service and add-on plans) leaves out the reseller-only keys; `reseller`
 * takes exactly the keys of a reseller plan.
 */
export function withDefaults(values: Readonly<Values>, scope: 'hosting' | 'reseller' = 'hosting'): Values {
  const out: Values = {};
  for (const def of DEFS) {
    if (scope === 'hosting' ? def.scope === 'reseller' : !isResellerPlanKey(def.key)) continue;
    const v = values[def.key] ?? def.default;
    if (v !== undefined) out[def.key] = v;
  }
  return out;
}

/** The values that differ from the catalogue defaults (what must be sent when defaults are implied). */
export function withoutDefaults(values: Readonly<Values>): Values {
  const out: Values = {};
  for (const [key, v] of Object.entries(values)) {
    if (PROPERTIES.get(key)?.default !== v) out[key] = v;
  }
  return out;
}
