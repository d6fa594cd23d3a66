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

export interface ReportsEqualOptions {
  /**
   * Free and allocatable disk bytes closer than this count as equal (default 64 MiB), so that a
   * report is not resent for every log line written. Compare against the last report SENT, not the
   * last one detected, so that slow drift is still reported once it adds up. 0 = exact.
   */
  readonly diskToleranceBytes?: number;
}

export const DEFAULT_DISK_TOLERANCE_BYTES = 64 * 1024 * 1024;

/** Whether two reports describe the same capabilities (order of components does not matter). */
export function reportsEqual(a: CapabilityReport, b: CapabilityReport, options: ReportsEqualOptions = {}): boolean {
  const tolerance = options.diskToleranceBytes ?? DEFAULT_DISK_TOLERANCE_BYTES;
  const ca = [...a.components].map(clean).sort(compareComponents);
  const cb = [...b.components].map(clean).sort(compareComponents);
  if (ca.length !== cb.length || ca.some((c, i) => compareComponents(c, cb[i]!) !== 0)) return false;
  if (!sameJson(a.os, b.os) || !sameJson(a.cpu, b.cpu) || a.memory?.totalBytes !== b.memory?.totalBytes) return false;
  if (!a.disk || !b.disk) return a.disk === b.disk;
  return (
    a.disk.mount === b.disk.mount &&
    a.disk.totalBytes === b.disk.totalBytes &&
    Math.abs(a.disk.freeBytes - b.disk.freeBytes) < Math.max(tolerance, 1) &&
    Math.abs(a.disk.allocatableBytes - b.disk.allocatableBytes) < Math.max(tolerance, 1)
  );
}

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

function sameJson(a: object | undefined, b: object | undefined): boolean {
  if (!a || !b) return a === b;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
