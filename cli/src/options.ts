/**
 * Parsers of flag values, run by commander before any call: a bad value is a usage error (exit 2)
 * naming the flag. Property values (`--set`) are parsed by values.ts against the catalogue.
 */
import { readIsoDate } from '@hostplane/shared';
import { InvalidArgumentError as CommanderInvalidArgument } from 'commander';

/** Accumulates a repeatable flag (`--set a=1 --set b=2`, `--addon A --addon B`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * An ISO 8601 date (`2026-01-31`, taken as 00:00 UTC that day) or date-time (`2026-01-31T18:00`,
 * with `Z` or an offset; without one, the user's local time). The controller's parser (shared/),
 * so impossible dates (`2026-02-30`) are refused here as they are there.
 */
export function parseIsoDate(text: string): Date {
  const reading = readIsoDate(text, { withoutOffset: 'local' });
  if (reading.problem !== undefined) throw new CommanderInvalidArgument(`'${text}' ${reading.problem}.`);
  return reading.date;
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
/** The bounds of a join token's validity, as the controller enforces them. */
export const JOIN_TTL_MIN_SECONDS = 60;
export const JOIN_TTL_MAX_SECONDS = 7 * 86_400;

export function parseTtl(text: string): number {
  const m = /^(\d+)([smhd])?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * DURATION_UNITS[(m[2] ?? 's') as keyof typeof DURATION_UNITS] : NaN;
  if (!m || !Number.isSafeInteger(seconds)) throw new CommanderInvalidArgument(`'${text}' is not a duration such as 900, 30m, 2h or 1d.`);
  if (seconds < JOIN_TTL_MIN_SECONDS || seconds > JOIN_TTL_MAX_SECONDS) {
    throw new CommanderInvalidArgument(`'${text}' is not between 1m and 7d (a join token is valid for 1 minute to 7 days).`);
  }
  return seconds;
}
