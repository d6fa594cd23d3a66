/**
 * Changes to a map of property values: keys to set, with their parsed values, and keys to unset.
 * One parser for every place that takes them — the API's `set` map and `unset` list (Update & Sync
 * of a plan, Customize of a subscription or a reseller) and the CLI's repeated `--set key=value`
 * and `--unset key` flags — and one way to apply them.
 *
 * Both forms refuse an unknown key, a bad value and a key the context cannot carry, naming the key.
 * The flags add what only flags can get wrong: a missing `=`, a key given twice, and a key both set
 * and unset (the API's map cannot repeat a key; a key in both of its lists ends unset).
 */
import { InvalidArgumentError } from '../errors.js';
import { shown } from '../names.js';
import { checkKeyContext, parseAssignment, parseValue, type ValuesContext } from './parse.js';
import { PROPERTIES, type Value, type Values } from './properties.js';

export interface Changes {
  readonly set: Values;
  readonly unset: readonly string[];
}

/** Where the values go; `any` (a plan update whose kind the CLI does not know) checks keys only. */
export type ChangeContext = ValuesContext | 'any';

/** Changes as the API takes them: raw values by key (strings or typed values), and keys. */
export interface ChangeInput {
  readonly set?: Readonly<Record<string, unknown>>;
  readonly unset?: readonly string[];
}

function put(set: Values, key: string, value: Value, context: ChangeContext): void {
  if (Object.hasOwn(set, key)) throw new InvalidArgumentError(key, `${key}: given twice with --set`);
  if (context !== 'any') checkKeyContext(key, context);
  set[key] = value;
}

/**
 * Parses the API's changes. With `required`, no change at all is refused (Customize: there is
 * nothing to lock the subscription or reseller for).
 */
export function parseChanges(input: ChangeInput, context: ChangeContext, options: { readonly required?: boolean } = {}): Changes {
  // Bounded before anything is parsed: there are no more keys than the catalogue has.
  const entries = Object.entries(input.set ?? {});
  if (entries.length > PROPERTIES.size) throw new InvalidArgumentError('set', `set: ${entries.length} keys; the catalogue has ${PROPERTIES.size}`);
  if ((input.unset?.length ?? 0) > PROPERTIES.size) throw new InvalidArgumentError('unset', `unset: ${input.unset!.length} keys; the catalogue has ${PROPERTIES.size}`);
  const set: Values = {};
  for (const [key, raw] of entries) put(set, key, parseValue(key, raw), context);
  const unset = [...new Set(input.unset ?? [])];
  for (const key of unset) {
    if (!PROPERTIES.has(key)) throw new InvalidArgumentError(key, `unknown property '${shown(key)}'`);
    if (Object.hasOwn(set, key)) throw new InvalidArgumentError(key, `${key}: both set and unset`);
  }
  if (options.required && Object.keys(set).length === 0 && unset.length === 0) {
    throw new InvalidArgumentError('set', 'set: nothing to change: give at least one key=value');
  }
  return { set, unset };
}

/** Parses repeated `--set key=value` and `--unset key` flags, before any call. */
export function parseChangeFlags(sets: readonly string[], unsets: readonly string[] = [], context: ChangeContext = 'any'): Changes {
  const set: Values = {};
  for (const text of sets) {
    const [key, value] = parseAssignment(text);
    put(set, key, value, context);
  }
  const unset: string[] = [];
  for (const raw of unsets) {
    const key = raw.trim();
    if (!PROPERTIES.has(key)) throw new InvalidArgumentError(key, `unknown property '${key}' given to --unset`);
    if (Object.hasOwn(set, key)) throw new InvalidArgumentError(key, `${key}: both set and unset`);
    if (!unset.includes(key)) unset.push(key);
  }
  return { set, unset };
}

/** `values` changed: set keys take their new values, then unset keys are removed. */
export function applyChanges(values: Readonly<Values>, changes: Changes): Values {
  const out = { ...values, ...changes.set };
  for (const key of changes.unset) delete out[key];
  return out;
}
