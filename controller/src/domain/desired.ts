/**
 * Desired values: what a subscription should have. Plan values with the subscriber's values over the
 * properties whose delegating permission the plan grants; for a locked or custom subscription, its
 * own values.
 */
import { PROPERTIES, withDefaults, type Values } from '@hostplane/shared';

/** True when `values` grant the permission that delegates `key` to the subscriber. */
export function isDelegated(values: Readonly<Values>, key: string): boolean {
  const by = PROPERTIES.get(key)?.delegatedBy;
  return by !== undefined && values[by] === true;
}

/** The subscriber values whose permission is still granted by `values`. */
export function delegatedSubscriberValues(values: Readonly<Values>, subscriberValues: Readonly<Values>): Values {
  const out: Values = {};
  for (const [key, v] of Object.entries(subscriberValues)) {
    if (isDelegated(values, key)) out[key] = v;
  }
  return out;
}

export function desiredFromPlan(planValues: Readonly<Values>, subscriberValues: Readonly<Values>): Values {
  return { ...planValues, ...delegatedSubscriberValues(planValues, subscriberValues) };
}

/**
 * Own values of a locked/custom subscription, completed with catalogue defaults. The customer's
 * changes to such a subscription are written into its own values directly (last writer wins).
 */
export function desiredFromOwn(ownValues: Readonly<Values>): Values {
  return withDefaults(ownValues);
}
