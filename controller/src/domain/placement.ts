/**
 * Placement: a `ready` host whose agent is connected now and that provides the desired values with
 * no conflict, preferring the most unallocated disk; with none such, the host with the fewest
 * conflicts. Hosts that never reported their capabilities, and hosts whose agent is gone (still
 * `ready` inside the liveness grace period), are not candidates.
 */
import type { CapabilityReport, Values } from '@hostplane/shared';
import { capabilitiesOf } from './capabilities.js';
import { checkFeasibility } from './feasibility.js';
import type { HostState } from './types.js';

export interface PlacementCandidate {
  readonly id: number;
  readonly name: string;
  readonly state: HostState;
  readonly report: CapabilityReport | null;
  /** Sum of the finite disk quotas already provided to subscriptions on the host. */
  readonly allocatedBytes: number;
  /** Whether its agent is connected now. */
  readonly connected: boolean;
}

export interface PlacementChoice {
  readonly host: PlacementCandidate;
  readonly conflictCount: number;
}

function unallocated(c: PlacementCandidate): number {
  const allocatable = c.report ? capabilitiesOf(c.report).allocatableBytes : undefined;
  return allocatable === undefined ? 0 : allocatable - c.allocatedBytes;
}

/** The best host for `desired`, or null when no host is ready. */
export function choosePlacement(desired: Readonly<Values>, candidates: readonly PlacementCandidate[]): PlacementChoice | null {
  let best: { c: PlacementCandidate; conflicts: number; free: number } | null = null;
  for (const c of candidates) {
    // A host that never reported cannot be checked: it takes only subscriptions placed on it by name.
    if (c.state !== 'ready' || c.report === null || !c.connected) continue;
    const conflicts = checkFeasibility(desired, c.report).conflicts.length;
    const free = unallocated(c);
    const better =
      !best ||
      conflicts < best.conflicts ||
      (conflicts === best.conflicts && (free > best.free || (free === best.free && c.name < best.c.name)));
    if (better) best = { c, conflicts, free };
  }
  return best ? { host: best.c, conflictCount: best.conflicts } : null;
}
