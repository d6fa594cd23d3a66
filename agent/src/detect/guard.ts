/**
 * Retries and deadlines for detectors, as a wrapper, so that no detector repeats them. A detector
 * that throws (an unexpected I/O error, systeminformation failing) is retried; one that overruns
 * its deadline is abandoned — its probes are killed by their own deadlines — and not retried, so a
 * hanging tool costs one deadline, not several.
 */
import type { DetectEnv, Detector, Finding } from './detector.js';

export interface GuardOptions {
  /** Deadline for one attempt of one detector. */
  readonly timeoutMs: number;
  /** Further attempts after a thrown error (not after a timeout). */
  readonly retries: number;
}

export class DetectorTimeoutError extends Error {
  constructor(readonly detector: string, readonly timeoutMs: number) {
    super(`detector '${detector}' did not finish within ${timeoutMs} ms`);
    this.name = 'DetectorTimeoutError';
  }
}

export function guard(detector: Detector, options: GuardOptions): Detector {
  return {
    name: detector.name,
    async detect(env: DetectEnv): Promise<Finding> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await withDeadline(detector.detect(env), detector.name, options.timeoutMs);
        } catch (err) {
          if (err instanceof DetectorTimeoutError || attempt >= options.retries) throw err;
        }
      }
    },
  };
}

function withDeadline<T>(work: Promise<T>, name: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DetectorTimeoutError(name, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
