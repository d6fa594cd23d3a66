/**
 * The words of hostplane's status model: plan kinds, sync statuses, suspension reasons, host states,
 * and one row of a conflict report. The controller's domain states its rules in them, events carry
 * them (events.ts), and clients read them back; they live here so that all of these say the same.
 */
import type { Value } from './catalogue/properties.js';

export type PlanKind = 'service' | 'addon' | 'reseller';
export const PLAN_KINDS: readonly PlanKind[] = ['service', 'addon', 'reseller'];

export type SyncStatus = 'synced' | 'unsynced' | 'locked' | 'custom';
/** A reseller always has a reseller plan: never custom. */
export type ResellerSyncStatus = Exclude<SyncStatus, 'custom'>;
export type SubscriptionState = 'active' | 'suspended';
export type SuspensionReason = 'manual' | 'expired' | 'customer' | 'overuse';
/** Every reason, in the order a set of reasons is kept. */
export const SUSPENSION_REASONS: readonly SuspensionReason[] = ['manual', 'expired', 'customer', 'overuse'];

export type HostState = 'ready' | 'unknown' | 'maintenance' | 'incompatible';
export const HOST_STATES: readonly HostState[] = ['ready', 'unknown', 'maintenance', 'incompatible'];

/** One row of the conflict report: what the plan asks, what the host can give instead, and why. */
export interface Conflict {
  readonly property: string;
  readonly planValue: Value | null;
  readonly availableValue: Value | null;
  readonly reason: string;
}
