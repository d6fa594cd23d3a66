/**
 * A subscription's values: Sync (report), Accept (the seed's OK), Customize (admin or as customer),
 * Unlock and Sync.
 */
import { FailedPreconditionError, InvalidArgumentError, PermissionDeniedError, PROPERTIES, applyChanges, parseChanges } from '@hostplane/shared';
import { conflictsFingerprint, isDelegated, type Conflict, type SyncStatus } from '../domain/index.js';
import { editable } from '../store/index.js';
import type { Context } from './context.js';
import { findSubscription } from './lookup.js';
import { mutateSubscription } from './mutate-subscription.js';
import { refresh, save } from './persist.js';
import type { SubscriptionView } from './views.js';

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
    const d = editable(before);
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
  return mutateSubscription(ctx, name, ({ d, evaluate }) => {
    const e = evaluate();
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
    return { update: { operation: 'accept', properties: d.conflicts.map((c) => c.property) } };
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
  return mutateSubscription(ctx, name, ({ d, evaluate }) => {
    const e = evaluate();
    const changes = parseChanges(input, 'subscription', { required: true });
    const update = { set: Object.keys(changes.set), unset: changes.unset };
    const followsOwn = d.planId === null || d.locked;
    if (!input.asCustomer) {
      d.ownValues = applyChanges(followsOwn ? d.ownValues! : e.desiredValues, changes);
      d.locked = d.planId !== null;
      return { update: { operation: 'customize', ...update } };
    }
    const granted = followsOwn ? e.desiredValues : e.planValues!;
    for (const key of [...update.set, ...update.unset]) {
      if (!isDelegated(granted, key)) {
        const by = PROPERTIES.get(key)!.delegatedBy;
        throw new PermissionDeniedError(
          by ? `${key} is not delegated to the customer: the plan does not grant ${by}` : `${key} cannot be changed by the customer`,
        );
      }
    }
    d.subscriberValues = applyChanges(d.subscriberValues, changes);
    if (followsOwn) d.ownValues = applyChanges(d.ownValues ?? {}, changes);
    return { update: { operation: 'customize-as-customer', ...update }, onBehalfOf: ctx.customers.byId(d.customerId)?.login };
  });
}

/** Unlock and Sync: drop own values and follow the plan again; may end unsynced. */
export function unlockSubscription(ctx: Context, name: string): SubscriptionView {
  return mutateSubscription(ctx, name, ({ d }) => {
    if (d.planId === null) {
      throw new FailedPreconditionError(`subscription '${d.name}' is custom: it has no plan to sync with; switch it to a plan instead`);
    }
    if (!d.locked) {
      throw new FailedPreconditionError(`subscription '${d.name}' is not locked: there is nothing to unlock ('hostplane sub sync ${d.name}' checks it against its host again)`);
    }
    d.locked = false;
    d.ownValues = null;
    return undefined; // its transition events (unlocked, then synced or unsynced) say what it did
  });
}
