/**
 * The commands realization runs (`nginx -t`, reloads, `useradd`): an argv run without a shell, with
 * a deadline that kills the command's whole process group, and a bounded output that ends up in
 * the error message when it fails. Plain `child_process.spawn` rather than execa: a burst of them
 * (a user per site on a new host) then costs the agent no lasting memory.
 */
import { spawn } from 'node:child_process';

export interface CommandOutcome {
  readonly ok: boolean;
  /** Empty when ok; else what went wrong, with the tail of the command's output. */
  readonly message: string;
}

const MAX_OUTPUT = 64 * 1024;
const MESSAGE_TAIL = 2000;

export function runCommand(argv: readonly string[], timeoutMs: number): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.resolve({ ok: false, message: 'empty command' });
  const shown = argv.join(' ');
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let settled = false;
    const done = (outcome: CommandOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // Own process group (detached): the deadline kills the command and its children.
    const child = spawn(file, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (err) => done({ ok: false, message: `'${shown}' could not be run: ${err.message}` }));
    child.on('close', (code, signal) => {
      const text = tail(output.trim());
      const suffix = text ? `: ${text}` : '';
      if (timedOut) return done({ ok: false, message: `'${shown}' timed out after ${timeoutMs} ms${suffix}` });
      if (code === 0) return done({ ok: true, message: '' });
      const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
      done({ ok: false, message: `'${shown}' ${how}${suffix}` });
    });
  });
}

function tail(text: string): string {
  return text.length <= MESSAGE_TAIL ? text : `…${text.slice(-MESSAGE_TAIL)}`;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
