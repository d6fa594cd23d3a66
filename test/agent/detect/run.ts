/** Shared by the detection tests: one detection over fixture directories only. */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CapabilityReport } from '@hostplane/shared';
import { COMPONENT_DETECTORS, detectCapabilities, type DetectOptions, type Detector } from '../../../agent/src/index.js';
import { makeTempDir } from '../fixtures.js';

/** Components detected in exactly `dirs` (no disk/OS facts), with errors collected. */
export async function detectComponents(
  dirs: readonly string[],
  options: Partial<DetectOptions> & { detectors?: readonly Detector[] } = {},
): Promise<CapabilityReport['components']> {
  const errors: unknown[] = [];
  const report = await detectCapabilities({
    vhostsRoot: dirs[0] ?? '/',
    probePath: dirs,
    detectors: COMPONENT_DETECTORS,
    onError: (name, err) => errors.push({ name, err }),
    ...options,
  });
  if (errors.length > 0 && !options.onError) throw new Error(`detectors failed: ${JSON.stringify(errors)}`);
  return report.components;
}

/** A temp directory for the whole test file (removed after it), and a fresh subdirectory per case. */
export function caseDirs(): () => string {
  let tmp: { dir: string; cleanup: () => Promise<void> } | undefined;
  let n = 0;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp?.cleanup());
  return () => path.join(tmp!.dir, `case-${++n}`);
}
