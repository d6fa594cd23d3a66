/**
 * Parsers of flag values, run by commander before any call: a bad value is a usage error (exit 2)
 * naming the flag. Property values (`--set`) are parsed by values.ts against the catalogue.
 */
import { InvalidArgumentError as CommanderInvalidArgument } from 'commander';

/** Accumulates a repeatable flag (`--set a=1 --set b=2`, `--addon A --addon B`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 date (`2026-01-31`, taken as 00:00 UTC that day) or date-time (`2026-01-31T18:00`,
 * with `Z` or an offset; without one, local time). Impossible dates (`2026-02-30`) are refused.
 */
export function parseIsoDate(text: string): Date {
  const raw = text.trim();
  const date = ISO_DATE.exec(raw);
  const dateTime = date ? null : ISO_DATE_TIME.exec(raw);
  const m = date ?? dateTime;
  if (!m) throw new CommanderInvalidArgument(`'${text}' is not an ISO 8601 date (2026-01-31) or date-time (2026-01-31T18:00:00Z).`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new CommanderInvalidArgument(`'${text}' is not a date of the calendar.`);
  }
  if (date) return probe;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw new CommanderInvalidArgument(`'${text}' is not a time of day.`);
  const parsed = new Date(raw.replace(' ', 'T'));
  if (Number.isNaN(parsed.getTime())) throw new CommanderInvalidArgument(`'${text}' is not an ISO 8601 date-time.`);
  return parsed;
}

/** A whole number ≥ 0, kept as the decimal string int64 fields take (`--expected-version 3`). */
export function parseInt64(text: string): string {
  const raw = text.trim();
  if (!/^\d{1,19}$/.test(raw) || BigInt(raw) > 9223372036854775807n) {
    throw new CommanderInvalidArgument(`'${text}' is not a whole number ≥ 0.`);
  }
  return BigInt(raw).toString();
}

/** A whole number ≥ 1 that fits a 32-bit field (`--limit 50`). */
export function parsePositiveInt(text: string): number {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) {
    throw new CommanderInvalidArgument(`'${text}' is not a whole number ≥ 1.`);
  }
  return n;
}

/** Seconds > 0, possibly fractional (`--timeout 90`). */
export function parseSeconds(text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CommanderInvalidArgument(`'${text}' is not a number of seconds > 0.`);
  return n;
}

const DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A duration for a token's lifetime: `90` (seconds), `30m`, `2h`, `1d`; in whole seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)([smhd])?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * DURATION_UNITS[(m[2] ?? 's') as keyof typeof DURATION_UNITS] : NaN;
  if (!m || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > 2_147_483_647) {
    throw new CommanderInvalidArgument(`'${text}' is not a duration such as 900, 30m, 2h or 1d.`);
  }
  return seconds;
}
