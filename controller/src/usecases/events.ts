/**
 * Events derived from a subscription's status transitions, recorded by whatever changed it
 * (an operation, a plan update, a capability report, a job) in the same transaction.
 */
import { stateOf, type Conflict, type SuspensionReason, type SyncStatus } from '../domain/index.js';
import type { Context } from './context.js';

export interface StatusSnapshot {
  readonly syncStatus: SyncStatus;
  /** Conflicts as stored JSON text, to compare cheaply. */
  readonly conflictsJson: string;
  readonly reasons: readonly SuspensionReason[];
}

/** Records synced / unsynced / locked / unlocked / suspended / activated as they happen. */
export function recordTransitions(ctx: Context, name: string, before: StatusSnapshot, after: StatusSnapshot, conflicts: readonly Conflict[]): void {
  const { syncStatus: from } = before;
  const { syncStatus: to } = after;
  if (from === 'locked' && to !== 'locked' && to !== 'custom') ctx.record('subscription.unlocked', name);
  if (to === 'locked' && from !== 'locked') ctx.record('subscription.locked', name);
  if (to === 'synced' && from !== 'synced') ctx.record('subscription.synced', name);
  if (to === 'unsynced' && (from !== 'unsynced' || before.conflictsJson !== after.conflictsJson)) {
    ctx.record('subscription.unsynced', name, { conflicts });
  }
  const wasActive = stateOf(before.reasons) === 'active';
  const isActive = stateOf(after.reasons) === 'active';
  if (!isActive && before.reasons.join(',') !== after.reasons.join(',')) {
    ctx.record('subscription.suspended', name, { reasons: after.reasons });
  } else if (isActive && !wasActive) {
    ctx.record('subscription.activated', name);
  }
}
