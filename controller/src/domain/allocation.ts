/**
 * Reseller allocation: what a reseller has handed out — the sums of its customers'
 * subscriptions' values over the reseller plan's totals, and its counts of customers and
 * subscriptions — checked against its plan's limits, and the permission caps a reseller plan puts
 * on its subscriptions. Pure.
 */
import { PERMISSION_KEYS, PROPERTIES, UNLIMITED, formatValue, isResellerPlanKey, withDefaults, type Value, type Values } from '@hostplane/shared';
import type { Conflict, ResellerSyncStatus } from './types.js';

/** The keys of a reseller plan that are totals: summed `limits.*` and the counts of `reseller.*`. */
export const ALLOCATION_KEYS: readonly string[] = [...PROPERTIES.values()]
  .filter((d) => isResellerPlanKey(d.key) && (d.type.kind === 'size' || d.type.kind === 'count'))
  .map((d) => d.key);

function add(a: Value, b: Value): Value {
  return a === UNLIMITED || b === UNLIMITED ? UNLIMITED : (a as number) + (b as number);
}

/**
 * What a reseller has allocated: for each summed limit, the sum over its subscriptions' values
 * (`unlimited` absorbs; a missing value counts as the catalogue default); `reseller.customers` and
 * `reseller.subscriptions` are counts.
 */
export function allocationOf(subscriptionValues: readonly Readonly<Values>[], customerCount: number): Values {
  const out: Values = { 'reseller.customers': customerCount, 'reseller.subscriptions': subscriptionValues.length };
  for (const key of ALLOCATION_KEYS) {
    if (key.startsWith('reseller.')) continue;
    let total: Value = 0;
    for (const values of subscriptionValues) {
      const v = values[key] ?? PROPERTIES.get(key)!.default ?? 0;
      total = add(total, v);
      if (total === UNLIMITED) break;
    }
    out[key] = total;
  }
  return out;
}

/** `a > b` over counts and sizes where `unlimited` is the largest. */
export function exceeds(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined || b === UNLIMITED) return false;
  if (a === UNLIMITED) return true;
  return (a as number) > (b as number);
}

/** A reseller plan's values with its defaults (totals unlimited, no permissions, no oversell). */
export function resellerValues(values: Readonly<Values>): Values {
  return withDefaults(values, 'reseller');
}

export interface Overallocation {
  readonly resource: string;
  readonly limit: Value;
  readonly requested: Value;
}

/**
 * The first total that a change takes beyond the reseller's limit, or null. Only totals that grew
 * count: a reseller already over its plan may still shrink. With `reseller.oversell`, never.
 */
export function overallocation(limits: Readonly<Values>, before: Readonly<Values>, after: Readonly<Values>): Overallocation | null {
  if (limits['reseller.oversell'] === true) return null;
  for (const key of ALLOCATION_KEYS) {
    const requested = after[key];
    if (exceeds(requested, limits[key]) && exceeds(requested, before[key])) return { resource: key, limit: limits[key]!, requested: requested! };
  }
  return null;
}

/** The conflict rows of a reseller whose allocation exceeds its plan (none with oversell). */
export function resellerConflicts(limits: Readonly<Values>, allocation: Readonly<Values>): Conflict[] {
  if (limits['reseller.oversell'] === true) return [];
  const rows: Conflict[] = [];
  for (const key of ALLOCATION_KEYS) {
    const allocated = allocation[key];
    if (!exceeds(allocated, limits[key])) continue;
    rows.push({
      property: key,
      planValue: limits[key] ?? null,
      availableValue: allocated ?? null,
      reason: `${formatValue(key, allocated)} already allocated, beyond the plan's ${formatValue(key, limits[key])}`,
    });
  }
  return rows;
}

/**
 * The effective values of a reseller's subscription: each permission is the AND of the
 * subscription's value and the reseller's, so a permission the reseller plan withholds cannot be
 * granted by the reseller's own plans.
 */
export function capPermissions(values: Readonly<Values>, reseller: Readonly<Values> | null): Values {
  if (!reseller) return { ...values };
  const out: Values = { ...values };
  for (const key of PERMISSION_KEYS) {
    if (out[key] === true && reseller[key] !== true) out[key] = false;
  }
  return out;
}

/** The sync status of a reseller account, with the same rules as a subscription's. */
export function evaluateReseller(
  planValues: Readonly<Values>,
  ownValues: Readonly<Values> | null,
  locked: boolean,
  allocation: Readonly<Values>,
): { effectiveValues: Values; conflicts: Conflict[]; syncStatus: ResellerSyncStatus } {
  const effectiveValues = resellerValues(locked && ownValues ? ownValues : planValues);
  if (locked) return { effectiveValues, conflicts: [], syncStatus: 'locked' };
  const conflicts = resellerConflicts(effectiveValues, allocation);
  return { effectiveValues, conflicts, syncStatus: conflicts.length > 0 ? 'unsynced' : 'synced' };
}
