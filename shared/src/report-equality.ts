/**
 * When two capability reports describe the same capabilities: the same components (in any order),
 * OS, CPU and memory, and the same disk give or take a tolerance on free and allocatable bytes —
 * so that neither the agent (resending) nor the controller (recording `host.capabilities_changed`
 * and re-evaluating every subscription) reacts to each log line written on the disk.
 */
import { compareComponents } from './component-order.js';
import type { CapabilityReport, Component } from './catalogue/components.js';

export interface ReportsEqualOptions {
  /**
   * Free and allocatable disk bytes closer than this count as equal (default 64 MiB). Compare
   * against the last report acted on, not the last one seen, so that slow drift still adds up.
   * 0 = exact.
   */
  readonly diskToleranceBytes?: number;
}

export const DEFAULT_DISK_TOLERANCE_BYTES = 64 * 1024 * 1024;

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

function sameJson(a: object | undefined, b: object | undefined): boolean {
  if (!a || !b) return a === b;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
