/**
 * Events published to a real, private nats-server with JetStream: every event exactly once, in
 * order; an outage loses and duplicates nothing, and the API stays responsive throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { NatsPublisher, STREAM } from '../../controller/src/events/nats-publisher.js';
import { silentLogger } from '../../controller/src/logger.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { STANDARD, report } from '../helpers/core.js';
import { NATS_SERVER, PrivateNats, readPublished } from '../helpers/nats.js';

let api: TestApi;
let nats: PrivateNats;
let publisher: NatsPublisher;
const readAll = readPublished;

describe.skipIf(!NATS_SERVER)('NATS JetStream publishing', () => {
  beforeAll(async () => {
    nats = await PrivateNats.start();
    api = await startTestApi();
    publisher = new NatsPublisher(api.core, nats.url, silentLogger());
    publisher.start();
  });
  afterAll(async () => {
    await publisher?.stop();
    await api?.stop();
    await nats?.stop();
  });

  it('publishes every event once, in order, on hostplane.events.<entity>.<change>', async () => {
    api.core.reportCapabilities('web1.example.net', report(STANDARD));
    await api.call(api.client.createPlan, { name: 'Basic', kind: PlanKind.PLAN_KIND_SERVICE, values: {} });
    await api.call(api.client.createCustomer, { login: 'alice', displayName: '', email: 'alice@example.org' });
    await api.call(api.client.createSubscription, { name: 'a.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: '', values: {} });
    await expect.poll(() => api.core.ctx.events.backlog(), { timeout: 10_000 }).toBe(0);
    const got = await readAll(nats.url);
    expect(got.map((e) => e.type)).toEqual(['host.capabilities_changed', 'plan.created', 'customer.created', 'subscription.created']);
    expect(got.map((e) => e.subject)).toEqual([
      'hostplane.events.host.capabilities_changed',
      'hostplane.events.plan.created',
      'hostplane.events.customer.created',
      'hostplane.events.subscription.created',
    ]);
    expect(got.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('loses and duplicates nothing across an outage; the API keeps answering', async () => {
    await nats.stop();
    const slowest: number[] = [];
    const N = 40;
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await api.call(api.client.createCustomer, { login: `c${i}`, displayName: '', email: `c${i}@example.org` });
      slowest.push(performance.now() - t0);
    }
    expect(Math.max(...slowest)).toBeLessThan(1000); // responsive while NATS is down
    expect(api.core.ctx.events.backlog()).toBe(N);
    await nats.start(); // same port, same store
    await expect.poll(() => api.core.ctx.events.backlog(), { timeout: 30_000, interval: 200 }).toBe(0);
    const got = await readAll(nats.url);
    const ids = got.map((e) => e.id);
    expect(ids).toEqual([...Array(4 + N).keys()].map((i) => i + 1)); // every id once, in order
    expect(new Set(ids).size).toBe(ids.length);
    expect(got.slice(4).every((e) => e.type === 'customer.created')).toBe(true);
  }, 60_000);

  it('JetStream drops an event sent again with the same id (crash between ack and mark)', async () => {
    const before = (await readAll(nats.url)).length;
    // simulate a crash after publishing but before marking: mark the last event undelivered again
    const last = api.core.ctx.events.maxId();
    api.core.ctx.db.prepare('UPDATE events SET published_at = NULL WHERE id = ?').run(last);
    publisher['poke']();
    await expect.poll(() => api.core.ctx.events.backlog(), { timeout: 10_000 }).toBe(0);
    expect((await readAll(nats.url)).length).toBe(before);
  });

  it('an event NATS refuses for itself is set aside (kept, listed with the reason) and the feed goes on', async () => {
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(STREAM);
      await jsm.streams.update(STREAM, { ...info.config, max_msg_size: 4096 }); // an operator's stream limit
    } finally {
      await nc.close();
    }
    const published = (await readAll(nats.url)).length;
    const big = api.core.ctx.tx(() => {
      api.core.ctx.record({ type: 'plan.updated', entity: 'Big', data: { note: 'x'.repeat(8000) } } as never);
      return api.core.ctx.events.maxId();
    });
    await api.call(api.client.createCustomer, { login: 'after-big', displayName: '', email: 'after-big@example.org' });
    await expect.poll(() => api.core.ctx.events.backlog(), { timeout: 10_000 }).toBe(0);
    const got = await readAll(nats.url);
    expect(got.length).toBe(published + 1); // the event after it, not the refused one
    expect(got.at(-1)).toMatchObject({ id: big + 1, type: 'customer.created', entityName: 'after-big' });
    expect(publisher.parked).toBe(1);
    const parked = await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 0, newest: false, parked: true });
    expect(parked.events.map((e) => [Number(e.id), e.type, e.entityName])).toEqual([[big, 'plan.updated', 'Big']]);
    expect(parked.events[0]!.parked).toMatch(/HOSTPLANE_EVENTS stream.*message size/i);
    // Still in the feed for readers of the API, with the reason; types do not combine with parked.
    const all = await api.call(api.client.listEvents, { afterId: String(big - 1), types: [], limit: 1, newest: false, parked: false });
    expect(all.events[0]!.parked).toBe(parked.events[0]!.parked);
    await expect(api.call(api.client.listEvents, { afterId: '0', types: ['plan'], limit: 0, newest: false, parked: true })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('types: not with parked'),
    });
  });
});
