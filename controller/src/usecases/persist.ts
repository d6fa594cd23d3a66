/** Re-evaluating one subscription's data in place, and saving it with generation/revision bumps. */
import type { Evaluation } from '../domain/index.js';
import { formatReasons, type SubscriptionData, type SubscriptionRecord, type ValueSets } from '../store/index.js';
import { recordTransitions } from './events.js';
import { RevisionBumper, type Context } from './context.js';
import { evaluateData, Lookups } from './reevaluate.js';

/** Recomputes provided values, conflicts and sync status of `d` from its plan(s), values and host. */
export function refresh(ctx: Context, d: SubscriptionData, lookups = new Lookups(ctx)): Evaluation {
  const e = evaluateData(d, lookups);
  d.providedValues = e.providedValues;
  d.conflicts = [...e.conflicts];
  d.syncStatus = e.syncStatus;
  if (d.planId !== null && !d.locked) d.subscriberValues = e.subscriberValues;
  return e;
}

/**
 * Saves `d`. When what the agent realizes changed (provided values, suspension) the subscription
 * gets a new generation and its host a new revision.
 */
export function save(
  ctx: Context,
  before: SubscriptionRecord,
  d: SubscriptionData,
  bumper = new RevisionBumper(ctx),
  sets: ValueSets = ctx.valueSets.batch(),
): void {
  const pushed =
    JSON.stringify(d.providedValues) !== JSON.stringify(before.providedValues) ||
    formatReasons(d.suspensionReasons) !== formatReasons(before.suspensionReasons);
  if (pushed) {
    d.generation = before.generation + 1;
    d.revision = bumper.revisionFor(d.hostId);
  }
  ctx.subscriptions.save(d, sets, ctx.nowIso());
  recordTransitions(
    ctx,
    d.name,
    { syncStatus: before.syncStatus, conflictsJson: JSON.stringify(before.conflicts), reasons: before.suspensionReasons },
    { syncStatus: d.syncStatus, conflictsJson: JSON.stringify(d.conflicts), reasons: d.suspensionReasons },
    d.conflicts,
  );
}
