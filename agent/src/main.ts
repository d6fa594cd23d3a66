/** `hostplane-agent`: parses flags, then runs the agent until SIGTERM/SIGINT. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { validate } from 'node-cron';
import { validateHostName } from '@hostplane/shared';
import { detectCapabilities, parseReserve } from './detect/index.js';
import { AgentRunner, AGENT_VERSION, type AgentConfig } from './session.js';

const USAGE = `Usage: hostplane-agent --controller HOST:PORT --state-dir DIR --vhosts-root DIR --config-dir DIR [options]

Runs the hostplane agent on a hosting server: detects what the server provides, reports it to the
controller, and realizes the desired state the controller pushes (webspaces, nginx server blocks,
php-fpm pools).

Options:
  --controller HOST:PORT   the controller's gRPC address (env HOSTPLANE_CONTROLLER)
  --join-token TOKEN       from 'hostplane host token create'; needed the first time only
                           (env HOSTPLANE_JOIN_TOKEN)
  --name NAME              this host's name (default: the machine's host name; env HOSTPLANE_HOST_NAME)
  --state-dir DIR          credential (mode 0600) and applied state
  --vhosts-root DIR        webspaces: DIR/<domain>/{httpdocs,logs}
  --config-dir DIR         nginx/, php/<X.Y>/fpm/pool.d/ and pages/ are written here
  --probe-path DIRS        ':'-separated directories searched for component executables; replaces
                           the default (the usual sbin/bin directories and vendor PHP directories)
  --reserve SIZE|PCT       disk kept out of allocation (default 5%), e.g. 10G or 5%
  --ca FILE                PEM CA bundle: talk TLS to the controller and verify it (env HOSTPLANE_CA)
  --reload-cmd CMD         run after a batch of changes, e.g. "systemctl reload nginx" (split on
                           spaces, run without a shell; env HOSTPLANE_RELOAD_CMD)
  --validate-cmd CMD       run before reloading, e.g. "nginx -t"; a failure keeps the old configs
                           (env HOSTPLANE_VALIDATE_CMD)
  --heartbeat-seconds N    default 10
  --detect-schedule CRON   periodic detection (node-cron, with seconds; default "0 */5 * * * *")
  --detect                 detect once, print the capability report as JSON, and exit
  --log-level LEVEL        default info
  -h, --help               this help

Example (first start on a new node):
  hostplane-agent --controller ctl.example.net:50051 --ca /etc/hostplane/ca.pem \\
    --join-token hpj_... --state-dir /var/lib/hostplane-agent \\
    --vhosts-root /var/www/vhosts --config-dir /etc/hostplane \\
    --reload-cmd "systemctl reload nginx" --validate-cmd "nginx -t"
`;

function argv(text: string | undefined): string[] | undefined {
  const parts = text?.trim().split(/\s+/).filter(Boolean);
  return parts && parts.length > 0 ? parts : undefined;
}

export function parseAgentArgs(args: string[], env: NodeJS.ProcessEnv): { config?: AgentConfig; detectOnly: boolean; help: boolean; logLevel: string } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      controller: { type: 'string' },
      'join-token': { type: 'string' },
      name: { type: 'string' },
      'state-dir': { type: 'string' },
      'vhosts-root': { type: 'string' },
      'config-dir': { type: 'string' },
      'probe-path': { type: 'string' },
      reserve: { type: 'string' },
      ca: { type: 'string' },
      'reload-cmd': { type: 'string' },
      'validate-cmd': { type: 'string' },
      'heartbeat-seconds': { type: 'string' },
      'detect-schedule': { type: 'string' },
      detect: { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const logLevel = values['log-level'] ?? env.HOSTPLANE_LOG_LEVEL ?? 'info';
  if (values.help) return { detectOnly: false, help: true, logLevel };
  const need = (flag: string, v: string | undefined): string => {
    if (!v) throw new Error(`--${flag} is required`);
    return v;
  };
  const detectOnly = values.detect ?? false;
  const heartbeat = Number(values['heartbeat-seconds'] ?? 10);
  if (!Number.isFinite(heartbeat) || heartbeat <= 0) throw new Error(`--heartbeat-seconds: '${values['heartbeat-seconds']}' is not a number of seconds`);
  const detectSchedule = values['detect-schedule'] ?? '0 */5 * * * *';
  if (!validate(detectSchedule)) throw new Error(`--detect-schedule: '${detectSchedule}' is not a cron expression`);
  const probePath = values['probe-path'] === undefined ? undefined : values['probe-path'].split(':').filter(Boolean).map((d) => resolve(d));
  const config: AgentConfig = {
    controller: detectOnly ? (values.controller ?? env.HOSTPLANE_CONTROLLER ?? '') : need('controller', values.controller ?? env.HOSTPLANE_CONTROLLER),
    hostName: validateHostName(values.name ?? env.HOSTPLANE_HOST_NAME ?? hostname(), 'name'),
    joinToken: values['join-token'] ?? env.HOSTPLANE_JOIN_TOKEN,
    stateDir: resolve(detectOnly ? (values['state-dir'] ?? '.') : need('state-dir', values['state-dir'])),
    vhostsRoot: resolve(need('vhosts-root', values['vhosts-root'])),
    configDir: resolve(detectOnly ? (values['config-dir'] ?? '.') : need('config-dir', values['config-dir'])),
    probePath,
    reserve: values.reserve ? parseReserve(values.reserve) : undefined,
    caFile: values.ca ?? env.HOSTPLANE_CA,
    heartbeatMs: heartbeat * 1000,
    detectSchedule,
    reloadCmd: argv(values['reload-cmd'] ?? env.HOSTPLANE_RELOAD_CMD),
    validateCmd: argv(values['validate-cmd'] ?? env.HOSTPLANE_VALIDATE_CMD),
  };
  return { config, detectOnly, help: false, logLevel };
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
  if (parsed.detectOnly) {
    const report = await detectCapabilities({ vhostsRoot: config.vhostsRoot, probePath: config.probePath, reserve: config.reserve });
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
  const runner = new AgentRunner(config, log);
  try {
    await runner.run(controller.signal);
    log.info({ component: 'agent' }, 'stopped');
  } catch (err) {
    log.error({ component: 'agent', err: (err as Error).message }, 'agent failed');
    process.stderr.write(`hostplane-agent: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
