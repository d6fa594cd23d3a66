/**
 * The applier's options, compiled once into a fully required, validated object: a bad field fails
 * construction with its name. Paths end up unquoted in nginx and php-fpm configuration (and `:`
 * separates open_basedir entries), so they are held to a safe alphabet. The applier's own defaults
 * run no command at all; the agent's host layout (host-layout.ts) supplies Debian's.
 */
import path from 'node:path';
import { InvalidArgumentError } from '@hostplane/shared';
import { VERSION_PLACEHOLDER, type Layout } from './layout.js';
import { DEFAULT_LISTEN, DEFAULT_LISTEN_TLS } from './render/nginx.js';
import type { SiteUsers } from './site-users.js';
import { SILENT_LOGGER, type RealizeLogger } from './types.js';

/** A component's commands (argv, no shell); an empty list runs nothing. */
export interface ComponentCommands {
  /** Checks the configuration before any reload; a failure rolls the batch back. */
  readonly validate?: readonly string[] | undefined;
  /** Makes the running server take the new configuration. */
  readonly reload?: readonly string[] | undefined;
}

export interface ApplierOptions {
  /** `--vhosts-root`: webspaces `<vhosts-root>/<name>/{httpdocs,logs,tmp}`. */
  readonly vhostsRoot: string;
  /** `--config-dir`: `pages/`, `ssl/<name>/`, and by default `nginx/` and `php/<X.Y>/fpm/pool.d/`. */
  readonly configDir: string;
  /** `--state-dir`: the applied state (`applied-state.json`) and the fcgiwrap pid files. */
  readonly stateDir: string;
  /** nginx's include dir of server blocks; default `<config-dir>/nginx`. */
  readonly nginxDir?: string | undefined;
  /** php-fpm's include dir of pools, with `{version}`; default `<config-dir>/php/{version}/fpm/pool.d`. */
  readonly poolDir?: string | undefined;
  /** Where php-fpm puts the pools' sockets; default `/run/php`. */
  readonly phpSocketDir?: string | undefined;
  /** Where the sites' fcgiwrap sockets go; default `<config-dir>/cgi`. */
  readonly cgiSocketDir?: string | undefined;
  /** nginx `listen` parameters for HTTP and (with a certificate) HTTPS. */
  readonly listen?: readonly string[] | undefined;
  readonly listenTls?: readonly string[] | undefined;
  /** nginx's validate and reload commands. */
  readonly nginx?: ComponentCommands | undefined;
  /** php-fpm's, per PHP version: `{version}` in an argument stands for X.Y (e.g. `php-fpm{version}`). */
  readonly phpFpm?: ComponentCommands | undefined;
  /** The fcgiwrap executable that runs a site's CGI scripts; default `fcgiwrap`. */
  readonly fcgiwrap?: string | undefined;
  /** Processes each site's fcgiwrap preforks; default 1. */
  readonly cgiProcesses?: number | undefined;
  /** Deadline of each command; default 60 s. */
  readonly commandTimeoutMs?: number | undefined;
  /** The web server's user and group: they may read `httpdocs/` and connect to the sockets. */
  readonly webUser?: string | undefined;
  readonly webGroup?: string | undefined;
  /** Who each site runs as: its own system user (SystemUsers) or, in development, the agent's (SharedSiteUser). */
  readonly users: SiteUsers;
  /** The PHP version for a subscription without `hosting.php_version` (the host's highest). */
  readonly defaultPhpVersion?: (() => string | undefined) | undefined;
  /** Where user quotas are set (`hosting.hard_quota`): the setquota found and the vhosts mount; undefined without quota support. */
  readonly quota?: (() => QuotaTarget | undefined) | undefined;
  readonly log?: RealizeLogger | undefined;
  /** The clock, for the names of moved-aside webspaces. */
  readonly now?: (() => Date) | undefined;
}

export interface CompiledApplierOptions {
  readonly layout: Required<Layout>;
  readonly stateDir: string;
  readonly listen: readonly string[];
  readonly listenTls: readonly string[];
  readonly nginx: { readonly validate: readonly string[]; readonly reload: readonly string[] };
  readonly phpFpm: { readonly validate: readonly string[]; readonly reload: readonly string[] };
  readonly fcgiwrap: string;
  readonly cgiProcesses: number;
  readonly commandTimeoutMs: number;
  readonly webUser: string;
  readonly webGroup: string;
  readonly users: SiteUsers;
  readonly defaultPhpVersion: () => string | undefined;
  readonly quota: () => QuotaTarget | undefined;
  readonly log: RealizeLogger;
  readonly now: () => Date;
}

/** The quota tools and the filesystem the webspaces are on. */
export interface QuotaTarget {
  readonly setquota: string;
  readonly mount: string;
}

const SAFE_PATH = /^\/[A-Za-z0-9._@+/{}-]*$/;
const SYSTEM_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** `80`, `8080`, `127.0.0.1:8080`, `[::]:80`, `[::1]:8080`, optionally with nginx flags (`default_server`). */
const LISTEN = /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|\*):)?\d{1,5}(?: (?:default_server|reuseport|http2|proxy_protocol))*$/;

export function compileApplierOptions(opts: ApplierOptions): CompiledApplierOptions {
  const timeout = opts.commandTimeoutMs ?? 60_000;
  if (!Number.isSafeInteger(timeout) || timeout <= 0) {
    throw new InvalidArgumentError('commandTimeoutMs', `commandTimeoutMs: ${timeout} is not a positive number of milliseconds`);
  }
  const cgiProcesses = opts.cgiProcesses ?? 1;
  if (!Number.isSafeInteger(cgiProcesses) || cgiProcesses < 1 || cgiProcesses > 64) {
    throw new InvalidArgumentError('cgiProcesses', `cgiProcesses: ${cgiProcesses} is not a number of processes between 1 and 64`);
  }
  const configDir = safePath(opts.configDir, 'configDir');
  const layout: Required<Layout> = {
    vhostsRoot: safePath(opts.vhostsRoot, 'vhostsRoot'),
    configDir,
    nginxDir: safePath(opts.nginxDir ?? path.join(configDir, 'nginx'), 'nginxDir'),
    poolDir: versionTemplate(safePath(opts.poolDir ?? path.join(configDir, 'php', VERSION_PLACEHOLDER, 'fpm', 'pool.d'), 'poolDir'), 'poolDir'),
    phpSocketDir: safePath(opts.phpSocketDir ?? '/run/php', 'phpSocketDir'),
    cgiSocketDir: safePath(opts.cgiSocketDir ?? path.join(configDir, 'cgi'), 'cgiSocketDir'),
  };
  for (const [field, value] of Object.entries(layout)) {
    if (field !== 'poolDir' && value.includes(VERSION_PLACEHOLDER)) {
      throw new InvalidArgumentError(field, `${field}: '${value}' may not contain ${VERSION_PLACEHOLDER}`);
    }
  }
  return {
    layout,
    stateDir: path.resolve(opts.stateDir),
    listen: listenList(opts.listen ?? DEFAULT_LISTEN, 'listen'),
    listenTls: listenList(opts.listenTls ?? DEFAULT_LISTEN_TLS, 'listenTls'),
    nginx: { validate: argv(opts.nginx?.validate, 'nginx.validate'), reload: argv(opts.nginx?.reload, 'nginx.reload') },
    phpFpm: { validate: argv(opts.phpFpm?.validate, 'phpFpm.validate'), reload: argv(opts.phpFpm?.reload, 'phpFpm.reload') },
    fcgiwrap: command(opts.fcgiwrap ?? 'fcgiwrap', 'fcgiwrap'),
    cgiProcesses,
    commandTimeoutMs: timeout,
    webUser: systemName(opts.webUser ?? 'www-data', 'webUser'),
    webGroup: systemName(opts.webGroup ?? 'www-data', 'webGroup'),
    users: opts.users,
    defaultPhpVersion: opts.defaultPhpVersion ?? (() => undefined),
    quota: opts.quota ?? (() => undefined),
    log: opts.log ?? SILENT_LOGGER,
    now: opts.now ?? (() => new Date()),
  };
}

function safePath(raw: string, field: string): string {
  const resolved = path.resolve(raw);
  if (!SAFE_PATH.test(resolved) || /[{}]/.test(resolved.split(VERSION_PLACEHOLDER).join(''))) {
    throw new InvalidArgumentError(field, `${field}: '${raw}' may only contain letters, digits and . _ @ + - /`);
  }
  return resolved;
}

function versionTemplate(value: string, field: string): string {
  if (!value.includes(VERSION_PLACEHOLDER)) throw new InvalidArgumentError(field, `${field}: '${value}' must contain ${VERSION_PLACEHOLDER} (one dir per PHP version)`);
  return value;
}

function systemName(raw: string, field: string): string {
  if (!SYSTEM_NAME.test(raw)) throw new InvalidArgumentError(field, `${field}: '${raw}' is not a valid user or group name`);
  return raw;
}

function command(raw: string, field: string): string {
  if (typeof raw !== 'string' || raw === '' || /[\0\n]/.test(raw)) throw new InvalidArgumentError(field, `${field}: expected an executable`);
  return raw;
}

function listenList(raw: readonly string[], field: string): readonly string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new InvalidArgumentError(field, `${field}: expected at least one address`);
  for (const l of raw) {
    if (typeof l !== 'string' || !LISTEN.test(l)) throw new InvalidArgumentError(field, `${field}: '${String(l)}' is not an nginx listen address (PORT, ADDR:PORT or [ADDR]:PORT)`);
  }
  return [...raw];
}

/** An argv (`[]` or absent: no command). */
function argv(raw: readonly string[] | undefined, field: string): readonly string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string' || a.includes('\0')) || (raw.length > 0 && raw[0] === '')) {
    throw new InvalidArgumentError(field, `${field}: expected a command and its arguments, as a list`);
  }
  return [...raw];
}
