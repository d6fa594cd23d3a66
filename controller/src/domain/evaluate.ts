/**
 * Evaluation of one subscription: plan values → desired values → feasibility on its host → sync
 * status. Pure; the use cases load the inputs, call this, and store the result.
 */
import type { CapabilityReport } from '@hostplane/shared';
import { delegatedSubscriberValues, desiredFromOwn, desiredFromPlan } from './desired.js';
import { capPermissions } from './allocation.js';
import { checkFeasibility } from './feasibility.js';
import { combinePlanValues } from './plan-values.js';
import type { Evaluation, SubscriptionInput, SyncStatus } from './types.js';

export function syncStatusOf(hasPlan: boolean, locked: boolean, conflictCount: number): SyncStatus {
  if (!hasPlan) return 'custom';
  if (locked) return 'locked';
  return conflictCount > 0 ? 'unsynced' : 'synced';
}

export function evaluateSubscription(input: SubscriptionInput, report: CapabilityReport | null): Evaluation {
  const cap = input.permissionCap ?? null;
  const combined = input.planValues ? combinePlanValues(input.planValues, input.addonValues) : null;
  const planValues = combined && cap ? capPermissions(combined, cap) : combined;
  const followsOwn = planValues === null || input.locked;
  if (followsOwn && !input.ownValues) throw new Error('a locked or custom subscription needs own values');
  const subscriberValues = planValues && !followsOwn ? delegatedSubscriberValues(planValues, input.subscriberValues) : { ...input.subscriberValues };
  const desiredValues = followsOwn ? capPermissions(desiredFromOwn(input.ownValues!), cap) : desiredFromPlan(planValues!, subscriberValues);
  const { providedValues, conflicts } = checkFeasibility(desiredValues, report, input.currentProvided);
  return {
    planValues,
    desiredValues,
    providedValues,
    conflicts,
    syncStatus: syncStatusOf(planValues !== null, input.locked, conflicts.length),
    subscriberValues,
  };
}
