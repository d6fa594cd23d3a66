/**
 * Disk used by a webspace: its files' sizes in bytes (`du -sbx`: apparent sizes, hard links once,
 * symbolic links not followed, one filesystem). coreutils' du walks a tree faster than a walk in
 * Node would, off the agent's event loop; it runs as an argv, no shell, with a deadline.
 */
import { execFile } from 'node:child_process';

const DU_TIMEOUT_MS = 10 * 60_000;

/** Bytes under `dir`; undefined when it does not exist. */
export function diskBytes(dir: string, du = 'du'): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    execFile(du, ['-s', '-b', '-x', '--', dir], { timeout: DU_TIMEOUT_MS, maxBuffer: 1 << 20, shell: false }, (err, stdout, stderr) => {
      const bytes = /^(\d+)\t/.exec(stdout)?.[1];
      // du reports what it could count even when a file vanished while it walked (exit 1).
      if (bytes !== undefined) return resolve(Number(bytes));
      if (err && /No such file or directory/.test(stderr) && !stdout) return resolve(undefined);
      reject(new Error(`du ${dir}: ${(stderr || (err as Error | null)?.message || 'no output').trim().slice(0, 300)}`));
    });
  });
}
