/** Applying the domain's `customer`-reason rule to a customer's subscriptions after its owners changed state. */
import { withOwnerReason, type OwnerStates } from '../domain/index.js';
import { editable, formatReasons } from '../store/index.js';
import type { Context, RevisionBumper } from './context.js';
import { save } from './persist.js';

/**
 * Brings the `customer` reason of each subscription of a customer in line with `owners`, saving the
 * subscriptions whose reasons change (each then has a new generation and records its transition).
 * Returns how many subscriptions the customer has.
 */
export function applyOwnerStates(ctx: Context, customerId: number, owners: OwnerStates, bumper: RevisionBumper): number {
  const rows = ctx.subscriptions.byCustomer(customerId);
  for (const row of rows) {
    const d = editable(row);
    d.suspensionReasons = withOwnerReason(d.suspensionReasons, owners);
    if (formatReasons(d.suspensionReasons) !== formatReasons(row.suspensionReasons)) save(ctx, row, d, bumper);
  }
  return rows.length;
}
