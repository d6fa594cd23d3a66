/** Events derived from a reseller's sync-status transitions, recorded in the changing transaction. */
import type { Conflict } from '../domain/index.js';
import type { ResellerSyncStatus } from '../store/index.js';
import type { Context } from './context.js';

export function recordResellerTransitions(
  ctx: Context,
  login: string,
  before: { syncStatus: ResellerSyncStatus; conflicts: readonly Conflict[] },
  after: { syncStatus: ResellerSyncStatus; conflicts: readonly Conflict[] },
): void {
  const from = before.syncStatus;
  const to = after.syncStatus;
  if (from === 'locked' && to !== 'locked') ctx.record('reseller.unlocked', login);
  if (to === 'locked' && from !== 'locked') ctx.record('reseller.locked', login);
  if (to === 'synced' && from !== 'synced') ctx.record('reseller.synced', login);
  if (to === 'unsynced' && (from !== 'unsynced' || JSON.stringify(before.conflicts) !== JSON.stringify(after.conflicts))) {
    ctx.record('reseller.unsynced', login, { conflicts: after.conflicts });
  }
}
