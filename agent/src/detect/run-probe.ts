/**
 * Running a probe: one executable with fixed arguments, through execa without a shell, with a
 * deadline, a bound on captured output, no stdin and a fixed C locale, so banners are in English
 * and nothing waits for input. It never throws: a missing, unreadable or crashing binary is a
 * result with `failed` set, and the detector decides that it found nothing.
 *
 * The probe runs in its own process group, and the deadline kills the whole group: a wrapper script
 * whose child hangs (`#!/bin/sh` + `sleep 30`) would otherwise keep the output pipes open, and the
 * probe would last as long as the child.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export interface ProbeOptions {
  /**
   * Also capture what the program writes to its file descriptor 0. vsftpd prints its version there
   * (`vsftpd -v 0>&1` is the usual shell idiom); stdin is then a private temporary file.
   */
  readonly captureStdin?: boolean;
}

export interface ProbeOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** What was written to fd 0, with `captureStdin`. */
  readonly fd0: string;
  /** stdout, stderr and fd 0 joined by newlines, for banner matching. */
  readonly text: string;
  readonly exitCode: number | undefined;
  /** Killed by the deadline. */
  readonly timedOut: boolean;
  /** Could not be started (missing, not executable, bad interpreter) or timed out. */
  readonly failed: boolean;
}

export interface ProbeLimits {
  readonly timeoutMs: number;
  readonly maxBufferBytes: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = Object.freeze({ timeoutMs: 3000, maxBufferBytes: 64 * 1024 });

/** The environment of every probe: a fixed PATH for interpreters and wrapper scripts, C locale. */
const PROBE_ENV = Object.freeze({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  LANG: 'C',
});

export async function runProbe(file: string, args: readonly string[], limits: ProbeLimits, options: ProbeOptions = {}): Promise<ProbeOutput> {
  // Without a capture file (temporary directory not writable) fd 0 output is lost, nothing else.
  const capture = options.captureStdin ? await openCaptureFile().catch(() => undefined) : undefined;
  try {
    const subprocess = execa(file, args, {
      shell: false,
      reject: false,
      // execa passes any file descriptor through at run time; its type lists only 0 and 3–9.
      stdin: capture ? (capture.fd as 3) : 'ignore',
      encoding: 'utf8',
      maxBuffer: limits.maxBufferBytes,
      env: PROBE_ENV,
      extendEnv: false,
      detached: true, // own process group, killed as a whole at the deadline
      windowsHide: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(subprocess.pid);
    }, limits.timeoutMs);
    const result = await subprocess.finally(() => clearTimeout(timer));
    const fd0 = capture ? await capture.read(limits.maxBufferBytes) : '';
    const stdout = asText(result.stdout);
    const stderr = asText(result.stderr);
    const spawnFailed = result.exitCode === undefined && !result.signal;
    return {
      stdout,
      stderr,
      fd0,
      text: [stdout, stderr, fd0].join('\n'),
      exitCode: result.exitCode,
      timedOut,
      failed: timedOut || spawnFailed,
    };
  } catch {
    return { stdout: '', stderr: '', fd0: '', text: '', exitCode: undefined, timedOut: false, failed: true };
  } finally {
    await capture?.close();
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A private, already-unlinked temporary file opened read-write, to stand in for stdin. */
async function openCaptureFile() {
  const file = path.join(os.tmpdir(), `hostplane-probe-${process.pid}-${randomBytes(8).toString('hex')}`);
  const handle = await fs.open(file, 'wx+', 0o600);
  await fs.unlink(file).catch(() => undefined);
  return {
    fd: handle.fd,
    async read(max: number): Promise<string> {
      const buf = Buffer.alloc(max);
      const { bytesRead } = await handle.read(buf, 0, max, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    },
    close: () => handle.close().catch(() => undefined),
  };
}
