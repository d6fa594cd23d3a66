/**
 * The `customer` suspension reason follows the subscription's owners: a subscription has it exactly
 * when its customer, or the reseller that owns the customer, is suspended. Suspending or activating
 * either changes that reason only: individual suspensions (`manual`, `expired`, ...) survive. Pure.
 */
import { addReason, removeReason } from './status.js';
import type { SuspensionReason } from './types.js';

/** The states that decide the `customer` reason. A customer of the provider has no reseller. */
export interface OwnerStates {
  readonly customerSuspended: boolean;
  readonly resellerSuspended: boolean;
}

/** The subscription's reasons with `customer` present exactly when one of its owners is suspended. */
export function withOwnerReason(reasons: readonly SuspensionReason[], owners: OwnerStates): SuspensionReason[] {
  return owners.customerSuspended || owners.resellerSuspended ? addReason(reasons, 'customer') : removeReason(reasons, 'customer');
}
