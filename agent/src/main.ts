/** `hostplane-agent`: parses flags, then runs the agent until SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { validate } from 'node-cron';
import { isLoopbackAddress, splitHostPort, validateHostName } from '@hostplane/shared';
import { detectCapabilities, parseReserve } from './detect/index.js';
import { CA_HASH, readPinnedCa } from './ca-pin.js';
import { EnrollmentRefused } from './enrollment.js';
import { DEFAULT_CONFIG_FILE, loadHostLayout } from './host-layout.js';
import { AgentRunner, siteUsersFor, type AgentConfig } from './agent-runner.js';
import { AGENT_VERSION } from './version.js';
import { LETS_ENCRYPT, type AcmeOptions } from './acme/certificates.js';

const USAGE = `Usage: hostplane-agent --controller HOST:PORT [--join-token TOKEN] [options]

Runs the hostplane agent on a hosting server: detects what the server provides, reports it to the
controller, and realizes the desired state the controller pushes: one system user per subscription,
its webspace, nginx server block, php-fpm pool and fcgiwrap (CGI), validated then reloaded.

Options:
  --controller HOST:PORT   the controller's gRPC address (env HOSTPLANE_CONTROLLER); several,
                           ','-separated, for controllers sharing one PostgreSQL: the agent
                           enrolls with the first and fails over to the next, with jitter
  --join-token TOKEN       from 'hostplane host token create'; needed the first time only
                           (env HOSTPLANE_JOIN_TOKEN, which unlike a flag does not show in ps)
  --join-token-file FILE   read the join token from FILE (env HOSTPLANE_JOIN_TOKEN_FILE)
  --name NAME              this host's name (default: the machine's host name; env HOSTPLANE_HOST_NAME)
  --config FILE            the host layout, JSON (default ${DEFAULT_CONFIG_FILE} when it exists;
                           env HOSTPLANE_AGENT_CONFIG): paths, listen addresses, the validate and
                           reload command of nginx and of php-fpm per PHP version, users; see
                           --print-config for every field and its default
  --state-dir DIR          credential (mode 0600) and applied state (default /var/lib/hostplane-agent)
  --vhosts-root DIR        webspaces DIR/<domain>/{httpdocs,logs,tmp} (default /var/www/vhosts)
  --config-dir DIR         the agent's configuration files (default /etc/hostplane/agent): nginx/,
                           php/<X.Y>/fpm/pool.d/ and pages/ unless the layout says otherwise
  --print-config           print the effective host layout as JSON and exit
  --probe-path DIRS        ':'-separated directories searched for component executables; replaces
                           the default (the usual sbin/bin directories and vendor PHP directories)
  --reserve SIZE|PCT       disk kept out of allocation (default 5%), e.g. 10G or 5%
  --ca FILE                PEM CA bundle: talk TLS to the controller and verify it (env HOSTPLANE_CA);
                           needed for a controller that is not on this machine (loopback)
  --ca-hash sha256:HEX     trust the controller whose CA has this SHA-256 (printed with the join
                           token by 'hostplane host token create'); the CA is kept in the state
                           dir and pinned afterwards (env HOSTPLANE_CA_HASH)
  --insecure               talk plaintext to a non-loopback controller (env HOSTPLANE_INSECURE=1):
                           anyone on the path could then pose as the controller
  --acme-directory URL     the ACME server certificates for hosting.ssl come from (default Let's
                           Encrypt, ${LETS_ENCRYPT}; env HOSTPLANE_ACME_DIRECTORY)
  --acme-email ADDRESS     the ACME account's contact (env HOSTPLANE_ACME_EMAIL)
  --acme-ca FILE           PEM CA to trust for the ACME server's own HTTPS (a private ACME server;
                           env HOSTPLANE_ACME_CA)
  --heartbeat-seconds N    default 10
  --detect-schedule CRON   periodic detection (node-cron, with seconds; default "0 */5 * * * *")
  --detect                 detect once, print the capability report as JSON, and exit
  --log-level LEVEL        default info
  -h, --help               this help

As root, every site runs as its own system user (users.prefix + the domain, e.g. hp_example_com).
Not as root (development), every site runs as the agent's own user, and the agent says so.

Example (first start on a new Debian 12 node):
  hostplane-agent --controller ctl.example.net:50051 --ca /etc/hostplane/ca.pem --join-token hpj_...
`;

function acmeOptions(directory: string | undefined, email: string | undefined, caFile: string | undefined): AcmeOptions {
  const directoryUrl = directory ?? LETS_ENCRYPT;
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(directoryUrl)) throw new Error(`--acme-directory: '${directoryUrl}' is not an https:// URL`);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`--acme-email: '${email}' is not an e-mail address`);
  return { directoryUrl, email, caFile: caFile === undefined ? undefined : resolve(caFile) };
}

/** The join token from a file (first line), so that it never shows in `ps`. */
function readTokenFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--join-token-file: cannot read '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const token = text.split('\n')[0]!.trim();
  if (!token) throw new Error(`--join-token-file: '${file}' is empty`);
  return token;
}

export interface ParsedAgentArgs {
  config?: AgentConfig;
  detectOnly: boolean;
  printConfig: boolean;
  help: boolean;
  logLevel: string;
}

export function parseAgentArgs(args: string[], env: NodeJS.ProcessEnv): ParsedAgentArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      controller: { type: 'string' },
      'join-token': { type: 'string' },
      'join-token-file': { type: 'string' },
      name: { type: 'string' },
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      'vhosts-root': { type: 'string' },
      'config-dir': { type: 'string' },
      'print-config': { type: 'boolean' },
      'probe-path': { type: 'string' },
      reserve: { type: 'string' },
      ca: { type: 'string' },
      insecure: { type: 'boolean' },
      'ca-hash': { type: 'string' },
      'heartbeat-seconds': { type: 'string' },
      'acme-directory': { type: 'string' },
      'acme-email': { type: 'string' },
      'acme-ca': { type: 'string' },
      'detect-schedule': { type: 'string' },
      detect: { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const logLevel = values['log-level'] ?? env.HOSTPLANE_LOG_LEVEL ?? 'info';
  const base = { detectOnly: values.detect ?? false, printConfig: values['print-config'] ?? false, help: false, logLevel };
  if (values.help) return { ...base, help: true };
  const heartbeat = Number(values['heartbeat-seconds'] ?? 10);
  if (!Number.isFinite(heartbeat) || heartbeat <= 0) throw new Error(`--heartbeat-seconds: '${values['heartbeat-seconds']}' is not a number of seconds`);
  const detectSchedule = values['detect-schedule'] ?? '0 */5 * * * *';
  if (!validate(detectSchedule)) throw new Error(`--detect-schedule: '${detectSchedule}' is not a cron expression`);
  const probePath = values['probe-path'] === undefined ? undefined : values['probe-path'].split(':').filter(Boolean).map((d) => resolve(d));
  const layout = loadHostLayout(values.config ?? env.HOSTPLANE_AGENT_CONFIG, {
    vhostsRoot: values['vhosts-root'],
    configDir: values['config-dir'],
    stateDir: values['state-dir'],
  });
  const controller = values.controller ?? env.HOSTPLANE_CONTROLLER;
  if (!controller && !base.detectOnly && !base.printConfig) throw new Error('--controller is required');
  const caFile = values.ca ?? env.HOSTPLANE_CA;
  const caHash = values['ca-hash'] ?? env.HOSTPLANE_CA_HASH;
  if (caHash !== undefined && !CA_HASH.test(caHash)) throw new Error(`--ca-hash: '${caHash}' is not sha256:<64 hex digits>`);
  const insecure = values.insecure ?? (env.HOSTPLANE_INSECURE === '1' || env.HOSTPLANE_INSECURE === 'true');
  const controllers = (controller ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (controller && !base.detectOnly && !base.printConfig) {
    for (const c of controllers) {
      if (!splitHostPort(c)) throw new Error(`--controller: '${c}' is not HOST:PORT, e.g. ctl.example.net:50051`);
      // A rogue server must not be able to pose as the controller: plaintext only over loopback.
      const pinned = readPinnedCa(layout.stateDir) !== undefined;
      if (!caFile && !caHash && !pinned && !insecure && !isLoopbackAddress(c)) {
        throw new Error(
          `--controller ${c} is not on this machine: give --ca-hash (printed with the join token) or --ca FILE to talk TLS, or --insecure to talk plaintext`,
        );
      }
    }
  }
  const config: AgentConfig = {
    controller: controllers[0] ?? '',
    controllers,
    hostName: validateHostName(values.name ?? env.HOSTPLANE_HOST_NAME ?? hostname(), 'name'),
    joinToken: values['join-token'] ?? readTokenFile(values['join-token-file'] ?? env.HOSTPLANE_JOIN_TOKEN_FILE) ?? env.HOSTPLANE_JOIN_TOKEN,
    layout,
    probePath,
    reserve: values.reserve ? parseReserve(values.reserve) : undefined,
    caFile,
    caHash,
    heartbeatMs: heartbeat * 1000,
    detectSchedule,
    acme: acmeOptions(values['acme-directory'] ?? env.HOSTPLANE_ACME_DIRECTORY, values['acme-email'] ?? env.HOSTPLANE_ACME_EMAIL, values['acme-ca'] ?? env.HOSTPLANE_ACME_CA),
  };
  return { ...base, config };
}

export async function main(args = process.argv.slice(2), env = process.env): Promise<void> {
  let parsed: ReturnType<typeof parseAgentArgs>;
  try {
    parsed = parseAgentArgs(args, env);
  } catch (err) {
    process.stderr.write(`hostplane-agent: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help || !parsed.config) {
    process.stdout.write(USAGE);
    return;
  }
  const config = parsed.config;
  if (parsed.printConfig) {
    process.stdout.write(`${JSON.stringify(config.layout, null, 2)}\n`);
    return;
  }
  if (parsed.detectOnly) {
    const report = await detectCapabilities({ vhostsRoot: config.layout.vhostsRoot, probePath: config.probePath, reserve: config.reserve });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const log = pino({
    level: parsed.logLevel,
    base: { service: 'hostplane-agent', host: config.hostName, version: AGENT_VERSION },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['credential', '*.credential', 'joinToken', '*.joinToken'], censor: '[redacted]' },
  });
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  process.once('SIGINT', () => controller.abort());
  try {
    const runner = new AgentRunner(config, log, await siteUsersFor(config.layout, log));
    await runner.run(controller.signal);
    log.info({ component: 'agent' }, 'stopped');
  } catch (err) {
    log.error({ component: 'agent', err: (err as Error).message }, 'agent failed');
    process.stderr.write(`hostplane-agent: ${(err as Error).message}\n`);
    process.exitCode = err instanceof EnrollmentRefused ? EnrollmentRefused.EXIT_CODE : 1;
  }
}
