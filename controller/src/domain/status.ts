/** The state axis: a subscription is active when its set of suspension reasons is empty, suspended while any is left. */
import { SUSPENSION_REASONS, type SubscriptionState, type SuspensionReason } from './types.js';

export function stateOf(reasons: readonly SuspensionReason[]): SubscriptionState {
  return reasons.length === 0 ? 'active' : 'suspended';
}

/** Reasons in a canonical order, without duplicates. */
export function normalizeReasons(reasons: Iterable<SuspensionReason>): SuspensionReason[] {
  const set = new Set(reasons);
  return SUSPENSION_REASONS.filter((r) => set.has(r));
}

export function addReason(reasons: readonly SuspensionReason[], reason: SuspensionReason): SuspensionReason[] {
  return normalizeReasons([...reasons, reason]);
}

export function removeReason(reasons: readonly SuspensionReason[], reason: SuspensionReason): SuspensionReason[] {
  return reasons.filter((r) => r !== reason);
}
