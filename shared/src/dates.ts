/**
 * Dates as people and API clients write them: ISO 8601, one parser for the CLI's flags and the
 * controller's use cases, so that a date one of them refuses the other refuses too.
 *
 * - `2026-01-31` is 00:00 UTC that day;
 * - `2026-01-31T18:00`, `2026-01-31T18:00:00.250Z`, `2026-01-31 18:00:00+02:00` are date-times
 *   (`T` or a space; seconds and up to nine fraction digits optional, kept to the millisecond);
 * - impossible calendar dates (`2026-02-30`), times (`24:00`, `18:60`, leap second `:60`) and
 *   offsets (`+24:00`) are refused rather than rolled over into the next day or month;
 * - so are instants outside 0001-01-01 … 9999-12-31 UTC, which a protobuf Timestamp cannot carry.
 */
import { InvalidArgumentError } from './errors.js';

export interface IsoDateOptions {
  /**
   * How to read a date-time without `Z` or an offset. `refuse` (the default): the controller does not
   * know its caller's time zone. `local`: the CLI runs in its user's zone and sends the instant.
   */
  readonly withoutOffset?: 'refuse' | 'local';
}

/** The instant, or why there is none: a phrase that follows the quoted text (`'x' is not …`). */
export type IsoDateReading = { readonly date: Date; readonly problem?: undefined } | { readonly date?: undefined; readonly problem: string };

export const ISO_DATE_EXAMPLES = 'an ISO 8601 date (2026-01-31) or date-time (2026-01-31T18:00:00Z)';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))?$/i;
// setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
const FIRST_MS = new Date(0).setUTCFullYear(1, 0, 1);
const LAST_MS = new Date(0).setUTCFullYear(9999, 11, 31) + 86_400_000 - 1;

/** Reads `raw` without throwing; see the module comment for what is accepted. */
export function readIsoDate(raw: string, options: IsoDateOptions = {}): IsoDateReading {
  const text = typeof raw === 'string' ? raw.trim() : '';
  const m = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (!m) return { problem: `is not ${ISO_DATE_EXAMPLES}` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { problem: 'is not a date of the calendar' };
  if (m[4] === undefined) return within(new Date(0).setUTCFullYear(year, month - 1, day));
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return { problem: 'is not a time of day' };
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (m[8] === undefined) {
    if (options.withoutOffset !== 'local') return { problem: 'has no time zone: end it with Z or an offset such as +02:00' };
    const local = new Date(0);
    local.setFullYear(year, month - 1, day);
    local.setHours(hour, minute, second, ms);
    return within(local.getTime());
  }
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return { problem: 'has an offset out of range (-23:59 to +23:59)' };
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return within(utc.getTime() - offsetMinutes * 60_000);
}

/** Parses `raw`; throws InvalidArgumentError naming `field` and quoting the text. */
export function parseIsoDate(raw: string, field: string, options: IsoDateOptions = {}): Date {
  const reading = readIsoDate(raw, options);
  if (reading.problem !== undefined) throw new InvalidArgumentError(field, `${field}: '${raw}' ${reading.problem}`);
  return reading.date;
}

function within(ms: number): IsoDateReading {
  if (ms < FIRST_MS) return { problem: 'is before 0001-01-01 UTC' };
  if (ms > LAST_MS) return { problem: 'is after 9999-12-31 UTC' };
  return { date: new Date(ms) };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
