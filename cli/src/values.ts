/**
 * Property values between the three forms the CLI handles: the `--set key=value` text users type,
 * the proto `Value` (a `{ $case, value }` oneof with int64 as decimal strings), and the plain JSON
 * of `--json` output (numbers for sizes and counts, `"unlimited"`, booleans, strings).
 * Parsing and display go through the catalogue of @hostplane/shared, so the CLI validates exactly
 * as the controller does and shows values back in the units users type (`10G`, `unlimited`).
 */
import {
  PROPERTIES,
  PROPERTY_KEYS,
  formatValue,
  parseChangeFlags,
  valueFromProto,
  valueToProto,
  type ChangeContext,
  type Value as SharedValue,
} from '@hostplane/shared';
import type { Value } from '@hostplane/proto/hostplane/v1/values.js';

/** A value as `--json` shows it; `null` for an absent value. */
export type JsonValue = number | string | boolean | null;

/** A proto value map as given by the generated code. */
export type ValueMap = { [key: string]: Value };

/** The proto Value of a parsed catalogue value (numbers become int64 decimal strings). */
export function toProtoValue(value: SharedValue): Value {
  return valueToProto(value);
}

/**
 * The plain JSON of a proto Value: an int64 becomes a number when it is a safe integer, else it
 * stays its exact decimal string; `unlimited` becomes `"unlimited"`; a Value with no case, `null`.
 */
export function toJsonValue(value: Value | undefined): JsonValue {
  return valueFromProto(value) ?? null;
}

/** The proto Value of a JSON value as `toJsonValue` produces it (the inverse, for round trips). */
export function fromJsonValue(value: JsonValue): Value {
  if (value === null) return { kind: undefined };
  if (typeof value === 'string' && /^\d+$/.test(value)) return { kind: { $case: 'intValue', value } };
  return toProtoValue(value);
}

/** A JSON object of a proto value map, keys in catalogue order (unknown keys last, sorted). */
export function toJsonValues(map: ValueMap | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const key of orderedKeys(map ?? {})) out[key] = toJsonValue(map?.[key]);
  return out;
}

/** A value for people, in the units the CLI accepts: `10G`, `unlimited`, `true`, `8.2`; `-` when absent. */
export function formatProtoValue(key: string, value: Value | undefined): string {
  const json = toJsonValue(value);
  if (json === null) return '-';
  return formatValue(key, json);
}

/** The keys of the given maps, in catalogue order, then keys the catalogue does not know, sorted. */
export function orderedKeys(...maps: readonly (ValueMap | undefined)[]): string[] {
  const present = new Set<string>();
  for (const map of maps) for (const key of Object.keys(map ?? {})) present.add(key);
  const known = PROPERTY_KEYS.filter((key) => present.has(key));
  const unknown = [...present].filter((key) => !PROPERTIES.has(key)).sort();
  return [...known, ...unknown];
}

/** Where the values go; `any` (a plan update, whose kind the CLI does not know) checks keys only. */
export type SetContext = ChangeContext;

/**
 * Parses repeated `--set key=value` and `--unset key` flags against the catalogue, before any call
 * (the shared change parser), into the proto values the API takes. Throws InvalidArgumentError
 * naming the key: unknown key, bad value, a key given twice, a key both set and unset, or (for
 * add-ons) a key marked "not in add-ons".
 */
export function parseChanges(
  sets: readonly string[],
  unsets: readonly string[] = [],
  context: SetContext = 'any',
): { set: ValueMap; unset: string[] } {
  const changes = parseChangeFlags(sets, unsets, context);
  const set: ValueMap = {};
  for (const [key, value] of Object.entries(changes.set)) set[key] = toProtoValue(value);
  return { set, unset: [...changes.unset] };
}
