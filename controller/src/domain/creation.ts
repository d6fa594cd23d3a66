/**
 * What a new subscription starts with: locked or not, its own values, its expiry date and its
 * suspension reasons. Pure; the use case checks the request, places the subscription between the
 * two steps (placement reads the values, not the dates), evaluates it and stores it.
 */
import { UNLIMITED, addDuration, type Values } from '@hostplane/shared';
import { desiredFromPlan } from './desired.js';
import { withOwnerReason, type OwnerStates } from './owner-suspension.js';
import { addReason } from './status.js';
import type { SuspensionReason } from './types.js';

export interface StartingValues {
  readonly locked: boolean;
  /** Own values: a custom subscription's values, or its plan's customized; null when it follows its plan. */
  readonly ownValues: Values | null;
  /** What it asks for: its own values when it has some, else its plan's. Placement and the default expiry read them. */
  readonly requestedValues: Values;
}

/**
 * A subscription given values on top of its plan is locked (customized from the start), its own
 * values being the plan's with those values over them. A custom subscription (`planValues` null)
 * has the given values as its own.
 */
export function startingValues(planValues: Readonly<Values> | null, values: Readonly<Values>): StartingValues {
  const locked = planValues !== null && Object.keys(values).length > 0;
  const ownValues = planValues === null ? { ...values } : locked ? { ...desiredFromPlan(planValues, {}), ...values } : null;
  return { locked, ownValues, requestedValues: ownValues ?? { ...planValues! } };
}

export interface StartingStateInput {
  readonly requestedValues: Readonly<Values>;
  /** The expiry date given at creation, or null. */
  readonly expiresAt: Date | null;
  readonly now: Date;
  readonly owners: OwnerStates;
}

export interface StartingState {
  /** ISO 8601, or null: it never expires. */
  readonly expiresAt: string | null;
  readonly suspensionReasons: SuspensionReason[];
}

/**
 * Without an expiry date, `limits.validity` decides it (none when unlimited or unset). A new
 * subscription starts suspended for `customer` when one of its owners is suspended, and for
 * `expired` when its expiry date is already past.
 */
export function startingState(input: StartingStateInput): StartingState {
  const { now } = input;
  let expiresAt: string | null = null;
  if (input.expiresAt !== null) {
    expiresAt = input.expiresAt.toISOString();
  } else {
    const validity = input.requestedValues['limits.validity'];
    if (typeof validity === 'string' && validity !== UNLIMITED) expiresAt = addDuration(now, validity).toISOString();
  }
  let suspensionReasons = withOwnerReason([], input.owners);
  if (expiresAt !== null && expiresAt <= now.toISOString()) suspensionReasons = addReason(suspensionReasons, 'expired');
  return { expiresAt, suspensionReasons };
}
