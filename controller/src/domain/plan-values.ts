/**
 * Plan values = the plan's values combined with its add-ons' values by the catalogue's combine
 * rules (sum, max, or; `unlimited` absorbs). Order-free: add-ons may come in any order.
 */
import { PROPERTIES, PROPERTY_KEYS, UNLIMITED, withDefaults, type Value, type Values } from '@hostplane/shared';

function combineTwo(key: string, a: Value | undefined, b: Value | undefined): Value | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const def = PROPERTIES.get(key)!;
  switch (def.combine) {
    case 'sum':
      return a === UNLIMITED || b === UNLIMITED ? UNLIMITED : (a as number) + (b as number);
    case 'max':
      return a === UNLIMITED || b === UNLIMITED ? UNLIMITED : Math.max(a as number, b as number);
    case 'or':
      return Boolean(a) || Boolean(b);
    case 'none':
      return a;
  }
}

/** The plan's values (defaults filled in) combined with each add-on's values. */
export function combinePlanValues(plan: Readonly<Values>, addons: readonly Readonly<Values>[]): Values {
  const out = withDefaults(plan);
  if (addons.length === 0) return out;
  for (const key of PROPERTY_KEYS) {
    let v = out[key];
    for (const addon of addons) {
      const a = addon[key];
      if (a === undefined || !PROPERTIES.get(key)!.inAddons) continue;
      v = combineTwo(key, v, a);
    }
    if (v !== undefined) out[key] = v;
  }
  return out;
}
