/** The state axis of a subscription: suspend, activate, renew, and the expiry sweep. */
import { addReason, removeReason, type SuspensionReason } from '../domain/index.js';
import { editable, type SubscriptionRecord } from '../store/index.js';
import { RevisionBumper, type Context } from './context.js';
import { findSubscription } from './lookup.js';
import { save } from './persist.js';
import { futureExpiry } from './subscriptions.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

function changeReasons(ctx: Context, before: SubscriptionRecord, change: (r: SuspensionReason[]) => SuspensionReason[], bumper?: RevisionBumper): void {
  const d = editable(before);
  d.suspensionReasons = change(d.suspensionReasons);
  save(ctx, before, d, bumper);
}

/** Manual suspension: the host serves a "suspended" page instead of the sites. */
export function suspendSubscription(ctx: Context, name: string): SubscriptionView {
  return ctx.tx(() => {
    const row = findSubscription(ctx, name);
    changeReasons(ctx, row, (r) => addReason(r, 'manual'));
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(row.id)!);
  });
}

/** Activate removes the manual suspension only; other reasons (expired, customer) remain. */
export function activateSubscription(ctx: Context, name: string): SubscriptionView {
  return ctx.tx(() => {
    const row = findSubscription(ctx, name);
    changeReasons(ctx, row, (r) => removeReason(r, 'manual'));
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(row.id)!);
  });
}

/** Renew: a new expiry date in the future, and the `expired` reason removed. */
export function renewSubscription(ctx: Context, name: string, expiresAt: string): SubscriptionView {
  return ctx.tx(() => {
    const row = findSubscription(ctx, name);
    const when = futureExpiry(ctx, expiresAt ?? '');
    const d = editable(row);
    d.expiresAt = when.toISOString();
    d.suspensionReasons = removeReason(d.suspensionReasons, 'expired');
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'renew', expiresAt: d.expiresAt } });
    save(ctx, row, d);
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(row.id)!);
  });
}

/** Suspends every subscription past its expiry date (reason `expired`). Idempotent. */
export function expireDue(ctx: Context): string[] {
  return ctx.tx(() => {
    const bumper = new RevisionBumper(ctx);
    const rows = ctx.subscriptions.expiredAt(ctx.nowIso());
    for (const row of rows) changeReasons(ctx, row, (r) => addReason(r, 'expired'), bumper);
    return rows.map((r) => r.name);
  });
}
