/**
 * Assembling detector findings into a capability report in canonical form — components sorted by
 * name, then version (numerically: 8.9 before 8.10), then path; no undefined fields — so that two
 * detections of an unchanged machine are deep-equal and serialize to the same JSON.
 */
import { compareComponents, type CapabilityReport, type Component, type DiskCapacity } from '@hostplane/shared';
import type { Finding } from './detector.js';

/** The controller canonicalises with the same order (shared/), so both agree on "unchanged". */
export { compareComponents };

/** Merges findings (components concatenated and sorted; each fact taken from the finding that has it). */
export function assembleReport(findings: readonly Finding[]): CapabilityReport {
  const components = findings.flatMap((f) => f.components ?? []).map(clean);
  components.sort(compareComponents);
  const fact = <K extends 'disk' | 'os' | 'cpu' | 'memory'>(key: K) => findings.find((f) => f[key] !== undefined)?.[key];
  const disk = fact('disk');
  const os = fact('os');
  const cpu = fact('cpu');
  const memory = fact('memory');
  return {
    components: dedupe(components),
    ...(disk ? { disk: cleanDisk(disk) } : {}),
    ...(os ? { os: dropUndefined(os) } : {}),
    ...(cpu ? { cpu: dropUndefined(cpu) } : {}),
    ...(memory ? { memory: { totalBytes: memory.totalBytes } } : {}),
  };
}

/** One notion of "unchanged" for agent and controller (shared/). */
export { DEFAULT_DISK_TOLERANCE_BYTES, reportsEqual, type ReportsEqualOptions } from '@hostplane/shared';

function clean(c: Component): Component {
  return { name: c.name, ...(c.version ? { version: c.version } : {}), ...(c.path ? { path: c.path } : {}) };
}

/** Sorted input: drops exact repeats (e.g. a detector passed twice). */
function dedupe(sorted: Component[]): Component[] {
  return sorted.filter((c, i) => i === 0 || compareComponents(sorted[i - 1]!, c) !== 0);
}

function cleanDisk(d: DiskCapacity): DiskCapacity {
  return { ...(d.mount ? { mount: d.mount } : {}), totalBytes: d.totalBytes, freeBytes: d.freeBytes, allocatableBytes: d.allocatableBytes };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
