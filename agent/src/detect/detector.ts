/**
 * The one interface every detector implements. A detector looks at one thing on the host (a
 * component such as nginx, or a fact such as the disk) and returns what it found; it neither
 * retries nor enforces its own deadline — `guard()` wraps every detector with both — and it never
 * throws for "not installed": that is an empty finding.
 */
import type { CapabilityReport, Component } from '@hostplane/shared';
import type { Executable } from './executables.js';
import type { DiskReserve } from './reserve.js';
import type { ProbeOptions, ProbeOutput } from './run-probe.js';

/** The facts of a capability report, i.e. everything but the components. */
export type Facts = Pick<CapabilityReport, 'disk' | 'os' | 'cpu' | 'memory'>;

/** What one detector found: components (possibly several, e.g. one per PHP version) and/or facts. */
export interface Finding extends Facts {
  readonly components?: readonly Component[];
}

/** What a detector may use during one detection cycle; created fresh for every cycle. */
export interface DetectEnv {
  /** Executables on the probe path whose file name passes `accept`, in probe-path order, one per file. */
  executables(accept: (name: string) => boolean): Promise<readonly Executable[]>;
  /** Runs an executable (no shell, bounded time and output); memoized per cycle. Never throws. */
  run(executable: Executable, args: readonly string[], options?: ProbeOptions): Promise<ProbeOutput>;
  /** The first `bytes` of a file as text (for scripts whose version is a line in the file). */
  readHead(executable: Executable, bytes: number): Promise<string>;
  /** The directory that will hold the webspaces; its filesystem is the one whose capacity counts. */
  readonly vhostsRoot: string;
  readonly reserve: DiskReserve;
  /** The mount table to read (`/proc/self/mountinfo`). */
  readonly mountinfo: string;
}

export interface Detector {
  /** Stable name, used in errors and logs (`php`, `disk`, …). */
  readonly name: string;
  detect(env: DetectEnv): Promise<Finding>;
}
