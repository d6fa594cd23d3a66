/** A subscription's association with plans: switch plan, detach (→ custom), add-ons. */
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '@hostplane/shared';
import { toData } from '../store/index.js';
import type { Context } from './context.js';
import { customerAllocationGuard } from './allocation.js';
import { checkPlanOwner, findPlanOfKind, findSubscription } from './lookup.js';
import { refresh, save } from './persist.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

/** Switch plan: add-ons are kept, own values dropped, and the subscription follows the new plan. */
export function switchPlan(ctx: Context, name: string, planName: string, dryRun = false): SubscriptionView {
  if (dryRun) return ctx.preview(() => switchPlan(ctx, name, planName));
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const plan = findPlanOfKind(ctx, planName, 'service', 'plan');
    checkPlanOwner(ctx, plan, ctx.customers.byId(before.customer_id)!, 'plan');
    const d = toData(before);
    d.planId = plan.id;
    d.locked = false;
    d.ownValues = null;
    refresh(ctx, d);
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'switch-plan', plan: plan.name } });
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}

/** Detach: plan and add-ons removed; the current desired values become own values (custom). */
export function detachSubscription(ctx: Context, name: string): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    if (d.planId === null) throw new FailedPreconditionError(`subscription '${d.name}' is already custom`);
    const e = refresh(ctx, d);
    d.ownValues = { ...e.desiredValues };
    d.planId = null;
    d.locked = false;
    d.addonIds = [];
    ctx.subscriptions.clearAddons(d.id);
    refresh(ctx, d);
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'detach' } });
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}

export function addAddon(ctx: Context, name: string, addonName: string): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    if (d.planId === null) {
      throw new FailedPreconditionError(`custom subscription '${d.name}' cannot take add-ons: add-ons need a service plan`);
    }
    const addon = findPlanOfKind(ctx, addonName, 'addon', 'addon');
    checkPlanOwner(ctx, addon, ctx.customers.byId(before.customer_id)!, 'addon');
    if (d.addonIds.includes(addon.id)) {
      throw new AlreadyExistsError('addon', addon.name, `add-on '${addon.name}' is already attached to '${d.name}'`);
    }
    d.addonIds = [...d.addonIds, addon.id].sort((a, b) => a - b);
    ctx.subscriptions.addAddon(d.id, addon.id);
    refresh(ctx, d);
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'add-addon', addon: addon.name } });
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}

export function removeAddon(ctx: Context, name: string, addonName: string): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    const addon = findPlanOfKind(ctx, addonName, 'addon', 'addon');
    if (!d.addonIds.includes(addon.id)) {
      throw new NotFoundError('addon', addon.name, `add-on '${addon.name}' is not attached to '${d.name}'`);
    }
    d.addonIds = d.addonIds.filter((id) => id !== addon.id);
    ctx.subscriptions.removeAddon(d.id, addon.id);
    refresh(ctx, d);
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'remove-addon', addon: addon.name } });
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}
