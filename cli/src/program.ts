/**
 * The `hostplane` command tree and `run`, which executes one command line against an `Io` and
 * returns the exit code. `main.ts` runs it on the process; tests run it in-process.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DEFAULT_CONTROLLER, DEFAULT_TIMEOUT_SECONDS, resolveConnection, type ConnectionFlags } from './client.js';
import { registerCustomer } from './commands/customer.js';
import { registerEvents } from './commands/events.js';
import { registerHost } from './commands/host.js';
import { registerJob } from './commands/job.js';
import { registerPlan } from './commands/plan.js';
import { registerProperties } from './commands/properties.js';
import { registerToken } from './commands/token.js';
import { registerReseller } from './commands/reseller.js';
import { registerSub } from './commands/sub.js';
import { createContext, type Context } from './context.js';
import { errorLine, EXIT, toCliError } from './errors.js';
import { parseSeconds } from './options.js';
import type { Io } from './output.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const ROOT_HELP = `
Environment:
  HOSTPLANE_CONTROLLER  the controller address(es), when --controller is not given (default ${DEFAULT_CONTROLLER})
  HOSTPLANE_TOKEN       the bearer token sent with every call
  HOSTPLANE_CA          the CA certificate file, when --ca is not given (TLS)
  HOSTPLANE_INSECURE    1: plaintext to a non-loopback controller (as --insecure)

Exit codes:
  0 success   1 other failure (e.g. controller unreachable)   2 usage error or invalid argument
  3 not found   4 refused by the current state (precondition, already exists, stale version)
  5 not authenticated or permission denied

Examples:
  $ export HOSTPLANE_TOKEN=…
  $ hostplane plan create Unlimited --set limits.disk_space=10G --set hosting.php=true
  $ hostplane customer create alice --email alice@example.com
  $ hostplane sub create example.com --customer alice --plan Unlimited
  $ hostplane sub list
`;

/** The whole command tree. Output and exits go through `ctx.io` and commander's exit override. */
export function buildProgram(ctx: Context): Command {
  const program = new Command('hostplane')
    .description('hostplane: drive a hostplane controller (plans, customers, subscriptions, hosts, events).')
    .version(version(), '-V, --version', 'print the version')
    .option('--controller <host:port>', `controller address, or several ','-separated (a call that cannot reach one goes to the next; env HOSTPLANE_CONTROLLER; default ${DEFAULT_CONTROLLER})`)
    .option('--ca <file>', 'CA certificate (PEM) of the controller: use TLS (env HOSTPLANE_CA; default: plaintext, loopback only)')
    .option('--insecure', 'talk plaintext to a controller on another machine (env HOSTPLANE_INSECURE=1): the token would travel in clear')
    .option('--as-reseller <login>', "with an admin token: act on the reseller's behalf, seeing and changing only its own entities")
    .option('--timeout <seconds>', `deadline of each call (default ${DEFAULT_TIMEOUT_SECONDS}; longer for plan update, host detect, job run)`, parseSeconds)
    .addHelpText('after', ROOT_HELP)
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      // Commander's own usage errors, on one line like ours: `error: unknown option '--jsn' (Did you mean --json?)`.
      outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .showSuggestionAfterError(true)
    .exitOverride();
  registerPlan(program, ctx);
  registerCustomer(program, ctx);
  registerReseller(program, ctx);
  registerSub(program, ctx);
  registerHost(program, ctx);
  registerJob(program, ctx);
  registerEvents(program, ctx);
  registerProperties(program, ctx);
  registerToken(program, ctx);
  return program;
}

/**
 * Runs one command line (`argv` without `node` and the script) and returns the exit code. Every
 * failure is printed as one `error: …` line on `io.stderr`. `signal` ends `events --follow`.
 */
export async function run(argv: readonly string[], io: Io, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const ctx = createContext(io, signal);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has printed its message (usage error) or the help/version it was asked for.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    let connection: ReturnType<typeof resolveConnection> | undefined;
    try {
      connection = resolveConnection(program.opts<ConnectionFlags>(), io.env);
    } catch {
      // The address itself was refused: that is the error being reported.
    }
    const failure = toCliError(err, {
      address: connection?.address ?? '',
      defaultAddress: connection?.defaultAddress === true,
      hasToken: connection?.token !== undefined,
      tls: connection?.caFile !== undefined,
    });
    io.stderr.write(errorLine(failure));
    return failure.exitCode;
  } finally {
    ctx.close();
  }
}
