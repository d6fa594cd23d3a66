/** Plain data shapes of the pure core. No I/O, no gRPC, no SQLite. */
import type { Value, Values } from '@hostplane/shared';

export type PlanKind = 'service' | 'addon' | 'reseller';
export const PLAN_KINDS: readonly PlanKind[] = ['service', 'addon', 'reseller'];

export type SyncStatus = 'synced' | 'unsynced' | 'locked' | 'custom';
/** A reseller always has a reseller plan: never custom. */
export type ResellerSyncStatus = Exclude<SyncStatus, 'custom'>;
export type SubscriptionState = 'active' | 'suspended';
export type SuspensionReason = 'manual' | 'expired' | 'customer' | 'overuse';
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

/** Everything the pure core needs to evaluate one subscription. */
export interface SubscriptionInput {
  /** The main plan's own values; `null` for a custom subscription. */
  readonly planValues: Readonly<Values> | null;
  /** Values of the attached add-ons. */
  readonly addonValues: readonly Readonly<Values>[];
  /** Own values (full set) when locked or custom; otherwise ignored. */
  readonly ownValues: Readonly<Values> | null;
  readonly locked: boolean;
  /** Values set by the customer for delegated properties. */
  readonly subscriberValues: Readonly<Values>;
  /** The provided values currently stored, so that an available value can stay what it is. */
  readonly currentProvided: Readonly<Values> | null;
  /**
   * The effective values of the reseller that owns the subscription's customer: its permissions cap
   * the subscription's (AND). Absent or null for customers of the provider.
   */
  readonly permissionCap?: Readonly<Values> | null;
}

export interface Evaluation {
  /** Plan ⊕ add-ons (null for custom). */
  readonly planValues: Values | null;
  readonly desiredValues: Values;
  readonly providedValues: Values;
  readonly conflicts: readonly Conflict[];
  readonly syncStatus: SyncStatus;
  /** Subscriber values still delegated by the plan (the others are dropped). */
  readonly subscriberValues: Values;
}
