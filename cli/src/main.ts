/**
 * Entry point of the `hostplane` CLI (bin/hostplane.js imports the compiled form): runs the command
 * line on the process and exits with its code. SIGINT/SIGTERM end `events --follow` quietly (exit
 * 0); any other verb still waiting is ended with exit code 130.
 */
import { run } from './program.js';

// grpc-js gives TLS an IP address as server name when the controller is addressed by IP (Node's
// DEP0123): a library's deprecation notice is noise on a CLI's stderr, which holds only errors.
process.noDeprecation = true;

const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupt.abort();
    // A streaming verb returns at once; a unary call in flight is not worth waiting for.
    setTimeout(() => process.exit(130), 250).unref();
  });
}
// `hostplane … | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, interrupt.signal);
