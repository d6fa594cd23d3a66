/** Plain data shapes of the pure core. No I/O, no gRPC, no SQLite. */
import type { Conflict, SyncStatus, Values } from '@hostplane/shared';

// The words of the status model are shared with events and clients (@hostplane/shared).
export {
  HOST_STATES,
  PLAN_KINDS,
  SUSPENSION_REASONS,
  type Conflict,
  type HostState,
  type PlanKind,
  type ResellerSyncStatus,
  type SubscriptionState,
  type SuspensionReason,
  type SyncStatus,
} from '@hostplane/shared';

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
