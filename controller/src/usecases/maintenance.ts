/** Periodic upkeep: silent hosts, full re-evaluation, and trimming the event outbox. */
import { nextHostState } from '../domain/index.js';
import { RevisionBumper, type Context } from './context.js';
import { reevaluateRows } from './reevaluate.js';

/**
 * Hosts silent for longer than `graceMs` take the `silent` signal: a ready host becomes `unknown`
 * (its subscriptions are not re-evaluated for that); maintenance and incompatible stay as they are.
 * Returns the hosts that changed.
 */
export function markSilentHosts(ctx: Context, graceMs: number): string[] {
  return ctx.tx(() => {
    const cutoff = new Date(ctx.clock.now().getTime() - graceMs).toISOString();
    const changed: string[] = [];
    for (const h of ctx.hosts.list()) {
      if ((h.lastHeartbeatAt ?? h.createdAt) >= cutoff) continue;
      const next = nextHostState(h.state, 'silent');
      if (next === h.state) continue;
      ctx.hosts.setState(h.id, next);
      ctx.record({ type: 'host.state_changed', entity: h.name, data: { from: h.state, to: next, lastHeartbeatAt: h.lastHeartbeatAt } });
      changed.push(h.name);
    }
    return changed;
  });
}

/** Re-evaluates every subscription of every host against its latest report; returns how many changed. */
export function resyncAll(ctx: Context): { subscriptions: number; changed: number } {
  let subscriptions = 0;
  let changed = 0;
  for (const host of ctx.hosts.list()) {
    ctx.tx(() => {
      const rows = ctx.subscriptions.bulkByHost(host.id);
      const { outcomes } = reevaluateRows(ctx, rows, new RevisionBumper(ctx), { skipLocked: false });
      subscriptions += rows.length;
      changed += outcomes.filter((o) => o.pushed).length;
    });
  }
  return { subscriptions, changed };
}

/**
 * Deletes events older than `retentionMs` (only published ones when a publisher delivers them),
 * and provided-value sets no subscription uses any more.
 */
export function collectGarbage(ctx: Context, retentionMs: number, onlyPublished: boolean): { events: number; valueSets: number } {
  return ctx.tx(() => {
    const before = new Date(ctx.clock.now().getTime() - retentionMs).toISOString();
    return { events: ctx.events.collectGarbage(before, onlyPublished), valueSets: ctx.valueSets.collectGarbage() };
  });
}
