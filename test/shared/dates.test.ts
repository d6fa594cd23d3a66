/** The one ISO 8601 date parser (shared/), used by the CLI's flags and the controller's use cases. */
import { describe, expect, it } from 'vitest';
import { parseIsoDate, readIsoDate, type IsoDateOptions } from '@hostplane/shared';
import { expectInvalid } from './helpers.js';

interface Row {
  rule: string;
  text: string;
  /** The instant, as toISOString(); or the phrase of the refusal. */
  is?: string;
  refused?: string;
  options?: IsoDateOptions;
}

const ROWS: Row[] = [
  // ---- dates ----
  { rule: 'a date alone is midnight UTC', text: '2026-01-31', is: '2026-01-31T00:00:00.000Z' },
  { rule: 'surrounding blanks are ignored', text: '  2026-01-31 ', is: '2026-01-31T00:00:00.000Z' },
  { rule: '29 February of a leap year is a date', text: '2028-02-29', is: '2028-02-29T00:00:00.000Z' },
  { rule: '29 February 2000 (divisible by 400) is a date', text: '2000-02-29', is: '2000-02-29T00:00:00.000Z' },
  { rule: '30 February is refused, not rolled over to 2 March', text: '2026-02-30', refused: 'is not a date of the calendar' },
  { rule: '29 February of a common year is refused', text: '2027-02-29', refused: 'is not a date of the calendar' },
  { rule: '29 February 1900 (divisible by 100, not 400) is refused', text: '1900-02-29', refused: 'is not a date of the calendar' },
  { rule: '31 April is refused', text: '2026-04-31', refused: 'is not a date of the calendar' },
  { rule: 'month 13 is refused', text: '2026-13-01', refused: 'is not a date of the calendar' },
  { rule: 'month 0 is refused', text: '2026-00-10', refused: 'is not a date of the calendar' },
  { rule: 'day 0 is refused', text: '2026-01-00', refused: 'is not a date of the calendar' },
  { rule: 'a year below 100 is that year, not 19xx', text: '0099-03-01', is: new Date(new Date(0).setUTCFullYear(99, 2, 1)).toISOString() },
  { rule: 'the first day a Timestamp carries is accepted', text: '0001-01-01', is: '0001-01-01T00:00:00.000Z' },
  { rule: 'year 0 is refused', text: '0000-12-31', refused: 'is before 0001-01-01 UTC' },
  { rule: 'the last day a Timestamp carries is accepted', text: '9999-12-31', is: '9999-12-31T00:00:00.000Z' },

  // ---- date-times ----
  { rule: 'Z is UTC', text: '2027-01-31T18:00:00Z', is: '2027-01-31T18:00:00.000Z' },
  { rule: 'a lower-case t and z are accepted', text: '2027-01-31t18:00:00z', is: '2027-01-31T18:00:00.000Z' },
  { rule: 'a space may separate date and time', text: '2027-01-31 18:00Z', is: '2027-01-31T18:00:00.000Z' },
  { rule: 'seconds are optional', text: '2027-01-31T18:00Z', is: '2027-01-31T18:00:00.000Z' },
  { rule: 'an offset gives the same instant in UTC', text: '2027-01-31T18:00:00+02:00', is: '2027-01-31T16:00:00.000Z' },
  { rule: 'an offset may omit its colon', text: '2027-01-31T18:00:00-0530', is: '2027-01-31T23:30:00.000Z' },
  { rule: 'an offset may cross midnight into the day before', text: '2027-03-01T01:00:00+02:00', is: '2027-02-28T23:00:00.000Z' },
  { rule: 'fractions are kept to the millisecond', text: '2027-01-31T18:00:00.123456789Z', is: '2027-01-31T18:00:00.123Z' },
  { rule: 'a short fraction is tenths', text: '2027-01-31T18:00:00.5Z', is: '2027-01-31T18:00:00.500Z' },
  { rule: 'the last millisecond of 9999 is accepted', text: '9999-12-31T23:59:59.999Z', is: '9999-12-31T23:59:59.999Z' },
  { rule: 'an impossible date is refused with a time too', text: '2026-02-30T12:00:00Z', refused: 'is not a date of the calendar' },
  { rule: 'hour 24 is refused, not rolled over to the next day', text: '2026-06-01T24:00:00Z', refused: 'is not a time of day' },
  { rule: 'minute 60 is refused', text: '2026-06-01T18:60Z', refused: 'is not a time of day' },
  { rule: 'a leap second is refused (a Date cannot hold it)', text: '2026-06-30T23:59:60Z', refused: 'is not a time of day' },
  { rule: 'an offset of 24 hours is refused', text: '2026-06-01T12:00:00+24:00', refused: 'has an offset out of range' },
  { rule: 'an offset of 60 minutes is refused', text: '2026-06-01T12:00:00+01:60', refused: 'has an offset out of range' },
  { rule: 'past 9999-12-31 UTC once the offset is applied is refused', text: '9999-12-31T23:00:00-05:00', refused: 'is after 9999-12-31 UTC' },
  { rule: 'before 0001-01-01 UTC once the offset is applied is refused', text: '0001-01-01T01:00:00+02:00', refused: 'is before 0001-01-01 UTC' },
  { rule: 'without Z or an offset, refused by default (the zone is the caller’s, not ours)', text: '2027-01-31T18:00', refused: 'has no time zone' },
  {
    rule: 'without Z or an offset, local time when asked (the CLI)',
    text: '2027-01-31T18:00',
    options: { withoutOffset: 'local' },
    is: new Date(2027, 0, 31, 18, 0).toISOString(),
  },
  { rule: 'a date alone is midnight UTC even where local time is allowed', text: '2027-01-31', options: { withoutOffset: 'local' }, is: '2027-01-31T00:00:00.000Z' },

  // ---- not ISO 8601 ----
  { rule: 'empty is refused', text: '', refused: 'is not an ISO 8601 date' },
  { rule: 'day/month/year is refused', text: '31/12/2026', refused: 'is not an ISO 8601 date' },
  { rule: 'words are refused', text: 'next week', refused: 'is not an ISO 8601 date' },
  { rule: 'one-digit month and day are refused', text: '2026-1-5', refused: 'is not an ISO 8601 date' },
  { rule: 'trailing text is refused', text: '2026-01-31garbage', refused: 'is not an ISO 8601 date' },
  { rule: 'a six-digit year is refused', text: '+010000-01-01T00:00:00Z', refused: 'is not an ISO 8601 date' },
  { rule: 'an hour without minutes is refused', text: '2026-01-31T18Z', refused: 'is not an ISO 8601 date' },
];

describe('readIsoDate', () => {
  it.each(ROWS)('$rule', (row) => {
    const reading = readIsoDate(row.text, row.options);
    if (row.is !== undefined) {
      expect(reading.problem).toBeUndefined();
      expect(reading.date!.toISOString()).toBe(row.is);
    } else {
      expect(reading.date).toBeUndefined();
      expect(reading.problem).toContain(row.refused);
    }
  });
});

describe('parseIsoDate', () => {
  it('returns the instant', () => {
    expect(parseIsoDate('2026-01-31', 'expiresAt')).toEqual(new Date('2026-01-31T00:00:00Z'));
  });

  it('refuses with InvalidArgumentError naming the field and quoting the text', () => {
    const err = expectInvalid(() => parseIsoDate('2026-02-30', 'expiresAt'), 'expiresAt', "'2026-02-30'", 'calendar');
    expect(err.message).toBe("expiresAt: '2026-02-30' is not a date of the calendar");
  });

  it('refuses a value that is not a string as not ISO 8601', () => {
    expectInvalid(() => parseIsoDate(42 as unknown as string, 'expiresAt'), 'expiresAt', 'ISO 8601');
  });
});
