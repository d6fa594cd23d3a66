/**
 * The pure core of realization: what must change on the host, computed as data from the desired
 * state and the last applied state. The applier carries it out; nothing here touches the disk.
 */
import type { Values } from '@hostplane/shared';
import type { AppliedState } from './state.js';
import type { DesiredDelta, DesiredMap, DesiredSubscription, SubscriptionState } from './types.js';

/** What a subscription's realization depends on: generation, state and values. */
export interface SubscriptionContent {
  readonly generation: number;
  readonly state: SubscriptionState;
  readonly values: Readonly<Values>;
}

/** Every desired name is in exactly one of create, update, unchanged; each bucket sorted by name. */
export interface RealizationDiff {
  /** Desired, never applied. */
  readonly create: readonly DesiredSubscription[];
  /** Desired and applied, with another generation, state or values. */
  readonly update: readonly DesiredSubscription[];
  /** Applied, no longer desired. */
  readonly remove: readonly string[];
  /** Desired and applied with the same content. */
  readonly unchanged: readonly DesiredSubscription[];
}

/** Same keys with strictly equal values (values are canonical), in any key order. */
export function sameValues(a: Readonly<Values>, b: Readonly<Values>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

export function sameContent(a: SubscriptionContent, b: SubscriptionContent): boolean {
  return a.generation === b.generation && a.state === b.state && sameValues(a.values, b.values);
}

/** Compares the desired subscriptions with the applied ones. Pure. */
export function diff(desired: DesiredMap, applied: AppliedState): RealizationDiff {
  const create: DesiredSubscription[] = [];
  const update: DesiredSubscription[] = [];
  const unchanged: DesiredSubscription[] = [];
  for (const sub of desired.values()) {
    const was = applied.subscriptions.get(sub.name);
    if (!was) create.push(sub);
    else if (sameContent(sub, was)) unchanged.push(sub);
    else update.push(sub);
  }
  const remove = [...applied.subscriptions.keys()].filter((name) => !desired.has(name));
  return { create: byName(create), update: byName(update), remove: remove.sort(compareNames), unchanged: byName(unchanged) };
}

/** True when the diff asks for no change at all. */
export function isEmptyDiff(d: RealizationDiff): boolean {
  return d.create.length === 0 && d.update.length === 0 && d.remove.length === 0;
}

/**
 * The contents that result from carrying out `d` on `source`: removals dropped, creations and
 * updates taking their desired content. `applyDiff(a, diff(b, a))` has the content of `b`.
 */
export function applyDiff(source: ReadonlyMap<string, SubscriptionContent>, d: RealizationDiff): Map<string, SubscriptionContent> {
  const out = new Map<string, SubscriptionContent>(source);
  for (const name of d.remove) out.delete(name);
  for (const sub of [...d.create, ...d.update]) out.set(sub.name, contentOf(sub));
  return out;
}

/** The desired subscriptions of a snapshot keyed by name (a repeated name: the last one wins). */
export function desiredMap(subscriptions: readonly DesiredSubscription[]): Map<string, DesiredSubscription> {
  return new Map(subscriptions.map((s) => [s.name, s]));
}

/**
 * Merges a delta into the desired subscriptions: removals first, then upserts, so a name removed and
 * placed again within one delta is kept with its new desired state. Pure: returns a new map.
 */
export function applyDelta(desired: DesiredMap, delta: DesiredDelta): Map<string, DesiredSubscription> {
  const out = new Map(desired);
  for (const name of delta.removals) out.delete(name);
  for (const sub of delta.upserts) out.set(sub.name, sub);
  return out;
}

export function contentOf(s: SubscriptionContent): SubscriptionContent {
  return { generation: s.generation, state: s.state, values: s.values };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(subs: DesiredSubscription[]): DesiredSubscription[] {
  return subs.sort((a, b) => compareNames(a.name, b.name));
}
