/**
 * Controller configuration in stages: defaults → config file (JSON) → environment → flags, compiled
 * once into a validated object. A bad field fails start-up with its name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, isLoopbackHost, splitHostPort } from '@hostplane/shared';

export interface ControllerConfig {
  /** Where the SQLite store (unless `store` says otherwise), the generated admin token and the own CA live. */
  readonly dataDir: string;
  /**
   * The store: a `postgres://` URL puts the state in PostgreSQL; unset, the SQLite file
   * `DATA_DIR/hostplane.db` (the embedded default).
   */
  readonly store?: string;
  /** `HOST:PORT` of the gRPC server (Admin and Agent services). */
  readonly listen: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Allow a non-loopback listen address without TLS. */
  readonly insecure: boolean;
  /**
   * TLS with the controller's own CA (created in the data dir on first start). Implied on a
   * non-loopback address without --tls-cert/--tls-key (unless --insecure); `--own-ca` asks for it
   * on loopback too.
   */
  readonly ownCa: boolean;
  /** Further names (DNS or IP) the own CA's server certificate covers, e.g. the name agents dial. */
  readonly tlsNames: readonly string[];
  readonly logLevel: string;
  /** NATS server URL: events are published to JetStream when set. */
  readonly nats?: string;
  /** `HOST:PORT` of the Prometheus `/metrics` endpoint; `off` disables it. */
  readonly metricsListen: string;
  /** `HOST:PORT` of the JSON API over HTTP (Connect unary); `off` (the default) disables it. */
  readonly httpListen: string;
  /** A host silent for longer than this becomes `unknown`. */
  readonly livenessGraceSeconds: number;
  /** Delivered events are kept this long. */
  readonly eventRetentionDays: number;
  /** Connected agents get a new credential once theirs is this old (the `credentials` job). */
  readonly credentialMaxAgeDays: number;
}

export type ConfigInput = Partial<Record<keyof ControllerConfig, unknown>>;

export const DEFAULTS: ControllerConfig = {
  dataDir: './data',
  listen: '127.0.0.1:50051',
  insecure: false,
  ownCa: false,
  tlsNames: [],
  logLevel: 'info',
  metricsListen: '127.0.0.1:9464',
  httpListen: 'off',
  livenessGraceSeconds: 90,
  eventRetentionDays: 7,
  credentialMaxAgeDays: 30,
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: ConfigInput = {};
  if (env.HOSTPLANE_DATA_DIR) out.dataDir = env.HOSTPLANE_DATA_DIR;
  if (env.HOSTPLANE_STORE) out.store = env.HOSTPLANE_STORE;
  if (env.HOSTPLANE_LISTEN) out.listen = env.HOSTPLANE_LISTEN;
  if (env.HOSTPLANE_TLS_CERT) out.tlsCert = env.HOSTPLANE_TLS_CERT;
  if (env.HOSTPLANE_TLS_KEY) out.tlsKey = env.HOSTPLANE_TLS_KEY;
  if (env.HOSTPLANE_INSECURE) out.insecure = env.HOSTPLANE_INSECURE === '1' || env.HOSTPLANE_INSECURE === 'true';
  if (env.HOSTPLANE_OWN_CA) out.ownCa = env.HOSTPLANE_OWN_CA === '1' || env.HOSTPLANE_OWN_CA === 'true';
  if (env.HOSTPLANE_TLS_NAMES) out.tlsNames = env.HOSTPLANE_TLS_NAMES;
  if (env.HOSTPLANE_LOG_LEVEL) out.logLevel = env.HOSTPLANE_LOG_LEVEL;
  if (env.HOSTPLANE_NATS_URL) out.nats = env.HOSTPLANE_NATS_URL;
  if (env.HOSTPLANE_METRICS_LISTEN) out.metricsListen = env.HOSTPLANE_METRICS_LISTEN;
  if (env.HOSTPLANE_HTTP_LISTEN) out.httpListen = env.HOSTPLANE_HTTP_LISTEN;
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
    if (!(key in DEFAULTS) && key !== 'tlsCert' && key !== 'tlsKey' && key !== 'nats' && key !== 'store') throw new InvalidArgumentError(key, `config: unknown field '${key}' in ${path}`);
  }
  return parsed as ConfigInput;
}

/** Splits `HOST:PORT` (`[::1]:50051` for IPv6). */
export function parseListen(listen: string): { host: string; port: number } {
  const hp = splitHostPort(listen);
  if (!hp) throw new InvalidArgumentError('listen', `listen: '${listen}' is not HOST:PORT`);
  return hp;
}

export const isLoopback = isLoopbackHost;

function str(field: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(field, `${field}: expected a non-empty string`);
  return v;
}

function positive(field: string, v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(field, `${field}: expected a number > 0, got ${String(v)}`);
  return n;
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
  if (typeof merged.ownCa !== 'boolean') throw new InvalidArgumentError('ownCa', 'ownCa: expected true or false');
  if (merged.ownCa && tlsCert) throw new InvalidArgumentError('ownCa', 'ownCa: give either --own-ca or --tls-cert/--tls-key, not both');
  const httpListen = str('httpListen', merged.httpListen);
  // Tokens travel in the JSON API's requests too: its port is served as the gRPC port is.
  const httpHost = httpListen === 'off' ? undefined : parseListen(httpListen).host;
  // Every non-loopback address is served with TLS: the operator's certificate, else our own CA.
  const exposed = !isLoopback(host) || (httpHost !== undefined && !isLoopback(httpHost));
  const ownCa = merged.ownCa || (exposed && !tlsCert && !merged.insecure);
  const tlsNames = (Array.isArray(merged.tlsNames) ? merged.tlsNames : String(merged.tlsNames ?? '').split(',')).map((n: unknown) =>
    typeof n === 'string' ? n.trim() : n,
  );
  for (const n of tlsNames) {
    if (typeof n !== 'string' || !/^[A-Za-z0-9.:-]*$/.test(n)) throw new InvalidArgumentError('tlsNames', `tlsNames: '${String(n)}' is not a host name or IP address`);
  }
  const store = merged.store === undefined ? undefined : str('store', merged.store);
  if (store !== undefined && !/^postgres(ql)?:\/\/\S+$/i.test(store)) {
    throw new InvalidArgumentError('store', `store: '${store.replace(/\/\/[^@/]*@/, '//…@')}' is not a postgres:// URL (leave it unset for the SQLite file in the data dir)`);
  }
  const nats = merged.nats === undefined ? undefined : str('nats', merged.nats);
  if (nats !== undefined && !/^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s:/]+:\d+$/.test(nats)) {
    throw new InvalidArgumentError('nats', `nats: '${nats}' is not a NATS URL such as nats://127.0.0.1:4222`);
  }
  const metricsListen = str('metricsListen', merged.metricsListen);
  if (metricsListen !== 'off') {
    const m = parseListen(metricsListen);
    if (!isLoopback(m.host) && !merged.insecure) {
      throw new InvalidArgumentError('metricsListen', `metricsListen: ${metricsListen} is not a loopback address (give --insecure to expose metrics)`);
    }
  }
  const livenessGraceSeconds = positive('livenessGraceSeconds', merged.livenessGraceSeconds);
  const eventRetentionDays = positive('eventRetentionDays', merged.eventRetentionDays);
  const credentialMaxAgeDays = positive('credentialMaxAgeDays', merged.credentialMaxAgeDays);
  return {
    dataDir,
    store,
    listen,
    tlsCert,
    tlsKey,
    insecure: merged.insecure,
    ownCa,
    tlsNames: (tlsNames as string[]).filter(Boolean),
    logLevel,
    nats,
    metricsListen,
    httpListen,
    livenessGraceSeconds,
    eventRetentionDays,
    credentialMaxAgeDays,
  };
}
