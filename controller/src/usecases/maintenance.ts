/** Periodic upkeep: silent hosts, full re-evaluation, and trimming the event outbox. */
import { RevisionBumper, type Context } from './context.js';
import { reevaluateRows } from './reevaluate.js';

/**
 * Hosts silent for longer than `graceMs` become `unknown` (their subscriptions are not
 * re-evaluated for that). Only `ready` hosts: maintenance and incompatible stay as they are.
 */
export function markSilentHosts(ctx: Context, graceMs: number): string[] {
  return ctx.tx(() => {
    const cutoff = new Date(ctx.clock.now().getTime() - graceMs).toISOString();
    const silent = ctx.hosts.list().filter((h) => h.state === 'ready' && (h.lastHeartbeatAt ?? h.createdAt) < cutoff);
    for (const h of silent) {
      ctx.hosts.setState(h.id, 'unknown');
      ctx.record('host.state_changed', h.name, { from: 'ready', to: 'unknown', lastHeartbeatAt: h.lastHeartbeatAt });
    }
    return silent.map((h) => h.name);
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
