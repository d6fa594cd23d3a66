import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDuration, parseValue } from '@hostplane/shared';

const at = (iso: string) => new Date(iso);

describe('addDuration', () => {
  it.each([
    // days and weeks: exact multiples of 24 h in UTC
    ['2024-01-01T00:00:00.000Z', '30d', '2024-01-31T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', '1d', '2024-01-02T00:00:00.000Z'],
    ['2024-02-01T00:00:00.000Z', '30d', '2024-03-02T00:00:00.000Z'], // leap February has 29 days
    ['2023-02-01T00:00:00.000Z', '30d', '2023-03-03T00:00:00.000Z'],
    ['2024-12-25T10:00:00.000Z', '10d', '2025-01-04T10:00:00.000Z'],
    ['2024-03-30T12:00:00.000Z', '1d', '2024-03-31T12:00:00.000Z'], // no DST in UTC
    ['2024-01-01T00:00:00.000Z', '2w', '2024-01-15T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', '52w', '2024-12-30T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', '365d', '2024-12-31T00:00:00.000Z'], // 2024 is a leap year
    // months: by calendar
    ['2024-01-15T00:00:00.000Z', '1mo', '2024-02-15T00:00:00.000Z'],
    ['2024-03-15T13:45:30.123Z', '1mo', '2024-04-15T13:45:30.123Z'], // time of day kept
    ['2024-12-15T00:00:00.000Z', '1mo', '2025-01-15T00:00:00.000Z'], // year rollover
    ['2024-01-01T00:00:00.000Z', '6mo', '2024-07-01T00:00:00.000Z'],
    ['2024-07-01T00:00:00.000Z', '6mo', '2025-01-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', '24mo', '2026-01-01T00:00:00.000Z'],
    // months: a day that does not exist in the target month is clamped to its last day
    ['2024-01-31T00:00:00.000Z', '1mo', '2024-02-29T00:00:00.000Z'],
    ['2023-01-31T08:30:00.000Z', '1mo', '2023-02-28T08:30:00.000Z'],
    ['2024-03-31T00:00:00.000Z', '1mo', '2024-04-30T00:00:00.000Z'],
    ['2024-08-31T00:00:00.000Z', '6mo', '2025-02-28T00:00:00.000Z'],
    ['2024-11-30T00:00:00.000Z', '3mo', '2025-02-28T00:00:00.000Z'],
    ['2024-05-31T00:00:00.000Z', '1mo', '2024-06-30T00:00:00.000Z'],
    ['2024-01-31T00:00:00.000Z', '2mo', '2024-03-31T00:00:00.000Z'],
    // years: by calendar
    ['2024-06-15T09:00:00.000Z', '1y', '2025-06-15T09:00:00.000Z'],
    ['2023-03-01T00:00:00.000Z', '1y', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', '1y', '2025-02-28T00:00:00.000Z'], // clamped
    ['2024-02-29T00:00:00.000Z', '4y', '2028-02-29T00:00:00.000Z'],
    ['2024-12-31T23:59:59.999Z', '1y', '2025-12-31T23:59:59.999Z'],
  ])('%s + %s = %s', (from, duration, expected) => {
    expect(addDuration(at(from), duration).toISOString()).toBe(expected);
  });

  it('does not modify its argument', () => {
    const from = at('2024-01-31T00:00:00.000Z');
    addDuration(from, '1mo');
    addDuration(from, '30d');
    expect(from.toISOString()).toBe('2024-01-31T00:00:00.000Z');
  });

  it.each(['unlimited', '30', '1h', '', 'mo', '1.5y', '-1d'])('refuses %j', (duration) => {
    expect(() => addDuration(at('2024-01-01T00:00:00Z'), duration)).toThrow(/duration/);
  });

  it('accepts every duration parseValue accepts (except unlimited)', () => {
    for (const raw of ['30d', '2w', '6mo', '1y', ' 1y ', '030d']) {
      const v = parseValue('limits.validity', raw) as string;
      expect(() => addDuration(at('2024-01-01T00:00:00Z'), v)).not.toThrow();
    }
  });

  const dates = fc
    .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) })
    .map((ms) => new Date(ms));

  it('Ny = 12N mo, Nw = 7N d', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 50 }), (from, n) => {
        expect(addDuration(from, `${n}y`).getTime()).toBe(addDuration(from, `${12 * n}mo`).getTime());
        expect(addDuration(from, `${n}w`).getTime()).toBe(addDuration(from, `${7 * n}d`).getTime());
      }),
    );
  });

  it('days add exactly n × 24 h', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 5000 }), (from, n) => {
        expect(addDuration(from, `${n}d`).getTime() - from.getTime()).toBe(n * 86_400_000);
      }),
    );
  });

  it('months land in the right month, on the same day or the last day of that month, at the same time', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 240 }), (from, n) => {
        const to = addDuration(from, `${n}mo`);
        const monthIndex = from.getUTCFullYear() * 12 + from.getUTCMonth() + n;
        expect(to.getUTCFullYear() * 12 + to.getUTCMonth()).toBe(monthIndex);
        const lastDay = new Date(Date.UTC(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 0)).getUTCDate();
        expect(to.getUTCDate()).toBe(Math.min(from.getUTCDate(), lastDay));
        expect(to.getTime() % 86_400_000).toBe(from.getTime() % 86_400_000);
        expect(to.getTime()).toBeGreaterThan(from.getTime());
      }),
    );
  });
});
