/**
 * Controller configuration in stages: defaults → config file (JSON) → environment → flags, compiled
 * once into a validated object. A bad field fails start-up with its name.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@hostplane/shared';

export interface ControllerConfig {
  /** Where the SQLite store (and the generated admin token) live. */
  readonly dataDir: string;
  /** `HOST:PORT` of the gRPC server (Admin and Agent services). */
  readonly listen: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Allow a non-loopback listen address without TLS. */
  readonly insecure: boolean;
  readonly logLevel: string;
}

export type ConfigInput = Partial<Record<keyof ControllerConfig, unknown>>;

export const DEFAULTS: ControllerConfig = { dataDir: './data', listen: '127.0.0.1:50051', insecure: false, logLevel: 'info' };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: ConfigInput = {};
  if (env.HOSTPLANE_DATA_DIR) out.dataDir = env.HOSTPLANE_DATA_DIR;
  if (env.HOSTPLANE_LISTEN) out.listen = env.HOSTPLANE_LISTEN;
  if (env.HOSTPLANE_TLS_CERT) out.tlsCert = env.HOSTPLANE_TLS_CERT;
  if (env.HOSTPLANE_TLS_KEY) out.tlsKey = env.HOSTPLANE_TLS_KEY;
  if (env.HOSTPLANE_INSECURE) out.insecure = env.HOSTPLANE_INSECURE === '1' || env.HOSTPLANE_INSECURE === 'true';
  if (env.HOSTPLANE_LOG_LEVEL) out.logLevel = env.HOSTPLANE_LOG_LEVEL;
  return out;
}

export function configFromFile(path: string): ConfigInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError('config', `config: cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('config', `config: ${path} must hold a JSON object`);
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in DEFAULTS) && key !== 'tlsCert' && key !== 'tlsKey') throw new InvalidArgumentError(key, `config: unknown field '${key}' in ${path}`);
  }
  return parsed as ConfigInput;
}

/** Splits `HOST:PORT` (`[::1]:50051` for IPv6). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InvalidArgumentError('listen', `listen: '${listen}' is not HOST:PORT`);
  return { host: (m[1] ?? m[2])!, port };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function str(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(field, `${field}: expected a non-empty string`);
  return v;
}

/** Merges the stages (later wins) and validates the result. */
export function compileConfig(...stages: ConfigInput[]): ControllerConfig {
  const merged: ConfigInput = { ...DEFAULTS };
  for (const s of stages) for (const [k, v] of Object.entries(s)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  const dataDir = resolve(str('dataDir', merged.dataDir));
  const listen = str('listen', merged.listen);
  const { host } = parseListen(listen);
  const tlsCert = merged.tlsCert === undefined ? undefined : str('tlsCert', merged.tlsCert);
  const tlsKey = merged.tlsKey === undefined ? undefined : str('tlsKey', merged.tlsKey);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new InvalidArgumentError(tlsCert ? 'tlsKey' : 'tlsCert', 'TLS needs both --tls-cert and --tls-key');
  }
  if (typeof merged.insecure !== 'boolean') throw new InvalidArgumentError('insecure', 'insecure: expected true or false');
  const logLevel = str('logLevel', merged.logLevel);
  if (!LOG_LEVELS.includes(logLevel)) throw new InvalidArgumentError('logLevel', `logLevel: '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}`);
  if (!isLoopback(host) && !tlsCert && !merged.insecure) {
    throw new InvalidArgumentError(
      'listen',
      `listen: ${listen} is not a loopback address; refusing to serve without TLS (give --tls-cert and --tls-key, or --insecure)`,
    );
  }
  return { dataDir, listen, tlsCert, tlsKey, insecure: merged.insecure, logLevel };
}
