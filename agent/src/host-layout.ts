/**
 * The host layout: where the agent puts webspaces and configuration, and how it validates and
 * reloads the servers, as configuration with Debian 12's defaults. Stages: defaults → the JSON
 * config file (`--config`, default `/etc/hostplane/agent.json` when it exists) → flags; compiled
 * once into a complete layout, an unknown or bad field failing start-up with its name. Commands
 * are argv lists, run without a shell (`[]` runs nothing); `{version}` stands for a PHP version X.Y.
 * `hostplane-agent --print-config` prints the result.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface HostLayout {
  readonly vhostsRoot: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly webServer: { readonly user: string; readonly group: string };
  readonly nginx: {
    readonly includeDir: string;
    readonly listen: readonly string[];
    readonly listenTls: readonly string[];
    readonly validate: readonly string[];
    readonly reload: readonly string[];
  };
  readonly phpFpm: {
    readonly poolDir: string;
    readonly socketDir: string;
    readonly validate: readonly string[];
    readonly reload: readonly string[];
  };
  readonly cgi: { readonly fcgiwrap: string; readonly socketDir: string; readonly processes: number };
  readonly users: { readonly prefix: string; readonly uidMin: number; readonly uidMax: number; readonly shell: string };
  /** Backoff of the retries of a failed apply. */
  readonly retry: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly commandTimeoutSeconds: number;
}

export const DEFAULT_CONFIG_FILE = '/etc/hostplane/agent.json';

/** Debian 12 with its nginx, php-fpm and fcgiwrap packages; works with or without systemd. */
export function defaultLayout(configDir = '/etc/hostplane/agent'): HostLayout {
  return {
    vhostsRoot: '/var/www/vhosts',
    configDir,
    stateDir: '/var/lib/hostplane-agent',
    webServer: { user: 'www-data', group: 'www-data' },
    nginx: {
      includeDir: path.join(configDir, 'nginx'),
      listen: ['80', '[::]:80'],
      listenTls: ['443', '[::]:443'],
      validate: ['nginx', '-t', '-q'],
      reload: ['nginx', '-s', 'reload'],
    },
    phpFpm: {
      poolDir: path.join(configDir, 'php', '{version}', 'fpm', 'pool.d'),
      socketDir: '/run/php',
      validate: ['php-fpm{version}', '-t'],
      // The signal php-fpm reloads on, sent to the master of that version (pid file of Debian's php-fpm.conf).
      reload: ['pkill', '--signal', 'USR2', '--pidfile', '/run/php/php{version}-fpm.pid'],
    },
    cgi: { fcgiwrap: '/usr/sbin/fcgiwrap', socketDir: '/run/hostplane-agent/cgi', processes: 1 },
    users: { prefix: 'hp_', uidMin: 10000, uidMax: 49999, shell: '/usr/sbin/nologin' },
    retry: { minSeconds: 5, maxSeconds: 300 },
    commandTimeoutSeconds: 60,
  };
}

/** What flags may override (each also settable in the file). */
export interface LayoutFlags {
  readonly vhostsRoot?: string | undefined;
  readonly configDir?: string | undefined;
  readonly stateDir?: string | undefined;
}

/**
 * Compiles the layout: Debian's defaults, then the file (when given, or the default file when it
 * exists), then the flags. Dirs derived from `configDir` follow it unless set themselves.
 * Throws an Error naming the file and field.
 */
export function loadHostLayout(file: string | undefined, flags: LayoutFlags = {}): HostLayout {
  const source = file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let doc: Record<string, unknown> = {};
  if (source !== undefined) {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      throw new Error(`--config: cannot read '${source}': ${(err as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error('expected a JSON object');
      doc = parsed;
    } catch (err) {
      throw new Error(`--config: '${source}' is not valid JSON: ${(err as Error).message}`);
    }
  }
  const where = source ?? 'the defaults';
  const configDir = flags.configDir ?? (typeof doc.configDir === 'string' ? doc.configDir : undefined);
  const base = defaultLayout(configDir === undefined ? undefined : path.resolve(configDir));
  const merged = merge(base, doc, '', where) as HostLayout;
  const layout: HostLayout = {
    ...merged,
    ...(flags.vhostsRoot !== undefined ? { vhostsRoot: flags.vhostsRoot } : {}),
    ...(flags.configDir !== undefined ? { configDir: flags.configDir } : {}),
    ...(flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {}),
  };
  return check(layout, where);
}

/** Overlays `doc` on `base` key by key; a key the defaults do not have, or of another type, is refused. */
function merge(base: unknown, doc: unknown, at: string, where: string): unknown {
  if (isRecord(base)) {
    if (!isRecord(doc)) throw new Error(`${where}: ${at || 'the config'}: expected an object`);
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(doc)) {
      const field = at ? `${at}.${key}` : key;
      if (!Object.hasOwn(base, key)) throw new Error(`${where}: unknown field '${field}' (known: ${Object.keys(base).join(', ')})`);
      out[key] = merge(base[key], value, field, where);
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(doc) || doc.some((a) => typeof a !== 'string')) throw new Error(`${where}: ${at}: expected a list of strings`);
    return doc;
  }
  if (typeof doc !== typeof base) throw new Error(`${where}: ${at}: expected a ${typeof base}`);
  return doc;
}

function check(l: HostLayout, where: string): HostLayout {
  const abs = (field: string, p: string) => {
    if (!path.isAbsolute(p) && !p.startsWith('.')) throw new Error(`${where}: ${field}: '${p}' is not a path`);
    return path.resolve(p);
  };
  const count = (field: string, n: number, min: number, max: number) => {
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${where}: ${field}: ${n} is not a whole number between ${min} and ${max}`);
    return n;
  };
  if (!/^[a-z_][a-z0-9_-]{0,15}$/.test(l.users.prefix)) {
    throw new Error(`${where}: users.prefix: '${l.users.prefix}' must start with a letter or _ and hold at most 16 of a-z 0-9 _ -`);
  }
  count('users.uidMin', l.users.uidMin, 1000, 2 ** 31 - 2);
  count('users.uidMax', l.users.uidMax, l.users.uidMin, 2 ** 31 - 2);
  count('cgi.processes', l.cgi.processes, 1, 64);
  count('retry.minSeconds', l.retry.minSeconds, 1, 86_400);
  count('retry.maxSeconds', l.retry.maxSeconds, l.retry.minSeconds, 86_400);
  count('commandTimeoutSeconds', l.commandTimeoutSeconds, 1, 3600);
  return {
    ...l,
    vhostsRoot: abs('vhostsRoot', l.vhostsRoot),
    configDir: abs('configDir', l.configDir),
    stateDir: abs('stateDir', l.stateDir),
    nginx: { ...l.nginx, includeDir: abs('nginx.includeDir', l.nginx.includeDir) },
    phpFpm: { ...l.phpFpm, poolDir: abs('phpFpm.poolDir', l.phpFpm.poolDir), socketDir: abs('phpFpm.socketDir', l.phpFpm.socketDir) },
    cgi: { ...l.cgi, socketDir: abs('cgi.socketDir', l.cgi.socketDir) },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
