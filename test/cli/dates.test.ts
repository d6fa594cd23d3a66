/**
 * `--expires` and the controller read dates with one parser: what one refuses the other refuses,
 * and what both accept is the same instant. (The controller once stored 2026-02-30 as 2 March.)
 */
import { InvalidArgumentError as CommanderInvalidArgument } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../cli/src/options.js';
import { parseIsoDate as parseDate } from '@hostplane/shared'; // what the controller reads expiry dates with (futureExpiry)

interface Row {
  rule: string;
  text: string;
  /** The instant both accept, as toISOString(); absent when both refuse. */
  is?: string;
  /** Shown by the CLI after the quoted text when refused. */
  refused?: string;
}

const ROWS: Row[] = [
  { rule: 'a date is midnight UTC on both sides', text: '2026-12-31', is: '2026-12-31T00:00:00.000Z' },
  { rule: 'a date-time with Z is the same instant on both sides', text: '2027-01-31T18:00:00Z', is: '2027-01-31T18:00:00.000Z' },
  { rule: 'a date-time with an offset is the same instant on both sides', text: '2027-01-31T18:00:00+02:00', is: '2027-01-31T16:00:00.000Z' },
  { rule: 'what the API sends (toISOString) is read back unchanged', text: '2031-06-01T00:00:00.000Z', is: '2031-06-01T00:00:00.000Z' },
  { rule: '30 February: both refuse', text: '2026-02-30', refused: 'is not a date of the calendar' },
  { rule: '31 April with a time: both refuse', text: '2026-04-31T12:00:00Z', refused: 'is not a date of the calendar' },
  { rule: 'hour 24: both refuse', text: '2026-06-01T24:00:00Z', refused: 'is not a time of day' },
  { rule: 'after 9999-12-31 UTC: both refuse', text: '9999-12-31T23:00:00-05:00', refused: 'is after 9999-12-31 UTC' },
  { rule: 'day/month/year: both refuse', text: '31/12/2026', refused: 'is not an ISO 8601 date' },
];

describe('the CLI and the controller read dates alike', () => {
  it.each(ROWS)('$rule', (row) => {
    if (row.is !== undefined) {
      expect(parseIsoDate(row.text).toISOString()).toBe(row.is);
      expect(parseDate(row.text, 'expiresAt').toISOString()).toBe(row.is);
      return;
    }
    expect(() => parseIsoDate(row.text)).toThrow(CommanderInvalidArgument);
    expect(() => parseIsoDate(row.text)).toThrow(`'${row.text}' ${row.refused}`);
    expect(() => parseDate(row.text, 'expiresAt')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'expiresAt' }));
  });

  it('the CLI reads a date-time without a zone in its user’s local time; the controller, not knowing it, refuses', () => {
    expect(parseIsoDate('2027-01-31T18:00').getTime()).toBe(new Date(2027, 0, 31, 18, 0).getTime());
    expect(() => parseDate('2027-01-31T18:00', 'expiresAt')).toThrow(expect.objectContaining({ field: 'expiresAt', message: expect.stringContaining('no time zone') }));
  });
});
