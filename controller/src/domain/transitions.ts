/**
 * The events a status transition makes, as data: what changed between two statuses of a subscription
 * or a reseller. Pure; whatever changed the status (an operation, a plan update, a capability report,
 * a job) records these events in its own transaction.
 */
import type { EventOf } from '@hostplane/shared';
import { stateOf } from './status.js';
import type { Conflict, SuspensionReason, SyncStatus } from './types.js';

type TransitionType =
  | `${EntityRef['kind']}.${'unlocked' | 'locked' | 'synced' | 'unsynced'}`
  | 'subscription.suspended'
  | 'subscription.updated'
  | 'subscription.activated';

/** An event a transition makes (one of the shared event union): its type, the entity's name, its data. */
export type DomainEvent = EventOf<TransitionType>;

export interface EntityRef {
  readonly kind: 'subscription' | 'reseller';
  readonly name: string;
}

/** The statuses a transition compares. */
export interface Status {
  readonly syncStatus: SyncStatus;
  readonly conflicts: readonly Conflict[];
  /** The state axis of a subscription; absent (and ignored) for a reseller, whose suspension is an operation of its own. */
  readonly reasons?: readonly SuspensionReason[];
}

/** Two conflict reports are the same when they list the same rows, in the same order. */
export function sameConflicts(a: readonly Conflict[], b: readonly Conflict[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return x.property === y.property && x.planValue === y.planValue && x.availableValue === y.availableValue && x.reason === y.reason;
  });
}

/**
 * The events of going from `before` to `after`, in this order: unlocked, locked, synced, unsynced
 * (again when its conflicts change), then suspended (again when a reason is added), updated with
 * `suspension-lifted` (a reason removed, others remain), or activated.
 */
export function transitions(entity: EntityRef, before: Status, after: Status): DomainEvent[] {
  const events: DomainEvent[] = [];
  const { kind, name } = entity;
  const from = before.syncStatus;
  const to = after.syncStatus;
  // Detaching a locked subscription from its plan makes it custom: it is not unlocked for that.
  if (from === 'locked' && to !== 'locked' && to !== 'custom') events.push({ type: `${kind}.unlocked`, entity: name, data: {} });
  if (to === 'locked' && from !== 'locked') events.push({ type: `${kind}.locked`, entity: name, data: {} });
  if (to === 'synced' && from !== 'synced') events.push({ type: `${kind}.synced`, entity: name, data: {} });
  if (to === 'unsynced' && (from !== 'unsynced' || !sameConflicts(before.conflicts, after.conflicts))) {
    events.push({ type: `${kind}.unsynced`, entity: name, data: { conflicts: after.conflicts } });
  }
  if (kind === 'subscription' && before.reasons && after.reasons) {
    const wasActive = stateOf(before.reasons) === 'active';
    const isActive = stateOf(after.reasons) === 'active';
    const added = after.reasons.filter((r) => !before.reasons!.includes(r));
    const removed = before.reasons.filter((r) => !after.reasons!.includes(r));
    if (!isActive && added.length > 0) events.push({ type: 'subscription.suspended', entity: name, data: { reasons: after.reasons } });
    else if (!isActive && removed.length > 0) {
      events.push({ type: 'subscription.updated', entity: name, data: { operation: 'suspension-lifted', removed, reasons: after.reasons } });
    } else if (isActive && !wasActive) events.push({ type: 'subscription.activated', entity: name, data: {} });
  }
  return events;
}
