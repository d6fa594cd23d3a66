/**
 * The operator's validate and reload commands (`nginx -t`, a reload script): an argv run without a
 * shell, with a deadline that kills the command's whole process group, and a bounded output that
 * ends up in the error message when it fails.
 */
import { execa } from 'execa';

export interface CommandOutcome {
  readonly ok: boolean;
  /** Empty when ok; else what went wrong, with the tail of the command's output. */
  readonly message: string;
}

const MAX_BUFFER = 256 * 1024;
const MESSAGE_TAIL = 2000;

export async function runCommand(argv: readonly string[], timeoutMs: number): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  if (file === undefined) return { ok: false, message: 'empty command' };
  const shown = argv.join(' ');
  try {
    const subprocess = execa(file, args, {
      shell: false,
      reject: false,
      stdin: 'ignore',
      all: true,
      encoding: 'utf8',
      maxBuffer: MAX_BUFFER,
      detached: true, // own process group: the deadline kills the command and its children
      windowsHide: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(subprocess.pid);
    }, timeoutMs);
    const result = await subprocess.finally(() => clearTimeout(timer));
    const output = tail(typeof result.all === 'string' ? result.all.trim() : '');
    if (timedOut) return { ok: false, message: `'${shown}' timed out after ${timeoutMs} ms${output ? `: ${output}` : ''}` };
    if (result.exitCode === 0) return { ok: true, message: '' };
    const how =
      result.exitCode !== undefined
        ? `exited with code ${result.exitCode}`
        : result.signal
          ? `was killed by ${result.signal}`
          : `could not be run (${result.shortMessage ?? 'unknown error'})`;
    return { ok: false, message: `'${shown}' ${how}${output ? `: ${output}` : ''}` };
  } catch (err) {
    return { ok: false, message: `'${shown}' could not be run: ${err instanceof Error ? err.message : String(err)}` };
  }
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
