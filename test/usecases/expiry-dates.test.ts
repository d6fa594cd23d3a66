/**
 * An impossible expiry is refused by the controller as it is by the CLI (one date parser in
 * shared/): precisely, naming the field, and with the database unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD, expectRefused, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeAll(() => {
  t = openTestCore();
  t.core.reportCapabilities('web1.example.net', report(STANDARD));
  t.core.createCustomer({ login: 'alice', email: 'alice@example.org' });
  t.core.createPlan({ name: 'Basic', values: { 'limits.disk_space': '10G', 'hosting.php': true } });
  t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
});
afterAll(() => t.close());

type Case = [label: string, call: () => unknown, mentions: string];

const cases: Case[] = [
  ['create: 30 February', () => t.core.createSubscription({ name: 'n1.com', customer: 'alice', plan: 'Basic', expiresAt: '2026-02-30' }), "'2026-02-30'"],
  ['create: 29 February of a common year', () => t.core.createSubscription({ name: 'n2.com', customer: 'alice', plan: 'Basic', expiresAt: '2027-02-29' }), "'2027-02-29'"],
  ['create: month 13', () => t.core.createSubscription({ name: 'n3.com', customer: 'alice', plan: 'Basic', expiresAt: '2026-13-01' }), "'2026-13-01'"],
  ['create: hour 24', () => t.core.createSubscription({ name: 'n4.com', customer: 'alice', plan: 'Basic', expiresAt: '2026-06-01T24:00:00Z' }), "'2026-06-01T24:00:00Z'"],
  ['create: past 9999-12-31 once the offset is applied', () => t.core.createSubscription({ name: 'n5.com', customer: 'alice', plan: 'Basic', expiresAt: '9999-12-31T23:00:00-05:00' }), '9999-12-31'],
  ['renew: 30 February', () => t.core.renewSubscription('example.com', '2026-02-30'), "'2026-02-30'"],
  ['create: a date already past (as renew)', () => t.core.createSubscription({ name: 'n6.com', customer: 'alice', plan: 'Basic', expiresAt: '2026-01-01' }), 'is not in the future'],
  ['renew: 31 April', () => t.core.renewSubscription('example.com', '2026-04-31T12:00:00Z'), "'2026-04-31T12:00:00Z'"],
];

describe('an impossible expiry is refused with INVALID_ARGUMENT on expiresAt and changes nothing', () => {
  it.each(cases)('%s', (_label, call, mentions) => {
    const error = expectRefused(t, 'INVALID_ARGUMENT', call);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'expiresAt' });
    expect(error.message).toContain('expiresAt');
    expect(error.message).toContain(mentions);
  });

  it('a possible one with an offset is stored as the same instant in UTC', () => {
    const s = t.core.createSubscription({ name: 'leap.example', customer: 'alice', plan: 'Basic', expiresAt: '2028-02-29T01:30:00+02:00' });
    expect(s.expiresAt).toBe('2028-02-28T23:30:00.000Z');
  });
});
