/**
 * Moving a subscription to another host: what is checked before any content travels (`planMove`),
 * and the switch once the target host's agent holds the whole webspace (`completeMove`): one
 * transaction puts the subscription on the target (its agent realizes it there, with the content
 * it received) and records its removal from the source (whose agent moves its copy aside).
 */
import { FailedPreconditionError, InvalidArgumentError } from '@hostplane/shared';
import { editable } from '../store/index.js';
import { RevisionBumper, type Context } from './context.js';
import { findHost, findSubscription } from './lookup.js';
import { evaluateData, Lookups } from './reevaluate.js';
import { setHostState } from './hosts.js';
import { pickHost } from './subscriptions.js';
import { refresh, save } from './persist.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

export interface MovePlan {
  readonly name: string;
  readonly source: string;
  readonly target: string;
}

/** Checks a move without changing anything; refused with the reason (and the conflicts, if any). */
export function planMove(ctx: Context, name: string, hostName: string, allowUnsynced: boolean): MovePlan {
  const row = findSubscription(ctx, name);
  const target = findHost(ctx, hostName, 'host');
  const source = ctx.hosts.byId(row.hostId)!;
  if (target.id === source.id) throw new InvalidArgumentError('host', `host: '${row.name}' is already on '${target.name}'`);
  if (target.state !== 'ready') throw new FailedPreconditionError(`host '${target.name}' is ${target.state}: a subscription moves only to a ready host`);
  if (!target.report) throw new FailedPreconditionError(`host '${target.name}' has not reported its capabilities yet`);
  const presence = ctx.agentPresence;
  for (const h of [source, target]) {
    if (presence && !presence.hasSession(h.id)) throw new FailedPreconditionError(`host '${h.name}' has no connected agent: the content travels from the source's agent to the target's`);
  }
  // What it would be on the target: refused with the conflicts, unless told to move it unsynced.
  const d = editable(row);
  d.hostId = target.id;
  const e = refresh(ctx, d);
  if (e.conflicts.length > 0 && !allowUnsynced) {
    const list = e.conflicts.map((c) => `${c.property} (plan ${String(c.planValue)}, available ${String(c.availableValue)})`).join(', ');
    throw new FailedPreconditionError(`host '${target.name}' cannot provide all of '${row.name}': ${list}; move it anyway with --allow-unsynced`);
  }
  return { name: row.name, source: source.name, target: target.name };
}

/** Switches the subscription to the target host, once its agent holds the whole webspace. */
export function completeMove(ctx: Context, plan: MovePlan, bytes: number): SubscriptionView {
  return ctx.tx(() => {
    const row = findSubscription(ctx, plan.name);
    const source = ctx.hosts.byId(row.hostId)!;
    if (source.name !== plan.source) throw new FailedPreconditionError(`'${row.name}' moved to '${source.name}' meanwhile: nothing switched`);
    const target = findHost(ctx, plan.target, 'host');
    const bumper = new RevisionBumper(ctx);
    const d = editable(row);
    d.hostId = target.id;
    refresh(ctx, d);
    // A new generation at the target's new revision, whatever else changed: its agent realizes it
    // there, from the content it received. save() records the status transitions, if any.
    d.generation = row.generation + 1;
    d.revision = bumper.revisionFor(target.id);
    save(ctx, row, d, bumper);
    ctx.delivery.clearRemovalOnHost(target.id, row.name); // an old departure from the target is history
    ctx.delivery.recordRemoval(source.id, row.name, bumper.revisionFor(source.id));
    ctx.record({ type: 'subscription.moved', entity: row.name, data: { from: source.name, to: target.name, bytes } });
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(row.id)!);
  });
}

export interface DrainPlan {
  readonly host: string;
  /** The subscriptions on the host, in name order. */
  readonly names: readonly string[];
}

/**
 * Draining a host: it goes into maintenance (no new placements) and its subscriptions are listed;
 * each gets its target from `drainTarget` just before it moves (so that each placement sees the
 * room the previous moves took). Resumable: what moved already is no longer on the host.
 */
export function planDrain(ctx: Context, hostName: string): DrainPlan {
  const host = findHost(ctx, hostName, 'name');
  if (host.state === 'ready') setHostState(ctx, host.name, 'maintenance');
  return { host: host.name, names: ctx.subscriptions.list({ hostId: host.id }).map((r) => r.name) };
}

/** Where placement puts one subscription of a host being drained (never that host). */
export function drainTarget(ctx: Context, name: string, hostName: string): string {
  const host = findHost(ctx, hostName, 'name');
  const row = findSubscription(ctx, name);
  const desired = evaluateData(editable(row), new Lookups(ctx)).desiredValues;
  return pickHost(ctx, desired, host.id).name;
}
