/**
 * `hostplane-controller`: wires the store, the gRPC server and (later) the scheduler, and shuts down
 * gracefully on SIGTERM/SIGINT.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isHostplaneError } from '@hostplane/shared';
import type { Server } from 'node:http';
import { setLogger } from '@grpc/grpc-js';
import { writeSecretFile } from './secret-file.js';
import { ensureOwnCa, serverNames } from './own-ca.js';
import { startGrpcServer, type RunningServer } from './api/server.js';
import { compileConfig, configFromEnv, configFromFile, parseListen, type ConfigInput, type ControllerConfig } from './config.js';
import { hostname } from 'node:os';
import { Cluster } from './cluster.js';
import { NatsPublisher } from './events/nats-publisher.js';
import type { JobSettings } from './jobs.js';
import { ControllerMetrics } from './metrics.js';
import { Scheduler } from './scheduler.js';
import { startHttpServer, type RunningHttp } from './api/http.js';
import { ControllerCore } from './core.js';
import { createLogger } from './logger.js';
import { newSecret } from './usecases/index.js';

const USAGE = `Usage: hostplane-controller [options]

Runs the hostplane controller: the embedded SQLite store and the gRPC Admin and Agent APIs.

Options:
  --data-dir DIR     where the SQLite store lives (default ./data; env HOSTPLANE_DATA_DIR)
  --listen HOST:PORT gRPC listen address (default 127.0.0.1:50051; env HOSTPLANE_LISTEN)
  --tls-cert FILE    PEM certificate chain (env HOSTPLANE_TLS_CERT)
  --tls-key FILE     PEM private key (env HOSTPLANE_TLS_KEY)
  --insecure         serve a non-loopback address without TLS
  --own-ca           TLS with the controller's own CA even on loopback (env HOSTPLANE_OWN_CA=1).
                     Without --tls-cert/--tls-key, a non-loopback address always gets it: the CA
                     and a server certificate are created in DATA_DIR/tls on first start, and
                     'hostplane host token create' prints the CA's hash for agents to pin
  --tls-name NAMES   ','-separated extra names (DNS or IP) for the own CA's server certificate,
                     e.g. the name agents dial (env HOSTPLANE_TLS_NAMES)
  --store URL        postgres://USER@HOST/DB puts the state in PostgreSQL (libpq URI; the password
                     from ~/.pgpass or PGPASSWORD, not the URL; env HOSTPLANE_STORE); default: the
                     SQLite file DATA_DIR/hostplane.db
  --config FILE      JSON file with any of: dataDir, store, listen, tlsCert, tlsKey, insecure, ownCa,
                     tlsNames, logLevel, nats, metricsListen, httpListen, livenessGraceSeconds, eventRetentionDays,
                     credentialMaxAgeDays (default 30: agents get a new credential over their stream)
  --log-level LEVEL  fatal, error, warn, info, debug, trace or silent (default info)
  --nats URL         publish events to NATS JetStream (stream HOSTPLANE_EVENTS; env HOSTPLANE_NATS_URL)
  --http-listen HOST:PORT
                     the web console at / (sign in with an API token), the JSON API: every
                     Admin RPC as POST /hostplane.v1.Admin/<Method> (Connect, proto3 JSON,
                     Authorization: Bearer), and the one-command node install that
                     'hostplane host token create' then prints (/install.sh); HTTPS like the
                     gRPC port off loopback (default off; env HOSTPLANE_HTTP_LISTEN)
  --metrics-listen HOST:PORT
                     Prometheus /metrics endpoint (default 127.0.0.1:9464; 'off' disables;
                     env HOSTPLANE_METRICS_LISTEN)
  -h, --help         this help

Authentication: HOSTPLANE_ADMIN_TOKEN (at least 16 characters) installs that admin token. Without
it, a token is generated once into DATA_DIR/admin-token (mode 0600); point the CLI at it with
  export HOSTPLANE_TOKEN=$(cat DATA_DIR/admin-token)

Example:
  hostplane-controller --data-dir /var/lib/hostplane --listen 0.0.0.0:50051 \\
    --tls-cert /etc/hostplane/tls.crt --tls-key /etc/hostplane/tls.key
`;

function parseFlags(argv: string[]): { input: ConfigInput; configFile?: string; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      listen: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      insecure: { type: 'boolean' },
      'own-ca': { type: 'boolean' },
      'tls-name': { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      nats: { type: 'string' },
      'metrics-listen': { type: 'string' },
      'http-listen': { type: 'string' },
      store: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    input: {
      dataDir: values['data-dir'],
      listen: values.listen,
      tlsCert: values['tls-cert'],
      tlsKey: values['tls-key'],
      insecure: values.insecure,
      ownCa: values['own-ca'],
      tlsNames: values['tls-name'],
      logLevel: values['log-level'],
      nats: values.nats,
      metricsListen: values['metrics-listen'],
      httpListen: values['http-listen'],
      store: values.store,
    },
    configFile: values.config,
    help: values.help ?? false,
  };
}

/** The admin token: from the environment, else the one in the data dir, else a new one written there. */
function adminSecret(config: ControllerConfig, env: NodeJS.ProcessEnv): { secret: string; file?: string } {
  if (env.HOSTPLANE_ADMIN_TOKEN) return { secret: env.HOSTPLANE_ADMIN_TOKEN };
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), file };
  const secret = newSecret('hpa');
  writeSecretFile(file, `${secret}\n`);
  return { secret, file };
}

export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  let config: ControllerConfig;
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      process.stdout.write(USAGE);
      return;
    }
    config = compileConfig(flags.configFile ? configFromFile(flags.configFile) : {}, configFromEnv(env), flags.input);
  } catch (err) {
    process.stderr.write(`hostplane-controller: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = createLogger({ level: config.logLevel });
  // grpc-js's own messages go to the structured log (debug) instead of raw lines on stderr.
  setLogger({
    error: (...args: unknown[]) => log.debug({ component: 'grpc' }, args.join(' ')),
    info: (...args: unknown[]) => log.debug({ component: 'grpc' }, args.join(' ')),
    debug: (...args: unknown[]) => log.debug({ component: 'grpc' }, args.join(' ')),
  } as unknown as Partial<Console>);
  // The data dir holds token hashes and customers' data: 0700, and every file the controller creates
  // there (database, WAL, keys, secrets) is its own alone unless made public on purpose (the CA).
  process.umask(0o077);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  const dbFile = join(config.dataDir, 'hostplane.db');
  let core: ControllerCore;
  try {
    core = ControllerCore.open(config.store ?? dbFile);
  } catch (err) {
    // A PostgreSQL that cannot be reached, refuses us, or has a newer schema: one line, exit 1.
    process.stderr.write(`hostplane-controller: store: ${(err as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
    return;
  }
  if (!config.store) for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  let tokenFile: string | undefined;
  try {
    const admin = adminSecret(config, env);
    tokenFile = admin.file;
    core.ensureAdminToken(admin.secret);
  } catch (err) {
    process.stderr.write(`hostplane-controller: ${isHostplaneError(err) ? err.message : String(err)}\n`);
    core.close();
    process.exitCode = 2;
    return;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  let caHash: string | undefined;
  let caPem: string | undefined;
  if (config.tlsCert && config.tlsKey) {
    tls = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
  } else if (config.ownCa) {
    // The JSON API's host is one of the names too (it serves HTTPS with the same certificate).
    const httpHost = config.httpListen === 'off' ? [] : [parseListen(config.httpListen).host].filter((h) => h !== '0.0.0.0' && h !== '::');
    const own = await ensureOwnCa(config.dataDir, serverNames(parseListen(config.listen).host, [...config.tlsNames, ...httpHost]));
    tls = { cert: Buffer.from(own.certPem), key: Buffer.from(own.keyPem) };
    caHash = own.caHash;
    caPem = own.caPem;
    log.info({ component: 'controller', caFile: own.caFile, caHash }, 'TLS with the controller\'s own CA');
  }
  const jobSettings: JobSettings = {
    livenessGraceMs: config.livenessGraceSeconds * 1000,
    eventRetentionMs: config.eventRetentionDays * 86_400_000,
    publishing: Boolean(config.nats),
    credentialMaxAgeMs: config.credentialMaxAgeDays * 86_400_000,
  };
  // The jobs and the NATS publisher: here, or — with several controllers on one PostgreSQL — on the
  // one holding the cluster's lease.
  let scheduler: Scheduler | undefined;
  let publisher: NatsPublisher | undefined;
  const lead = () => {
    scheduler?.start();
    if (config.nats) {
      publisher = new NatsPublisher(core, config.nats, log);
      publisher.start();
    }
  };
  const follow = async () => {
    const stopping = publisher;
    publisher = undefined; // a lead() while this one stops starts its own
    await scheduler?.stop();
    await stopping?.stop();
  };
  let metrics: ControllerMetrics | undefined;
  let running: RunningServer;
  let install: { port: number; tls: boolean; grpcPort: number } | undefined; // set once the HTTP listener is up
  const apiDeps = {
    core,
    log,
    jobSettings,
    onRpcError: (method: string, code: number) => metrics?.rpcErrors.inc({ method, code: String(code) }),
    install: () => install,
    ...(caHash ? { caHash } : {}),
  };
  // Several controllers on one PostgreSQL: changes announced and heard from before anything is served.
  let cluster: Cluster | undefined;
  if (config.store) {
    cluster = new Cluster(core, { url: config.store, lead: () => lead(), follow: () => follow() }, log);
    cluster.listenForChanges();
  }
  try {
    running = await startGrpcServer(apiDeps, { listen: config.listen, tls });
  } catch (err) {
    process.stderr.write(`hostplane-controller: ${listenFailure(config.listen, err, '--listen')}\n`);
    core.close();
    process.exitCode = 1;
    return;
  }
  metrics = new ControllerMetrics(core, () => running.agents.connectedCount);
  let metricsServer: Server | undefined;
  if (config.metricsListen !== 'off') {
    const m = parseListen(config.metricsListen);
    let bound: Awaited<ReturnType<ControllerMetrics['listen']>>;
    try {
      bound = await metrics.listen(m.host, m.port);
    } catch (err) {
      process.stderr.write(`hostplane-controller: ${listenFailure(config.metricsListen, err, '--metrics-listen')} ('off' disables /metrics)\n`);
      await running.shutdown(0);
      core.close();
      process.exitCode = 1;
      return;
    }
    metricsServer = bound.server;
    log.info({ component: 'metrics', address: `${m.host}:${bound.port}` }, 'serving /metrics');
  }
  let http: RunningHttp | undefined;
  if (config.httpListen !== 'off') {
    const h = parseListen(config.httpListen);
    try {
      http = await startHttpServer({ ...apiDeps, agents: running.agents }, { host: h.host, port: h.port, tls, caPem, admin: running.admin });
    } catch (err) {
      process.stderr.write(`hostplane-controller: ${listenFailure(config.httpListen, err, '--http-listen')} ('off' disables the JSON API)\n`);
      metricsServer?.close();
      await running.shutdown(0);
      core.close();
      process.exitCode = 1;
      return;
    }
    install = { port: http.port, tls: Boolean(tls), grpcPort: running.port };
    log.info({ component: 'http-api', address: `${h.host}:${http.port}`, tls: Boolean(tls) }, 'serving the web console, the JSON API (Connect) and the node install over HTTP');
  }
  scheduler = new Scheduler(
    {
      core,
      settings: jobSettings,
      resendSnapshots: () => running.agents.resendSnapshots(),
      agents: running.agents,
      onRotationFailed: (host, err) => log.warn({ component: 'jobs', host, err: err.message }, 'credential rotation did not complete'),
    },
    log,
  );
  const host = config.listen.slice(0, config.listen.lastIndexOf(':'));
  const address = `${host}:${running.port}`;
  // Its name among several controllers on one PostgreSQL: the address agents and tools reach it at.
  const controllerId = ['0.0.0.0', '::', '[::]'].includes(host) ? `${hostname()}:${running.port}` : address;
  core.controllerGone(controllerId); // agents a crash of this controller left recorded here are not here
  running.agents.setControllerId(controllerId);
  if (cluster) cluster.startLease();
  else lead();
  log.info({ component: 'controller', address, port: running.port, tls: Boolean(tls), dataDir: config.dataDir, store: config.store ? 'postgres' : 'sqlite', tokenFile }, 'listening');
  if (process.stderr.isTTY) {
    process.stderr.write(
      `\nhostplane controller listening on ${address}\nPoint the CLI at it:\n  export HOSTPLANE_CONTROLLER=${address}\n` +
        (tokenFile ? `  export HOSTPLANE_TOKEN=$(cat ${tokenFile})\n` : '  export HOSTPLANE_TOKEN=<the HOSTPLANE_ADMIN_TOKEN you set>\n') +
        '  npx hostplane plan list\n\n',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ component: 'controller', signal }, 'shutting down');
    if (cluster) await cluster.stopLease();
    else await follow();
    await http?.close();
    await running.shutdown(5000);
    cluster?.stopListening();
    metricsServer?.close();
    core.close();
    log.info({ component: 'controller' }, 'stopped');
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** Why a listen address could not be bound, in one sentence naming it and the flag that sets it. */
function listenFailure(address: string, err: unknown, flag: string): string {
  const message = (err as Error).message ?? String(err);
  if (/EADDRINUSE|address already in use|No address added/i.test(message)) {
    return `cannot listen on ${address}: the address is in use (another controller?); choose another with ${flag}`;
  }
  if (/EACCES/i.test(message)) return `cannot listen on ${address}: permission denied (ports below 1024 need root); choose another with ${flag}`;
  return `cannot listen on ${address}: ${message}`;
}
