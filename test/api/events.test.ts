/** The event feed: outbox rows written with each change, ListEvents and WatchEvents over gRPC. */
import { Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, WatchEventsResponse } from '@hostplane/proto/hostplane/v1/event.js';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { valueToProto } from '../../controller/src/api/convert.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';
import { MIVA, STANDARD, report } from '../helpers/core.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  api.core.reportCapabilities('web1.example.net', report(STANDARD));
});
afterAll(() => api.stop());

function watch(afterId?: string, types: string[] = []) {
  const md = new Metadata();
  md.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const stream: ClientReadableStream<WatchEventsResponse> = api.client.watchEvents({ afterId, types }, md);
  const events: Event[] = [];
  let error: ServiceError | undefined;
  stream.on('data', (m: WatchEventsResponse) => events.push(m.event!));
  stream.on('error', (e: ServiceError) => (error = e));
  return { events, stream, error: () => error, close: () => stream.cancel() };
}

const types = (es: Event[]) => es.map((e) => e.type);

describe('events', () => {
  it('every change writes an event in order, with the actor, and unsynced carries the conflicts', async () => {
    await api.call(api.client.createPlan, { name: 'Basic', kind: PlanKind.PLAN_KIND_SERVICE, values: { 'hosting.php': valueToProto(true) } });
    await api.call(api.client.createPlan, { name: 'Miva', kind: PlanKind.PLAN_KIND_ADDON, values: { 'hosting.miva': valueToProto(true) } });
    await api.call(api.client.createCustomer, { login: 'alice', displayName: '', email: 'alice@example.org' });
    await api.call(api.client.createSubscription, { name: 'a.example', customer: 'alice', plan: 'Basic', custom: false, addons: ['Miva'], host: '', values: {} });
    const list = await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 0, newest: false, parked: false });
    expect(types(list.events)).toEqual(['host.capabilities_changed', 'plan.created', 'plan.created', 'customer.created', 'subscription.created', 'subscription.unsynced']);
    const ids = list.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(list.events[1]).toMatchObject({ actor: 'bootstrap-admin', entityName: 'Basic' });
    expect(list.events[0]!.actor).toBe('system');
    expect(list.events[5]!.data).toMatchObject({ conflicts: [expect.objectContaining({ property: 'hosting.miva', availableValue: false })] });
  });

  it('a customer-side change records both identities', async () => {
    await api.call(api.client.updatePlan, { name: 'Basic', set: { 'permissions.manage_php_settings': valueToProto(true) }, unset: [], dryRun: false });
    await api.call(api.client.customizeSubscription, { name: 'a.example', set: { 'php.memory_limit': valueToProto('256M') }, unset: [], asCustomer: true });
    const list = await api.call(api.client.listEvents, { afterId: '0', types: ['subscription.updated'], limit: 0, newest: false, parked: false });
    expect(list.events.at(-1)).toMatchObject({ actor: 'bootstrap-admin', onBehalfOf: 'alice', data: { operation: 'customize-as-customer' } });
  });

  it('WatchEvents streams new events as they commit, filtered by type or entity', async () => {
    const all = watch();
    const subs = watch(undefined, ['subscription']);
    const synced = watch(undefined, ['subscription.synced']);
    await new Promise((r) => setTimeout(r, 100));
    api.core.reportCapabilities('web1.example.net', report([...STANDARD, MIVA])); // resyncs a.example by itself
    await api.call(api.client.suspendSubscription, { name: 'a.example' });
    await expect.poll(() => types(all.events)).toEqual(['host.capabilities_changed', 'subscription.synced', 'subscription.suspended']);
    await expect.poll(() => types(subs.events)).toEqual(['subscription.synced', 'subscription.suspended']);
    await expect.poll(() => types(synced.events)).toEqual(['subscription.synced']);
    for (const w of [all, subs, synced]) w.close();
  });

  it('resumes after a disconnect from the last id seen, missing nothing and repeating nothing', async () => {
    const first = watch('0');
    await expect.poll(() => first.events.length).toBeGreaterThan(5);
    const lastSeen = first.events.at(-1)!.id;
    const seen = first.events.map((e) => e.id);
    first.close();
    // changes while disconnected
    await api.call(api.client.activateSubscription, { name: 'a.example' });
    await api.call(api.client.createCustomer, { login: 'bob', displayName: '', email: 'bob@example.org' });
    const resumed = watch(lastSeen);
    await expect.poll(() => types(resumed.events)).toEqual(['subscription.activated', 'customer.created']);
    expect(resumed.events.some((e) => seen.includes(e.id))).toBe(false);
    resumed.close();
  });

  it('refuses an unauthenticated watch and a bad type', async () => {
    const stream = api.client.watchEvents({ types: [] }, new Metadata());
    const err = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    const bad = watch(undefined, ['Not A Type!']);
    await expect.poll(() => bad.error()?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('a refused change writes no event', async () => {
    const before = (await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 5000, newest: false, parked: false })).events.length;
    await api.fail(api.client.createCustomer, { login: 'bob', displayName: '', email: 'bob@example.org' });
    const after = (await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 5000, newest: false, parked: false })).events.length;
    expect(after).toBe(before);
  });
});

describe('the newest events', () => {
  it('newest: the last N (of the types asked), still in id order', async () => {
    const all = (await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 5000, newest: false, parked: false })).events;
    const last3 = (await api.call(api.client.listEvents, { afterId: '0', types: [], limit: 3, newest: true, parked: false })).events;
    expect(last3.map((e) => e.id)).toEqual(all.slice(-3).map((e) => e.id));
    const plans = all.filter((e) => e.type.startsWith('plan.'));
    expect(all.length).toBeGreaterThan(5);
    expect(plans.length).toBeGreaterThan(1);
    const lastPlan = (await api.call(api.client.listEvents, { afterId: '0', types: ['plan'], limit: 1, newest: true, parked: false })).events;
    expect(lastPlan.map((e) => e.id)).toEqual(plans.slice(-1).map((e) => e.id));
  });
});
