/**
 * The per-cycle detection environment: one listing of the probe path, and one run per
 * (executable, arguments) even when several detectors ask (`mysqld` is probed by both the mariadb
 * and the mysql detector; on Debian it is a link to `mariadbd`, so it runs once).
 */
import { promises as fs } from 'node:fs';
import type { DetectEnv } from './detector.js';
import { ExecutableIndex, type Executable } from './executables.js';
import type { DiskReserve } from './reserve.js';
import { runProbe, type ProbeLimits, type ProbeOptions, type ProbeOutput } from './run-probe.js';

export interface DetectEnvOptions {
  readonly dirs: readonly string[];
  readonly vhostsRoot: string;
  readonly reserve: DiskReserve;
  readonly limits: ProbeLimits;
  readonly mountinfo: string;
}

export function createDetectEnv(options: DetectEnvOptions): DetectEnv {
  const index = new ExecutableIndex(options.dirs);
  const runs = new Map<string, Promise<ProbeOutput>>();
  return {
    vhostsRoot: options.vhostsRoot,
    reserve: options.reserve,
    mountinfo: options.mountinfo,
    executables: (accept) => index.find(accept),
    run(executable: Executable, args: readonly string[], probeOptions: ProbeOptions = {}) {
      const key = JSON.stringify([executable.path, args, probeOptions.captureStdin === true]);
      let run = runs.get(key);
      if (!run) {
        run = runProbe(executable.path, args, options.limits, probeOptions);
        runs.set(key, run);
      }
      return run;
    },
    async readHead(executable: Executable, bytes: number) {
      const handle = await fs.open(executable.path, 'r');
      try {
        const buf = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buf, 0, bytes, 0);
        return buf.subarray(0, bytesRead).toString('latin1');
      } finally {
        await handle.close();
      }
    },
  };
}
