/** Scheduler jobs with a controllable clock, and the Prometheus endpoint scraped and parsed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, DEFAULT_JOB_SETTINGS, type JobContext } from '../../controller/src/jobs.js';
import { ControllerMetrics } from '../../controller/src/metrics.js';
import { agentHello, recordHeartbeat } from '../../controller/src/usecases/index.js';
import { MIVA, STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;
let jobs: JobContext;

beforeAll(() => {
  t = openTestCore();
  jobs = { core: t.core, settings: { ...DEFAULT_JOB_SETTINGS, livenessGraceMs: 30_000, eventRetentionMs: 86_400_000 } };
  t.core.reportCapabilities('web1.example.net', report(STANDARD));
  t.core.reportCapabilities('web2.example.net', report([...STANDARD, MIVA]));
  t.core.createCustomer({ login: 'alice', email: 'alice@example.org' });
  t.core.createPlan({ name: 'Monthly', values: { 'limits.validity': '30d', 'hosting.miva': true } });
  t.core.createSubscription({ name: 'a.example', customer: 'alice', plan: 'Monthly', host: 'web1.example.net' });
  t.core.createSubscription({ name: 'b.example', customer: 'alice', plan: 'Monthly', host: 'web2.example.net', expiresAt: '2027-01-01' });
});
afterAll(() => t.close());

describe('jobs', () => {
  it('expire suspends what is past its date, once', () => {
    expect(JOBS.expire!.run(jobs).affected).toBe(0);
    t.clock.advance(31 * 86_400_000);
    const r = JOBS.expire!.run(jobs);
    expect(r).toMatchObject({ affected: 1, summary: expect.stringContaining('a.example') });
    expect(JOBS.expire!.run(jobs).affected).toBe(0);
    expect(t.core.getSubscription('a.example').suspensionReasons).toEqual(['expired']);
    expect(t.core.getSubscription('b.example').state).toBe('active');
  });

  it('liveness marks silent hosts unknown without unsyncing their subscriptions; a heartbeat brings them back', () => {
    const before = t.core.getSubscription('b.example');
    t.clock.advance(10_000);
    recordHeartbeat(t.core.ctx, t.core.ctx.hosts.byName('web2.example.net')!.id);
    t.clock.advance(25_000); // web1 silent for > 30 s, web2 for 25 s
    expect(JOBS.liveness!.run(jobs)).toMatchObject({ affected: 1, summary: expect.stringContaining('web1.example.net') });
    expect(t.core.getHost('web1.example.net').state).toBe('unknown');
    expect(t.core.getHost('web2.example.net').state).toBe('ready');
    expect(JOBS.liveness!.run(jobs).affected).toBe(0);
    expect(t.core.getSubscription('b.example')).toMatchObject({ syncStatus: before.syncStatus, generation: before.generation });
    recordHeartbeat(t.core.ctx, t.core.ctx.hosts.byName('web1.example.net')!.id);
    expect(t.core.getHost('web1.example.net').state).toBe('ready');
    const events = t.core.ctx.events.after(0, 1000, ['host.state_changed']).map((e) => `${e.entityName}:${String(e.data.to)}`);
    expect(events).toEqual(['web1.example.net:unknown', 'web1.example.net:ready']);
  });

  it('an incompatible agent protocol is not undone by liveness', () => {
    const id = t.core.ctx.hosts.byName('web2.example.net')!.id;
    expect(agentHello(t.core.ctx, id, '9.9.9', 99)).toBe(false);
    t.clock.advance(120_000);
    JOBS.liveness!.run(jobs);
    expect(t.core.getHost('web2.example.net').state).toBe('incompatible');
    expect(agentHello(t.core.ctx, id, '0.1.0', 1)).toBe(true);
    expect(t.core.getHost('web2.example.net').state).toBe('ready');
  });

  it('resync re-evaluates everything and changes nothing when nothing changed', () => {
    let resent = 0;
    const r = JOBS.resync!.run({ ...jobs, resendSnapshots: () => resent++ });
    expect(r.affected).toBe(0);
    expect(r.summary).toContain('re-evaluated 2 subscription(s)');
    expect(resent).toBe(1);
  });

  it('events-gc trims events past the retention', () => {
    const total = t.core.ctx.events.maxId();
    expect(total).toBeGreaterThan(5);
    t.clock.advance(2 * 86_400_000);
    const r = JOBS['events-gc']!.run(jobs);
    expect(r.affected).toBe(total);
    expect(t.core.ctx.events.after(0, 10_000)).toEqual([]);
  });
});

describe('/metrics', () => {
  it('serves Prometheus text with subscriptions, hosts, backlog and lag', async () => {
    const metrics = new ControllerMetrics(t.core, () => 3);
    t.core.updatePlan('Monthly', { set: { 'limits.traffic': '1T' } }); // observed by the histogram
    const month = t.clock.now().toISOString().slice(0, 7);
    const measuredAt = t.clock.now().toISOString();
    t.core.recordUsage(t.core.ctx.hosts.byName('web2.example.net')!.id, [{ name: 'b.example', diskBytes: 1234, trafficBytes: 5678, trafficMonth: month, measuredAt }]);
    const { server, port } = await metrics.listen('127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const sample = (name: string, labels: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
        return line === undefined ? undefined : Number(line.split(' ').at(-1));
      };
      expect(sample('hostplane_subscriptions', 'sync_status="unsynced",state="suspended"')).toBe(1);
      expect(sample('hostplane_subscriptions', 'sync_status="synced",state="active"')).toBe(1);
      expect(sample('hostplane_hosts', 'state="ready"')).toBe(1); // web1 went silent again meanwhile
      expect(sample('hostplane_hosts', 'state="unknown"')).toBe(1);
      expect(sample('hostplane_agents_connected', '')).toBe(3);
      expect(sample('hostplane_event_backlog', '')).toBe(t.core.ctx.events.backlog());
      expect(sample('hostplane_host_sync_lag', 'host="web1.example.net"')).toBeGreaterThan(0);
      expect(sample('hostplane_sync_duration_seconds_count', 'operation="plan-update"')).toBe(1);
      expect(sample('hostplane_usage_disk_bytes', 'host="web2.example.net"')).toBe(1234);
      expect(sample('hostplane_usage_traffic_bytes', 'host="web2.example.net"')).toBe(5678);
      expect(sample('hostplane_subscriptions_overused', 'host="web2.example.net"')).toBe(0);
      expect(sample('hostplane_usage_disk_bytes', 'host="web1.example.net"')).toBeUndefined(); // nothing measured there
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
