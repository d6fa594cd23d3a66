/**
 * The one skeleton of an operation that changes a subscription's plans or values (switch plan,
 * detach, add-ons, Accept, Customize, Unlock and Sync), so that its steps cannot be reordered or
 * forgotten: in one transaction, find the subscription, take its reseller's allocation, let the
 * operation change its data, re-evaluate it, record the operation, save it (with its transition
 * events and pushes), and only then check the reseller's allocation — a change beyond it rolls back.
 */
import type { SubscriptionUpdate } from '@hostplane/shared';
import type { Evaluation } from '../domain/index.js';
import { editable, type SubscriptionData, type SubscriptionRecord } from '../store/index.js';
import type { Context } from './context.js';
import { customerAllocationGuard } from './allocation.js';
import { findSubscription } from './lookup.js';
import { refresh, save } from './persist.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

/** What an operation gets to work on. */
export interface Mutation {
  /** The subscription as stored before the operation. */
  readonly before: SubscriptionRecord;
  /** Its data: the operation changes it in place. */
  readonly d: SubscriptionData;
  /** Re-evaluates `d` as it stands, for an operation that starts from its plan or desired values. */
  evaluate(): Evaluation;
}

/**
 * What the operation records as `subscription.updated`, and for whom when it acted as the
 * customer; nothing for an operation whose transition events say it all (Unlock and Sync).
 */
export interface Recorded {
  readonly update: SubscriptionUpdate;
  readonly onBehalfOf?: string;
}

/**
 * Runs `change` on subscription `name` within the skeleton above and returns the subscription as
 * saved. `change` validates (throwing refuses the operation, nothing written) and changes `d`.
 */
export function mutateSubscription(ctx: Context, name: string, change: (m: Mutation) => Recorded | undefined): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customerId);
    const d = editable(before);
    const recorded = change({ before, d, evaluate: () => refresh(ctx, d) });
    refresh(ctx, d);
    if (recorded) ctx.record({ type: 'subscription.updated', entity: d.name, data: recorded.update }, recorded.onBehalfOf);
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}
