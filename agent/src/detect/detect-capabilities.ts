/**
 * One detection cycle: every detector runs concurrently (each guarded by a deadline and retries),
 * and their findings become one capability report in canonical form. A detector that fails or
 * overruns gets one more attempt; if that fails too, it contributes its last good finding (a
 * transient overload must not make a server look as if it lost PHP — its subscriptions would go
 * unsynced until the next detection) or, without one, nothing, and is passed to `onError`. The cycle
 * itself does not fail.
 *
 * Cost on the 2-core reference machine: dominated by the slowest probe (a PHP or Node start-up,
 * ~30–60 ms) and systeminformation's `df` (~50 ms), since everything runs at once; see the
 * measurement in test/agent/detect/detect-capabilities.test.ts. A detection cycle must stay under 1 s wall.
 */
import type { CapabilityReport } from '@hostplane/shared';
import { InvalidArgumentError } from '@hostplane/shared';
import type { Detector, Finding } from './detector.js';
import { createDetectEnv } from './env.js';
import { guard } from './guard.js';
import { probeDirs } from './probe-path.js';
import { DETECTORS } from './registry.js';
import { assembleReport } from './report.js';
import { DEFAULT_RESERVE, validateReserve, type DiskReserve } from './reserve.js';
import { DEFAULT_PROBE_LIMITS } from './run-probe.js';

export interface DetectOptions {
  /** The directory holding the webspaces (`--vhosts-root`); its filesystem's capacity is reported. */
  readonly vhostsRoot: string;
  /**
   * Directories searched for component executables (`--probe-path`): when given, only these
   * (absolute) directories; an empty list finds no components. Default: the usual sbin/bin
   * directories plus the vendor directories (Plesk/Remi/cPanel PHP, PostgreSQL, CGI dirs).
   */
  readonly probePath?: readonly string[];
  /** Disk space withheld from the allocatable bytes: `{ percent }` of the total or `{ bytes }`. Default 5 %. */
  readonly reserve?: DiskReserve;
  /** Deadline for each probe (one executable run); it and its children are killed then. Default 3000. */
  readonly probeTimeoutMs?: number;
  /** Bound on the captured output of each probe stream. Default 64 KiB. */
  readonly maxOutputBytes?: number;
  /** Deadline for one detector attempt. Default: probe deadline + 2 s. */
  readonly detectorTimeoutMs?: number;
  /** Further attempts of a detector that threw. Default 1. */
  readonly retries?: number;
  /** The detectors to run. Default: all of the registry. */
  readonly detectors?: readonly Detector[];
  /** The mount table (default `/proc/self/mountinfo`): which filesystem holds the vhosts root, with which options. */
  readonly mountinfo?: string;
  /** Told about each detector that failed or overran twice (its last good finding, or nothing, is used). */
  readonly onError?: (detector: string, error: unknown) => void;
  /**
   * Each detector's last successful finding, kept across cycles by the caller: read for a detector
   * that fails, updated with each success.
   */
  readonly lastGood?: Map<string, Finding>;
}

export async function detectCapabilities(options: DetectOptions): Promise<CapabilityReport> {
  if (typeof options.vhostsRoot !== 'string' || options.vhostsRoot === '') {
    throw new InvalidArgumentError('vhostsRoot', 'vhostsRoot: a directory is required');
  }
  const reserve = validateReserve(options.reserve ?? DEFAULT_RESERVE);
  const timeoutMs = positive('probeTimeoutMs', options.probeTimeoutMs, DEFAULT_PROBE_LIMITS.timeoutMs);
  const maxBufferBytes = positive('maxOutputBytes', options.maxOutputBytes, DEFAULT_PROBE_LIMITS.maxBufferBytes);
  const detectorTimeoutMs = positive('detectorTimeoutMs', options.detectorTimeoutMs, timeoutMs + 2000);
  const retries = options.retries ?? 1;

  const env = createDetectEnv({
    dirs: await probeDirs(options.probePath),
    vhostsRoot: options.vhostsRoot,
    reserve,
    limits: { timeoutMs, maxBufferBytes },
    mountinfo: options.mountinfo ?? '/proc/self/mountinfo',
  });
  const detectors = (options.detectors ?? DETECTORS).map((d) => guard(d, { timeoutMs: detectorTimeoutMs, retries }));
  const settled = await Promise.allSettled(detectors.map((d) => d.detect(env)));
  // The failures get a second attempt, together (a moment of overload is usually over by then).
  const failed = settled.flatMap((result, i) => (result.status === 'rejected' ? [i] : []));
  const second = await Promise.allSettled(failed.map((i) => detectors[i]!.detect(env)));
  failed.forEach((i, k) => (settled[i] = second[k]!));
  const findings: Finding[] = [];
  settled.forEach((result, i) => {
    const name = detectors[i]!.name;
    if (result.status === 'fulfilled') {
      findings.push(result.value);
      options.lastGood?.set(name, result.value);
      return;
    }
    options.onError?.(name, result.reason);
    const kept = options.lastGood?.get(name);
    if (kept) findings.push(kept);
  });
  return assembleReport(findings);
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(field, `${field}: must be a positive number, not ${String(value)}`);
  return value;
}
