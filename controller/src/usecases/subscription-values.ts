/**
 * A subscription's values: Sync (report), Accept (the seed's OK), Customize (admin or as customer),
 * Unlock and Sync.
 */
import { FailedPreconditionError, InvalidArgumentError, PermissionDeniedError, PROPERTIES, parseValues } from '@hostplane/shared';
import { conflictsFingerprint, isDelegated, type Conflict, type SyncStatus } from '../domain/index.js';
import { toData } from '../store/index.js';
import type { Context } from './context.js';
import { customerAllocationGuard } from './allocation.js';
import { findSubscription } from './lookup.js';
import { refresh, save } from './persist.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

export interface SyncReport {
  readonly name: string;
  readonly syncStatus: SyncStatus;
  /** Empty when synchronization succeeded. */
  readonly conflicts: readonly Conflict[];
  /** Pass to accept: it is refused if the conflicts changed meanwhile. */
  readonly fingerprint: string;
}

/** Sync: re-evaluates the subscription against its host now and returns the conflict report. */
export function syncSubscription(ctx: Context, name: string): SyncReport {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const d = toData(before);
    refresh(ctx, d);
    save(ctx, before, d);
    return { name: d.name, syncStatus: d.syncStatus, conflicts: d.conflicts, fingerprint: conflictsFingerprint(d.conflicts) };
  });
}

/**
 * Accept (the seed's OK): the reported properties take their available values as own values, and
 * the subscription is locked. Refused when the conflicts no longer match `fingerprint`.
 */
export function acceptConflicts(ctx: Context, name: string, fingerprint: string): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    const e = refresh(ctx, d);
    if (!fingerprint) throw new InvalidArgumentError('fingerprint', 'fingerprint is required: take it from the sync report');
    if (d.conflicts.length === 0) throw new FailedPreconditionError(`subscription '${d.name}' has no conflicts to accept`);
    if (conflictsFingerprint(d.conflicts) !== fingerprint) {
      throw new FailedPreconditionError(`the conflicts of '${d.name}' changed since the report: run sync again and review them`);
    }
    const own = { ...e.desiredValues };
    for (const c of d.conflicts) {
      if (c.availableValue === null) delete own[c.property];
      else own[c.property] = c.availableValue;
    }
    d.ownValues = own;
    d.locked = d.planId !== null;
    refresh(ctx, d);
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: 'accept', properties: d.conflicts.map((c) => c.property) } });
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}

export interface CustomizeInput {
  set?: Record<string, unknown>;
  /** Keys to return to their default (for own values) or to the plan's value (as customer). */
  unset?: string[];
  /** Act as the subscription's customer: only delegated properties, and no lock. */
  asCustomer?: boolean;
}

/**
 * Customize: the administrator sets own values and the subscription is locked. As the customer,
 * only properties delegated by a granted permission may change, and the subscription stays synced.
 */
export function customizeSubscription(ctx: Context, name: string, input: CustomizeInput): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    const e = refresh(ctx, d);
    const set = parseValues(input.set ?? {}, 'subscription');
    const unset = input.unset ?? [];
    for (const key of unset) {
      if (!PROPERTIES.has(key)) throw new InvalidArgumentError(key, `unknown property '${key}'`);
    }
    if (Object.keys(set).length === 0 && unset.length === 0) {
      throw new InvalidArgumentError('set', 'set: nothing to change: give at least one key=value');
    }
    const followsOwn = d.planId === null || d.locked;
    if (input.asCustomer) {
      const granted = followsOwn ? e.desiredValues : e.planValues!;
      for (const key of [...Object.keys(set), ...unset]) {
        if (!isDelegated(granted, key)) {
          const by = PROPERTIES.get(key)!.delegatedBy;
          throw new PermissionDeniedError(
            by ? `${key} is not delegated to the customer: the plan does not grant ${by}` : `${key} cannot be changed by the customer`,
          );
        }
      }
      d.subscriberValues = { ...d.subscriberValues, ...set };
      for (const key of unset) delete d.subscriberValues[key];
      if (followsOwn) {
        d.ownValues = { ...d.ownValues, ...set };
        for (const key of unset) delete d.ownValues[key];
      }
    } else {
      const own = { ...(followsOwn ? d.ownValues! : e.desiredValues), ...set };
      for (const key of unset) delete own[key];
      d.ownValues = own;
      d.locked = d.planId !== null;
    }
    refresh(ctx, d);
    const onBehalfOf = input.asCustomer ? ctx.customers.byId(d.customerId)?.login : undefined;
    ctx.record({ type: 'subscription.updated', entity: d.name, data: { operation: input.asCustomer ? 'customize-as-customer' : 'customize', set: Object.keys(set), unset } }, onBehalfOf);
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}

/** Unlock and Sync: drop own values and follow the plan again; may end unsynced. */
export function unlockSubscription(ctx: Context, name: string): SubscriptionView {
  return ctx.tx(() => {
    const before = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, before.customer_id);
    const d = toData(before);
    if (d.planId === null) {
      throw new FailedPreconditionError(`subscription '${d.name}' is custom: it has no plan to sync with; switch it to a plan instead`);
    }
    d.locked = false;
    d.ownValues = null;
    refresh(ctx, d);
    save(ctx, before, d);
    guard.check();
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(d.id)!);
  });
}
