/**
 * Parsing and formatting of property values, driven by the catalogue's types.
 * Sizes: `512M`, `10G`, `1T`, `4096` (bytes, binary multiples); counts; `unlimited`; durations
 * (`30d`, `2w`, `6mo`, `1y`); versions `X.Y`; enums; booleans. Every error names the key and value.
 */
import { InvalidArgumentError } from '../errors.js';
import { PROPERTIES, UNLIMITED, isResellerPlanKey, type PropertyDef, type PropertyType, type Value, type Values } from './properties.js';

const SIZE_UNITS = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 } as const;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(?:([KMGTP])(?:i?B)?|B)?$/i;
const DURATION_RE = /^(\d+)(d|w|mo|y)$/;
/** The largest count of each unit: 100 years. */
const MAX_DURATION = { d: 36_525, w: 5_218, mo: 1_200, y: 100 } as const;
const VERSION_RE = /^(\d{1,3})\.(\d{1,3})$/;
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

function show(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : String(raw);
}

function bad(key: string, raw: unknown, expected: string): InvalidArgumentError {
  return new InvalidArgumentError(key, `${key}: invalid value ${show(raw)}: expected ${expected}`);
}

/** Bytes from `512M`, `10G`, `1.5T`, `4096`; throws a plain Error on malformed input. */
export function parseSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new Error(`malformed size '${text}'`);
  const unit = m[2] ? SIZE_UNITS[m[2].toUpperCase() as keyof typeof SIZE_UNITS] : 1;
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes)) throw new Error(`size '${text}' is not a whole number of bytes`);
  return bytes;
}

/** The largest unit that divides the size exactly: 536870912 → `512M`, 1000 → `1000`. */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '0';
  for (const [unit, factor] of Object.entries(SIZE_UNITS).reverse()) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/**
 * A measured size for people: `23.5G`, `78.1G` — the largest unit with a whole part, one decimal
 * (measured bytes seldom divide exactly, and `24684084K` is no help); exact sizes as `formatSize`.
 * Takes the decimal text of an int64 from the wire; `-` when there is none.
 */
export function measuredSize(text: string | undefined): string {
  if (text === undefined) return '-';
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return text;
  for (const [unit, factor] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (n >= factor) return n % factor === 0 ? formatSize(n) : `${(n / factor).toFixed(1)}${unit}`;
  }
  return String(n);
}

/**
 * Adds `months` calendar months, keeping the time of day; a day that does not exist in the target
 * month is clamped to its last day (Jan 31 + 1mo = Feb 28/29, Feb 29 + 1y = Feb 28), as in ISO 8601
 * calendar arithmetic, instead of overflowing into the next month.
 */
function addMonthsUTC(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const d = new Date(from.getTime());
  d.setUTCFullYear(year, month, Math.min(from.getUTCDate(), lastDay));
  return d;
}

/** Adds a duration (`30d`, `2w`, `6mo`, `1y`) to a date, by calendar for months and years (UTC). */
export function addDuration(from: Date, duration: string): Date {
  const m = DURATION_RE.exec(duration.trim());
  if (!m) throw new Error(`malformed duration '${duration}'`);
  const n = Number(m[1]);
  const d = new Date(from.getTime());
  switch (m[2]) {
    case 'd':
      d.setUTCDate(d.getUTCDate() + n);
      return d;
    case 'w':
      d.setUTCDate(d.getUTCDate() + 7 * n);
      return d;
    case 'mo':
      return addMonthsUTC(from, n);
    default:
      return addMonthsUTC(from, 12 * n);
  }
}

/** `unlimited`, ignoring surrounding blanks and case, as the CLI may pass it. */
function isUnlimitedText(raw: unknown): boolean {
  return typeof raw === 'string' && raw.trim().toLowerCase() === UNLIMITED;
}

function parseNumberish(def: PropertyDef, type: PropertyType & { kind: 'size' | 'count' | 'seconds' }, raw: unknown): Value {
  const allowsUnlimited = type.kind !== 'seconds' && type.unlimited;
  const expected =
    type.kind === 'size'
      ? `a size such as 512M, 10G, 1T or bytes${allowsUnlimited ? ", or 'unlimited'" : ''}`
      : `a whole number ≥ 0${allowsUnlimited ? ", or 'unlimited'" : ''}`;
  if (isUnlimitedText(raw)) {
    if (allowsUnlimited) return UNLIMITED;
    throw bad(def.key, raw, expected);
  }
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw >= 0) return raw === 0 ? 0 : raw; // -0 → 0
    throw bad(def.key, raw, expected);
  }
  if (typeof raw !== 'string') throw bad(def.key, raw, expected);
  const text = raw.trim();
  if (type.kind === 'size') {
    try {
      return parseSize(text);
    } catch {
      throw bad(def.key, raw, expected);
    }
  }
  const m = type.kind === 'seconds' ? /^(\d+)s?$/.exec(text) : /^(\d+)$/.exec(text);
  if (!m) throw bad(def.key, raw, expected);
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n)) throw bad(def.key, raw, expected);
  return n;
}

/**
 * Parses and validates one value for `key`. Accepts the CLI's strings and the API's typed values
 * (numbers, booleans). Throws InvalidArgumentError naming the key and the value.
 */
export function parseValue(key: string, raw: unknown): Value {
  const def = PROPERTIES.get(key);
  if (!def) throw new InvalidArgumentError(key, `unknown property '${key}' (value ${show(raw)})`);
  const type = def.type;
  switch (type.kind) {
    case 'size':
    case 'count':
    case 'seconds':
      return parseNumberish(def, type, raw);
    case 'duration': {
      if (isUnlimitedText(raw) && type.unlimited) return UNLIMITED;
      const m = typeof raw === 'string' ? DURATION_RE.exec(raw.trim()) : null;
      const n = m ? Number(m[1]) : 0;
      // Canonical form (`030d` → `30d`), so that equal durations compare equal; zero is refused.
      // At most 100 years: a date computed from it stays a real date (far below 9999-12-31).
      if (m && n > 0 && Number.isSafeInteger(n) && n <= MAX_DURATION[m[2] as keyof typeof MAX_DURATION]) return `${n}${m[2]}`;
      throw bad(key, raw, "a duration of at most 100 years such as 30d, 2w, 6mo, 1y, or 'unlimited'");
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      if (text !== undefined && TRUE_WORDS.has(text)) return true;
      if (text !== undefined && FALSE_WORDS.has(text)) return false;
      throw bad(key, raw, 'true or false');
    }
    case 'version': {
      // Canonical form (`08.02` → `8.2`): feasibility compares it with the host's X.Y versions.
      const m = typeof raw === 'string' ? VERSION_RE.exec(raw.trim()) : null;
      if (m) return `${Number(m[1])}.${Number(m[2])}`;
      throw bad(key, raw, 'a version X.Y such as 8.2');
    }
    case 'enum': {
      if (typeof raw === 'string' && type.values.includes(raw.trim())) return raw.trim();
      throw bad(key, raw, `one of ${type.values.join(', ')}`);
    }
  }
}

/** Formats a value for people, in the units the CLI accepts (`512M`, `unlimited`, `true`). */
export function formatValue(key: string, value: Value | undefined): string {
  if (value === undefined) return '';
  const def = PROPERTIES.get(key);
  if (def?.type.kind === 'size' && typeof value === 'number') return formatSize(value);
  return String(value);
}

/** Parses a `key=value` assignment as given to `--set`. */
export function parseAssignment(text: string): [key: string, value: Value] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('set', `set: expected key=value, got '${text}'`);
  const key = text.slice(0, eq).trim();
  return [key, parseValue(key, text.slice(eq + 1))];
}

export type ValuesContext = 'plan' | 'addon' | 'subscription' | 'reseller';

/**
 * Refuses a key that the context cannot carry: `reseller.*` outside reseller plans and accounts;
 * in a reseller plan, any key that is not a total, a permission or `reseller.*`; for add-ons, a key
 * marked "not in add-ons". Throws InvalidArgumentError naming the key.
 */
export function checkKeyContext(key: string, context: ValuesContext): void {
  const def = PROPERTIES.get(key);
  if (!def) return;
  if (context === 'reseller') {
    if (!isResellerPlanKey(key)) {
      throw new InvalidArgumentError(
        key,
        `${key} cannot be set by a reseller plan: a reseller plan carries totals (summed limits.*), permissions.* and reseller.*`,
      );
    }
    return;
  }
  if (def.scope === 'reseller') {
    throw new InvalidArgumentError(key, `${key} can only be set by a reseller plan or a reseller account, not by ${context === 'addon' ? 'an add-on plan' : context === 'plan' ? 'a service plan' : 'a subscription'}`);
  }
  if (context === 'addon' && !def.inAddons) throw new InvalidArgumentError(key, `${key} cannot be set by an add-on plan`);
}

/**
 * Validates a whole map of raw values: every key known, every value well-typed, and for add-ons no
 * key marked "not in add-ons". Returns the parsed map; throws on the first bad entry.
 */
export function parseValues(raw: Readonly<Record<string, unknown>>, context: ValuesContext = 'plan'): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(raw)) {
    const parsed = parseValue(key, value);
    checkKeyContext(key, context);
    out[key] = parsed;
  }
  return out;
}

/** Values compare equal when both unset or strictly equal (values are canonical after parsing). */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  return a === b;
}
