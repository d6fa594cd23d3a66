/** A subscription's association with plans: switch plan, detach (→ custom), add-ons. */
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '@hostplane/shared';
import type { Context } from './context.js';
import { checkPlanOwner, findPlanOfKind } from './lookup.js';
import { mutateSubscription } from './mutate-subscription.js';
import type { SubscriptionView } from './views.js';

/** Switch plan: add-ons are kept, own values dropped, and the subscription follows the new plan. */
export function switchPlan(ctx: Context, name: string, planName: string, dryRun = false): SubscriptionView {
  if (dryRun) return ctx.preview(() => switchPlan(ctx, name, planName));
  return mutateSubscription(ctx, name, ({ before, d }) => {
    const plan = findPlanOfKind(ctx, planName, 'service', 'plan');
    checkPlanOwner(ctx, plan, ctx.customers.byId(before.customerId)!, 'plan');
    d.planId = plan.id;
    d.locked = false;
    d.ownValues = null;
    return { update: { operation: 'switch-plan', plan: plan.name } };
  });
}

/** Detach: plan and add-ons removed; the current desired values become own values (custom). */
export function detachSubscription(ctx: Context, name: string): SubscriptionView {
  return mutateSubscription(ctx, name, ({ d, evaluate }) => {
    if (d.planId === null) throw new FailedPreconditionError(`subscription '${d.name}' is already custom`);
    d.ownValues = { ...evaluate().desiredValues };
    d.planId = null;
    d.locked = false;
    d.addonIds = [];
    ctx.subscriptions.clearAddons(d.id);
    return { update: { operation: 'detach' } };
  });
}

export function addAddon(ctx: Context, name: string, addonName: string): SubscriptionView {
  return mutateSubscription(ctx, name, ({ before, d }) => {
    if (d.planId === null) {
      throw new FailedPreconditionError(`custom subscription '${d.name}' cannot take add-ons: add-ons need a service plan`);
    }
    const addon = findPlanOfKind(ctx, addonName, 'addon', 'addon');
    checkPlanOwner(ctx, addon, ctx.customers.byId(before.customerId)!, 'addon');
    if (d.addonIds.includes(addon.id)) {
      throw new AlreadyExistsError('addon', addon.name, `add-on '${addon.name}' is already attached to '${d.name}'`);
    }
    d.addonIds = [...d.addonIds, addon.id].sort((a, b) => a - b);
    ctx.subscriptions.addAddon(d.id, addon.id);
    return { update: { operation: 'add-addon', addon: addon.name } };
  });
}

export function removeAddon(ctx: Context, name: string, addonName: string): SubscriptionView {
  return mutateSubscription(ctx, name, ({ d }) => {
    const addon = findPlanOfKind(ctx, addonName, 'addon', 'addon');
    if (!d.addonIds.includes(addon.id)) {
      throw new NotFoundError('addon', addon.name, `add-on '${addon.name}' is not attached to '${d.name}'`);
    }
    d.addonIds = d.addonIds.filter((id) => id !== addon.id);
    ctx.subscriptions.removeAddon(d.id, addon.id);
    return { update: { operation: 'remove-addon', addon: addon.name } };
  });
}
