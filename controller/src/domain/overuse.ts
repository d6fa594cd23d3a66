/**
 * The overuse policy (`limits.overuse`): what a subscription's measured usage against its
 * `limits.disk_space` and `limits.traffic` does. Pure: the use case persists what it returns.
 *
 * - `allow`: overuse is only shown;
 * - `notify` (default): a `subscription.overused` event once per crossing (not again until usage
 *   went back under and crossed again);
 * - `suspend`: the event, and suspension reason `overuse` while over; the reason goes by itself
 *   once usage is back under (a raised limit, files deleted, a new month) or the policy changes.
 */
import type { Values } from '@hostplane/shared';
import { addReason, removeReason } from './status.js';
import type { SuspensionReason } from './types.js';

export const OVERUSE_POLICIES = ['allow', 'notify', 'suspend'] as const;
export type OverusePolicy = (typeof OVERUSE_POLICIES)[number];

export interface Usage {
  readonly diskBytes: number;
  readonly trafficBytes: number;
}

export type OverusedLimit = 'limits.disk_space' | 'limits.traffic';

/** The limits `usage` exceeds under `values` (an unlimited limit, not a number, is never exceeded). */
export function exceededLimits(values: Values, usage: Usage): OverusedLimit[] {
  const over: OverusedLimit[] = [];
  const disk = values['limits.disk_space'];
  if (typeof disk === 'number' && usage.diskBytes > disk) over.push('limits.disk_space');
  const traffic = values['limits.traffic'];
  if (typeof traffic === 'number' && usage.trafficBytes > traffic) over.push('limits.traffic');
  return over;
}

export function overusePolicy(values: Values): OverusePolicy {
  const p = values['limits.overuse'];
  return OVERUSE_POLICIES.includes(p as OverusePolicy) ? (p as OverusePolicy) : 'notify';
}

export interface OveruseBefore {
  /** Whether it was over a limit at the last check. */
  readonly overused: boolean;
  readonly reasons: readonly SuspensionReason[];
}

export interface OveruseOutcome {
  readonly overused: boolean;
  /** The limits exceeded now. */
  readonly exceeded: readonly OverusedLimit[];
  /** A new crossing to announce (`subscription.overused`). */
  readonly announce: boolean;
  readonly reasons: SuspensionReason[];
}

/** What `usage` under `values` (the provided values) makes of a subscription. */
export function applyOverusePolicy(before: OveruseBefore, values: Values, usage: Usage): OveruseOutcome {
  const exceeded = exceededLimits(values, usage);
  const overused = exceeded.length > 0;
  const policy = overusePolicy(values);
  const announce = overused && !before.overused && policy !== 'allow';
  const reasons = overused && policy === 'suspend' ? addReason(before.reasons, 'overuse') : removeReason(before.reasons, 'overuse');
  return { overused, exceeded, announce, reasons };
}
