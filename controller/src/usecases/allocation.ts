/**
 * Reseller allocation in use cases: what a reseller has allocated, re-evaluation of its sync status,
 * and the guard every writer of a reseller's subscriptions runs inside its transaction: without
 * oversell, a change that takes a total beyond the reseller plan is RESOURCE_EXHAUSTED, and the
 * transaction rolls back (nothing written).
 */
import { ResourceExhaustedError, formatValue, withDefaults, type Values } from '@hostplane/shared';
import { allocationOf, combinePlanValues, evaluateReseller, overallocation, transitions, type Conflict } from '../domain/index.js';
import { JsonCache, parseAddonIds, type ResellerRecord } from '../store/index.js';
import type { Context } from './context.js';
import { recordEvents } from './events.js';
import { Lookups } from './reevaluate.js';

/** The reseller's allocation: sums over its customers' subscriptions, and its counts. */
export function allocationFor(ctx: Context, resellerId: number, lookups = new Lookups(ctx)): Values {
  const own = new JsonCache<Values>();
  const values = ctx.subscriptions.bulkByReseller(resellerId).map((row) =>
    row.planId === null || row.locked
      ? withDefaults(own.parse(row.ownValues ?? '{}'))
      : combinePlanValues(
          lookups.plan(row.planId),
          parseAddonIds(row.addonIds).map((id) => lookups.plan(id)),
        ),
  );
  return allocationOf(values, ctx.resellers.counts(resellerId).customers);
}

/** A reseller's plan values, effective values, sync status and conflicts for an allocation. */
export function evaluateResellerRecord(ctx: Context, r: Pick<ResellerRecord, 'planId' | 'ownValues' | 'locked'>, allocation: Values) {
  const plan = ctx.plans.byId(r.planId);
  if (!plan) throw new Error(`plan id ${r.planId} vanished`);
  return { plan, ...evaluateReseller(plan.values, r.ownValues, r.locked, allocation) };
}

/**
 * Re-evaluates a reseller with the given (or current) plan, lock and own values, stores its status
 * and records its transitions. Returns the new status and conflicts.
 */
export function refreshReseller(
  ctx: Context,
  before: ResellerRecord,
  change: Partial<Pick<ResellerRecord, 'planId' | 'ownValues' | 'locked'>> = {},
  allocation = allocationFor(ctx, before.id),
): { syncStatus: ResellerRecord['syncStatus']; conflicts: Conflict[]; allocation: Values } {
  const next = { planId: change.planId ?? before.planId, ownValues: change.ownValues !== undefined ? change.ownValues : before.ownValues, locked: change.locked ?? before.locked };
  const e = evaluateResellerRecord(ctx, next, allocation);
  const conflictsJson = JSON.stringify(e.conflicts);
  const changed =
    next.planId !== before.planId ||
    next.locked !== before.locked ||
    JSON.stringify(next.ownValues) !== JSON.stringify(before.ownValues) ||
    e.syncStatus !== before.syncStatus ||
    conflictsJson !== JSON.stringify(before.conflicts);
  if (changed) {
    ctx.resellers.save(before.id, { ...next, syncStatus: e.syncStatus, conflicts: e.conflicts }, ctx.nowIso());
    recordEvents(ctx, transitions({ kind: 'reseller', name: before.login }, before, { syncStatus: e.syncStatus, conflicts: e.conflicts }));
  }
  return { syncStatus: e.syncStatus, conflicts: e.conflicts, allocation };
}

export interface AllocationGuard {
  /** Refuses (RESOURCE_EXHAUSTED) a change beyond the reseller's remaining allocation; then re-evaluates the reseller. */
  check(): void;
}

const NOOP: AllocationGuard = { check() {} };

/** Takes the reseller's allocation before a change; `check()` after it, in the same transaction. */
export function allocationGuard(ctx: Context, resellerId: number | null | undefined): AllocationGuard {
  if (resellerId === null || resellerId === undefined) return NOOP;
  const before = allocationFor(ctx, resellerId);
  return {
    check() {
      const reseller = ctx.resellers.byId(resellerId);
      if (!reseller) return;
      const after = allocationFor(ctx, resellerId);
      const e = evaluateResellerRecord(ctx, reseller, after);
      const over = overallocation(e.effectiveValues, before, after);
      if (over) {
        throw new ResourceExhaustedError(
          `reseller '${reseller.login}': ${over.resource} would total ${formatValue(over.resource, over.requested)}, ` +
            `beyond its limit of ${formatValue(over.resource, over.limit)} (plan '${e.plan.name}', no oversell)`,
        );
      }
      refreshReseller(ctx, reseller, {}, after);
    },
  };
}

/** The guard for every reseller whose allocation a change of `planId` may move. */
export function planAllocationGuard(ctx: Context, planId: number): AllocationGuard {
  if (!ctx.resellers.any()) return NOOP;
  const guards = ctx.resellers.usingPlan(planId).map((id) => allocationGuard(ctx, id));
  return { check: () => guards.forEach((g) => g.check()) };
}

/** The guard of the reseller owning a customer (none for the provider's customers). */
export function customerAllocationGuard(ctx: Context, customerId: number): AllocationGuard {
  if (!ctx.resellers.any()) return NOOP;
  return allocationGuard(ctx, ctx.customers.byId(customerId)?.resellerId);
}
