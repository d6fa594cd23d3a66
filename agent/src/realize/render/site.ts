/**
 * A subscription's values, read into the typed settings the renderers need. Values arrive from the
 * controller already validated, but they become file paths and configuration text here, so every
 * value used is checked again against the catalogue (`parseValue`): a bad one fails this
 * subscription with an error naming the key, instead of ending up in a config file.
 */
import { parseValue, withDefaults, InvalidArgumentError, type Values } from '@hostplane/shared';
import { assertSubscriptionName } from '../layout.js';
import type { DesiredSubscription } from '../types.js';

export type PhpHandler = 'fpm' | 'fastcgi' | 'cgi';

/** `php.*` values; an unset one is not written (PHP's own default applies). */
export interface PhpSettings {
  readonly memoryLimit?: number;
  readonly uploadMaxFilesize?: number;
  readonly postMaxSize?: number;
  readonly maxExecutionTime?: number;
  readonly displayErrors?: boolean;
}

export interface SiteSpec {
  readonly name: string;
  readonly suspended: boolean;
  /** `hosting.web`: without it the subscription has a webspace but no server block. */
  readonly web: boolean;
  readonly ssl: boolean;
  readonly ssi: boolean;
  /** `hosting.cgi`: `<webspace>/cgi-bin/` scripts run through fcgiwrap as the site's user. */
  readonly cgi: boolean;
  /** `hosting.hard_quota`: the user quota to set (its `limits.disk_space`, bytes); null for none. */
  readonly hardQuotaBytes: number | null;
  /** Set when `hosting.web` and `hosting.php` are on. */
  readonly php: { readonly version: string; readonly handler: PhpHandler; readonly settings: PhpSettings } | null;
}

export interface SiteSpecOptions {
  /** The PHP version used when `hosting.php_version` is unset (the host's highest installed). */
  readonly defaultPhpVersion?: string | undefined;
}

/** Reads a subscription's settings; throws InvalidArgumentError for a bad name or value. */
export function siteSpec(sub: DesiredSubscription, options: SiteSpecOptions = {}): SiteSpec {
  const name = assertSubscriptionName(sub.name);
  const values = withDefaults(sub.values);
  const web = flag(values, 'hosting.web');
  const phpOn = web && flag(values, 'hosting.php');
  return {
    name,
    suspended: sub.state === 'suspended',
    web,
    ssl: web && flag(values, 'hosting.ssl'),
    ssi: web && flag(values, 'hosting.ssi'),
    cgi: web && flag(values, 'hosting.cgi'),
    hardQuotaBytes: flag(values, 'hosting.hard_quota') && typeof read(values, 'limits.disk_space') === 'number' ? (read(values, 'limits.disk_space') as number) : null,
    php: phpOn ? { version: phpVersion(values, options), handler: handler(values), settings: phpSettings(values) } : null,
  };
}

function read(values: Values, key: string) {
  const raw = values[key];
  return raw === undefined ? undefined : parseValue(key, raw);
}

function flag(values: Values, key: string): boolean {
  return read(values, key) === true;
}

function num(values: Values, key: string): number | undefined {
  const v = read(values, key);
  return typeof v === 'number' ? v : undefined;
}

function phpVersion(values: Values, options: SiteSpecOptions): string {
  const v = read(values, 'hosting.php_version') ?? (options.defaultPhpVersion === undefined ? undefined : parseValue('hosting.php_version', options.defaultPhpVersion));
  if (typeof v !== 'string') {
    throw new InvalidArgumentError('hosting.php_version', 'hosting.php_version: not set, and no PHP version is known on this host to default to');
  }
  return v;
}

function handler(values: Values): PhpHandler {
  return (read(values, 'hosting.php_handler') ?? 'fpm') as PhpHandler;
}

function phpSettings(values: Values): PhpSettings {
  const displayErrors = read(values, 'php.display_errors');
  return dropUndefined({
    memoryLimit: num(values, 'php.memory_limit'),
    uploadMaxFilesize: num(values, 'php.upload_max_filesize'),
    postMaxSize: num(values, 'php.post_max_size'),
    maxExecutionTime: num(values, 'php.max_execution_time'),
    displayErrors: typeof displayErrors === 'boolean' ? displayErrors : undefined,
  });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
