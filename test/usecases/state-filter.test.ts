/**
 * The state axis in SQL (listing by state, metrics counts) agrees with the domain's `stateOf`, which
 * decides the state shown for each subscription.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeAll(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.createCustomer({ login: 'alice', email: 'alice@example.org' });
  c.createCustomer({ login: 'bob', email: 'bob@example.org' });
  c.createPlan({ name: 'Basic', values: { 'limits.disk_space': '1G' } });
  for (const name of ['active.example', 'manual.example', 'renewed.example']) {
    c.createSubscription({ name, customer: 'alice', plan: 'Basic' });
  }
  c.createSubscription({ name: 'bob.example', customer: 'bob', plan: 'Basic' });
  c.createSubscription({ name: 'past.example', customer: 'bob', plan: 'Basic', expiresAt: '2026-01-20' });
  t.clock.advance(10 * 86_400_000);
  c.expireDue();
  c.suspendSubscription('manual.example');
  c.suspendSubscription('renewed.example');
  c.activateSubscription('renewed.example');
  c.suspendCustomer('bob'); // bob.example: customer; past.example: expired and customer
});
afterAll(() => t.close());

describe('state in SQL and in the domain', () => {
  it('listing by state returns exactly the subscriptions shown in that state', () => {
    const all = t.core.listSubscriptions();
    for (const state of ['active', 'suspended'] as const) {
      const listed = t.core.listSubscriptions({ state }).map((s) => s.name);
      expect(listed).toEqual(all.filter((s) => s.state === state).map((s) => s.name));
    }
    expect(t.core.listSubscriptions({ state: 'active' }).map((s) => s.name)).toEqual(['active.example', 'renewed.example']);
  });

  it('the counts by state agree with the subscriptions shown', () => {
    const counted = new Map<string, number>();
    for (const r of t.core.ctx.subscriptions.countsByStatus()) counted.set(r.state, (counted.get(r.state) ?? 0) + r.n);
    const all = t.core.listSubscriptions();
    expect(Object.fromEntries(counted)).toEqual({
      active: all.filter((s) => s.state === 'active').length,
      suspended: all.filter((s) => s.state === 'suspended').length,
    });
  });
});
