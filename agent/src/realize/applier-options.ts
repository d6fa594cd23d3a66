/**
 * The applier's options, compiled once into a fully required, validated object: a bad field fails
 * construction with its name. The roots and the pool user end up unquoted in nginx and php-fpm
 * configuration (and `:` separates open_basedir entries), so they are held to a safe alphabet.
 */
import path from 'node:path';
import { InvalidArgumentError } from '@hostplane/shared';
import { SILENT_LOGGER, type RealizeLogger } from './types.js';

export interface ApplierOptions {
  /** `--vhosts-root`: webspaces `<vhosts-root>/<name>/{httpdocs,logs}`. */
  readonly vhostsRoot: string;
  /** `--config-dir`: `nginx/<name>.conf`, `php/<X.Y>/fpm/pool.d/<name>.conf`, `pages/`, `ssl/<name>/`. */
  readonly configDir: string;
  /** `--state-dir`: the applied state (`applied-state.json`). */
  readonly stateDir: string;
  /** Run after a batch of changes, once validated (argv, no shell), e.g. `['systemctl', 'reload', 'nginx']`. */
  readonly reloadCmd?: readonly string[] | undefined;
  /** Run before reloading; a failure rolls the batch back (argv, no shell), e.g. `['nginx', '-t']`. */
  readonly validateCmd?: readonly string[] | undefined;
  /** Deadline of each command; default 60 s. */
  readonly commandTimeoutMs?: number | undefined;
  /** The php-fpm pools' user and group; default `www-data`. */
  readonly user?: string | undefined;
  readonly group?: string | undefined;
  /** The PHP version for a subscription without `hosting.php_version` (the host's highest). */
  readonly defaultPhpVersion?: (() => string | undefined) | undefined;
  readonly log?: RealizeLogger | undefined;
  /** The clock, for the names of moved-aside webspaces. */
  readonly now?: (() => Date) | undefined;
}

export interface CompiledApplierOptions {
  readonly vhostsRoot: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly reloadCmd: readonly string[] | undefined;
  readonly validateCmd: readonly string[] | undefined;
  readonly commandTimeoutMs: number;
  readonly user: string;
  readonly group: string;
  readonly defaultPhpVersion: () => string | undefined;
  readonly log: RealizeLogger;
  readonly now: () => Date;
}

const SAFE_PATH = /^\/[A-Za-z0-9._@+/-]*$/;
const SYSTEM_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function compileApplierOptions(opts: ApplierOptions): CompiledApplierOptions {
  const timeout = opts.commandTimeoutMs ?? 60_000;
  if (!Number.isSafeInteger(timeout) || timeout <= 0) {
    throw new InvalidArgumentError('commandTimeoutMs', `commandTimeoutMs: ${timeout} is not a positive number of milliseconds`);
  }
  return {
    vhostsRoot: safePath(opts.vhostsRoot, 'vhostsRoot'),
    configDir: safePath(opts.configDir, 'configDir'),
    stateDir: path.resolve(opts.stateDir),
    reloadCmd: argv(opts.reloadCmd, 'reloadCmd'),
    validateCmd: argv(opts.validateCmd, 'validateCmd'),
    commandTimeoutMs: timeout,
    user: systemName(opts.user ?? 'www-data', 'user'),
    group: systemName(opts.group ?? 'www-data', 'group'),
    defaultPhpVersion: opts.defaultPhpVersion ?? (() => undefined),
    log: opts.log ?? SILENT_LOGGER,
    now: opts.now ?? (() => new Date()),
  };
}

function safePath(raw: string, field: string): string {
  const resolved = path.resolve(raw);
  if (!SAFE_PATH.test(resolved)) {
    throw new InvalidArgumentError(field, `${field}: '${raw}' may only contain letters, digits and . _ @ + - /`);
  }
  return resolved;
}

function systemName(raw: string, field: string): string {
  if (!SYSTEM_NAME.test(raw)) throw new InvalidArgumentError(field, `${field}: '${raw}' is not a valid user or group name`);
  return raw;
}

function argv(raw: readonly string[] | undefined, field: string): readonly string[] | undefined {
  if (raw === undefined) return undefined;
  if (raw.length === 0 || raw.some((a) => typeof a !== 'string') || raw[0] === '') {
    throw new InvalidArgumentError(field, `${field}: expected a command and its arguments`);
  }
  return [...raw];
}
