/**
 * Usage reported by agents, through the use cases on a real SQLite file: stored and shown, the
 * overuse policy applied (event once per crossing, suspension that lifts by itself), and what a
 * hostile agent cannot do with a report.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;
const M = 1024 ** 2;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.reportCapabilities('web2.example.net', report(STANDARD));
  c.createCustomer({ login: 'alice', email: 'alice@example.org' });
  c.createPlan({ name: 'Metered', values: { 'limits.disk_space': '10M', 'limits.traffic': '100M', 'limits.overuse': 'suspend' } });
  c.createPlan({ name: 'Notify', values: { 'limits.disk_space': '10M' } });
  c.createSubscription({ name: 'a.example', customer: 'alice', plan: 'Metered', host: 'web1.example.net' });
  c.createSubscription({ name: 'n.example', customer: 'alice', plan: 'Notify', host: 'web1.example.net' });
  c.createSubscription({ name: 'other.example', customer: 'alice', plan: 'Metered', host: 'web2.example.net' });
});
afterEach(() => t.close());

const hostId = (name: string) => t.core.ctx.hosts.byName(name)!.id;
const month = () => t.clock.now().toISOString().slice(0, 7);
const measure = (host: string, name: string, disk: number, traffic: number, trafficMonth = month()) =>
  t.core.recordUsage(hostId(host), [{ name, diskBytes: disk, trafficBytes: traffic, trafficMonth, measuredAt: t.clock.now().toISOString() }]);
const sub = (name: string) => t.core.getSubscription(name);
const events = (type: string) => t.core.eventsAfter(0, 1000, [type]).map((e) => [e.entityName, e.data]);

describe('usage', () => {
  it('is stored and shown with the limits it is measured against', () => {
    expect(sub('a.example').usage).toBeNull();
    expect(measure('web1.example.net', 'a.example', 3 * M, 20 * M)).toBe(1);
    expect(sub('a.example').usage).toEqual({
      diskBytes: 3 * M,
      trafficBytes: 20 * M,
      measuredAt: t.clock.now().toISOString(),
      diskLimit: 10 * M,
      trafficLimit: 100 * M,
      overused: false,
    });
  });

  it('suspend: over a limit suspends (reason overuse, pushed to the host) and announces it once; back under lifts it', () => {
    const revision = t.core.ctx.hosts.byName('web1.example.net')!.revision;
    measure('web1.example.net', 'a.example', 11 * M, 0);
    expect(sub('a.example')).toMatchObject({ state: 'suspended', suspensionReasons: ['overuse'], usage: { overused: true } });
    expect(t.core.ctx.hosts.byName('web1.example.net')!.revision).toBeGreaterThan(revision);
    measure('web1.example.net', 'a.example', 12 * M, 0);
    expect(events('subscription.overused')).toEqual([['a.example', { exceeded: ['limits.disk_space'], diskBytes: 11 * M, trafficBytes: 0, policy: 'suspend' }]]);
    expect(events('subscription.suspended')).toEqual([['a.example', { reasons: ['overuse'] }]]);
    measure('web1.example.net', 'a.example', 2 * M, 0); // files deleted
    expect(sub('a.example')).toMatchObject({ state: 'active', suspensionReasons: [], usage: { overused: false } });
    expect(events('subscription.activated')).toEqual([['a.example', {}]]);
  });

  it('a raised limit lifts the suspension at the next re-check (the resync job), without a new measurement', () => {
    measure('web1.example.net', 'a.example', 11 * M, 0);
    expect(sub('a.example').state).toBe('suspended');
    t.core.updatePlan('Metered', { set: { 'limits.disk_space': '20M' } });
    expect(t.core.recheckOveruse()).toBe(1);
    expect(sub('a.example')).toMatchObject({ state: 'active', usage: { overused: false, diskLimit: 20 * M } });
  });

  it('a new month: last month\'s traffic no longer counts', () => {
    measure('web1.example.net', 'a.example', 1 * M, 150 * M);
    expect(sub('a.example').state).toBe('suspended');
    t.clock.advance(31 * 86_400_000);
    t.core.recheckOveruse();
    expect(sub('a.example')).toMatchObject({ state: 'active', usage: { trafficBytes: 0 } });
  });

  it('notify (the default) announces without suspending', () => {
    measure('web1.example.net', 'n.example', 11 * M, 0);
    expect(sub('n.example')).toMatchObject({ state: 'active', usage: { overused: true } });
    expect(events('subscription.overused')).toEqual([['n.example', { exceeded: ['limits.disk_space'], diskBytes: 11 * M, trafficBytes: 0, policy: 'notify' }]]);
  });

  it("a hostile agent's report for another host's subscription, or with impossible numbers, changes nothing", () => {
    const before = t.dump();
    expect(measure('web1.example.net', 'other.example', 50 * M, 0)).toBe(0);
    expect(measure('web1.example.net', 'missing.example', 50 * M, 0)).toBe(0);
    expect(measure('web1.example.net', 'a.example', -1, 0)).toBe(0);
    expect(measure('web1.example.net', 'a.example', 2 ** 60, 0)).toBe(0);
    expect(measure('web1.example.net', 'a.example', 1, 0, '2026-13')).toBe(0);
    expect(t.dump()).toBe(before);
  });

  it('limits.overuse in an add-on is refused naming the key, nothing written', () => {
    const before = t.dump();
    expect(() => t.core.createPlan({ name: 'Extra', kind: 'addon', values: { 'limits.overuse': 'allow' } })).toThrow('limits.overuse cannot be set by an add-on plan');
    expect(t.dump()).toBe(before);
  });
});
