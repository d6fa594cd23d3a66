/**
 * Recording the events the domain derives from status transitions, in the transaction of whatever
 * changed the status (an operation, a plan update, a capability report, a job).
 */
import { transitions, type Conflict, type DomainEvent, type SuspensionReason, type SyncStatus } from '../domain/index.js';
import { parseConflictsJson } from '../store/index.js';
import type { Context } from './context.js';

/** Records events computed by the domain, in order. */
export function recordEvents(ctx: Context, events: readonly DomainEvent[]): void {
  for (const e of events) ctx.record(e);
}

/** A subscription's status as stored: conflicts as JSON text. */
export interface StatusSnapshot {
  readonly syncStatus: SyncStatus;
  /** Conflicts as stored JSON text. */
  readonly conflictsJson: string;
  readonly reasons: readonly SuspensionReason[];
}

/**
 * Records a subscription's transition events (synced / unsynced / locked / unlocked / suspended /
 * activated) from `before` to `after`, whose conflicts are `conflicts`.
 */
export function recordTransitions(ctx: Context, name: string, before: StatusSnapshot, after: StatusSnapshot, conflicts: readonly Conflict[]): void {
  recordEvents(
    ctx,
    transitions(
      { kind: 'subscription', name },
      { syncStatus: before.syncStatus, conflicts: parseConflictsJson(before.conflictsJson), reasons: before.reasons },
      { syncStatus: after.syncStatus, conflicts, reasons: after.reasons },
    ),
  );
}
