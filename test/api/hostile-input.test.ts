/**
 * Hostile input against a real Admin API: names that are also Object.prototype members, empty or
 * prototype-polluting property values, and unknown enum filters get INVALID_ARGUMENT naming the
 * field (never INTERNAL, never silently ignored), and nothing is written.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueToProto } from '../../controller/src/api/convert.js';
import http2 from 'node:http2';
import { MAX_MESSAGE_BYTES } from '@hostplane/shared';
import { MAX_STREAMS_PER_CONNECTION } from '../../controller/src/api/server.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

describe('refused with INVALID_ARGUMENT naming the field, nothing written', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('RunJob %s', async (name) => {
    const err = await api.fail(api.client.runJob, { name });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain(`unknown job '${name}'`);
  });

  it('a property value with no kind', async () => {
    const before = api.dump();
    const err = await api.fail(api.client.createPlan, { name: 'Empty', kind: PlanKind.PLAN_KIND_SERVICE, values: { 'limits.disk_space': { kind: undefined } }, reseller: '' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('values.limits.disk_space: the value is empty (no kind set)');
    expect(api.dump()).toBe(before);
  });

  it('a property key __proto__', async () => {
    const before = api.dump();
    const values = { ['__proto__']: valueToProto(true) } as Record<string, ReturnType<typeof valueToProto>>;
    expect(Object.keys(values)).toEqual(['__proto__']); // an own key, sent as a map entry
    const err = await api.fail(api.client.createPlan, { name: 'Polluted', kind: PlanKind.PLAN_KIND_SERVICE, values, reseller: '' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain("'__proto__' is not a property key");
    expect(api.dump()).toBe(before);
  });

  it('repeated fields are bounded: unset × 200,000 (3.6 MB, under the message limit) is refused before anything is parsed', async () => {
    await api.call(api.client.createPlan, { name: 'Bounded', kind: PlanKind.PLAN_KIND_SERVICE, values: {}, reseller: '' });
    const before = api.dump();
    const err = await api.fail(api.client.updatePlan, { name: 'Bounded', set: {}, unset: Array.from({ length: 200_000 }, () => 'limits.traffic'), dryRun: false });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^unset: 200000 keys; the catalogue has \d+$/);
    expect(api.dump()).toBe(before);
    // The same key twice is one change (and one entry in the event).
    await api.call(api.client.updatePlan, { name: 'Bounded', set: {}, unset: ['limits.traffic', 'limits.traffic'], dryRun: false });
    const last = (await api.call(api.client.listEvents, { afterId: '0', types: ['plan.updated'], limit: 1, newest: true, parked: false })).events[0]!;
    expect(last.data).toMatchObject({ unset: ['limits.traffic'] });
  });

  it.each(['8000y', '99999999999d'])('limits.validity=%s is refused naming the key (durations are bounded), nothing written', async (validity) => {
    const before = api.dump();
    const err = await api.fail(api.client.createPlan, { name: `Forever${validity.length}`, kind: PlanKind.PLAN_KIND_SERVICE, values: { 'limits.validity': valueToProto(validity) }, reseller: '' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('limits.validity');
    expect(api.dump()).toBe(before);
  });

  it('an event over 64 KB is refused with its transaction (the feed never carries one)', () => {
    const before = api.dump();
    expect(() => api.core.ctx.tx(() => api.core.ctx.record({ type: 'host.removed', entity: 'x'.repeat(70_000), data: {} }))).toThrow(
      expect.objectContaining({ code: 'RESOURCE_EXHAUSTED' }),
    );
    expect(api.dump()).toBe(before);
  });

  it('a 1 MiB name: refused at once, echoed at most 64 characters, nothing written', async () => {
    const before = api.dump();
    const huge = `${'a'.repeat(1024 * 1024)}.example`;
    const started = Date.now();
    const err = await api.fail(api.client.createCustomer, { login: huge, displayName: '', email: 'x@example.org', reseller: '' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details.length).toBeLessThan(300);
    expect(err.details).toContain(`(${huge.length} characters)`);
    expect(api.dump()).toBe(before);
  });

  it.each([
    ['ListSubscriptions syncStatus', () => api.fail(api.client.listSubscriptions, { customer: '', plan: '', host: '', syncStatus: 99, state: 0, view: 0, pageSize: 0, pageToken: '' }), 'syncStatus'],
    ['ListSubscriptions state', () => api.fail(api.client.listSubscriptions, { customer: '', plan: '', host: '', syncStatus: 0, state: 42, view: 0, pageSize: 0, pageToken: '' }), 'state'],
    ['ListHosts state', () => api.fail(api.client.listHosts, { state: 77 }), 'state'],
    ['ListCustomers state', () => api.fail(api.client.listCustomers, { state: 9 }), 'state'],
  ] as const)('unknown enum filter: %s', async (_what, call, field) => {
    const err = await call();
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(new RegExp(`^${field}: \\d+ is not a known value$`));
  });
});

describe('request bodies are decoded only after authentication', () => {
  // Field 1, length-delimited, claiming ~4 GB: no message decodes from it.
  const malformed = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  const raw = (method: string, token: string | null) =>
    new Promise<ServiceError>((resolve, reject) => {
      const md = new Metadata();
      if (token !== null) md.set('authorization', `Bearer ${token}`);
      api.client.makeUnaryRequest(`/hostplane.v1.Admin/${method}`, (b: Buffer) => b, (b: Buffer) => b, malformed, md, { deadline: Date.now() + 10_000 }, (err) =>
        err ? resolve(err) : reject(new Error('the call should have failed')),
      );
    });

  it('a malformed body from a stranger is UNAUTHENTICATED: it was never decoded', async () => {
    const err = await raw('CreatePlan', null);
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect((await raw('CreatePlan', 'not-a-token')).code).toBe(status.UNAUTHENTICATED);
  });

  it('a malformed body from an admin is INVALID_ARGUMENT naming the method, nothing written', async () => {
    const before = api.dump();
    const err = await raw('CreatePlan', ADMIN_TOKEN);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^the request body of CreatePlan is not a valid message \(/);
    expect(api.dump()).toBe(before);
  });

  it('the same on a server stream', async () => {
    const stream = api.client.makeServerStreamRequest('/hostplane.v1.Admin/WatchEvents', (b: Buffer) => b, (b: Buffer) => b, malformed, new Metadata());
    const err = await new Promise<ServiceError>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => undefined);
    });
    expect(err.code).toBe(status.UNAUTHENTICATED);
  });
});

describe('what a stranger can make the controller hold', () => {
  it('a message over 4 MiB is refused (RESOURCE_EXHAUSTED; UNAUTHENTICATED without a token), nothing written; the server goes on', async () => {
    const before = api.dump();
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x41);
    const send = (md: Metadata) =>
      new Promise<ServiceError>((resolve, reject) =>
        api.client.makeUnaryRequest('/hostplane.v1.Admin/CreatePlan', (b: Buffer) => b, (b: Buffer) => b, big, md, { deadline: Date.now() + 10_000 }, (e) =>
          e ? resolve(e) : reject(new Error('the call should have failed')),
        ),
      );
    const admin = new Metadata();
    admin.set('authorization', `Bearer ${ADMIN_TOKEN}`);
    expect((await send(admin)).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await send(new Metadata())).code).toBe(status.UNAUTHENTICATED);
    expect(api.dump()).toBe(before);
    await api.call(api.client.listPlans, { kind: PlanKind.PLAN_KIND_UNSPECIFIED });
  });

  it('a call without a valid token is refused from its headers alone: the server answers before any body was sent', async () => {
    const session = http2.connect(`http://${api.address}`);
    try {
      for (const [path, auth] of [
        ['/hostplane.v1.Admin/CreatePlan', undefined],
        ['/hostplane.v1.Admin/CreatePlan', 'Bearer not-a-token'],
        ['/hostplane.v1.Agent/Connect', 'Bearer not-a-credential'],
      ] as const) {
        const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...(auth ? { authorization: auth } : {}) });
        // The request stays open with no body at all: only the headers decide.
        const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
          stream.on('response', (h) => h['grpc-status'] && resolve(h));
          stream.on('trailers', resolve);
          stream.on('error', reject);
          setTimeout(() => reject(new Error(`${path}: no answer before a body`)), 5000);
        });
        expect(trailers['grpc-status']).toBe(String(status.UNAUTHENTICATED));
        stream.close();
      }
    } finally {
      session.close();
    }
  });

  it(`one connection carries at most ${MAX_STREAMS_PER_CONNECTION} calls at once (HTTP/2 settings)`, async () => {
    const session = http2.connect(`http://${api.address}`);
    try {
      const settings = await new Promise<http2.Settings>((resolve, reject) => {
        session.once('remoteSettings', resolve);
        session.once('error', reject);
      });
      expect(settings.maxConcurrentStreams).toBe(MAX_STREAMS_PER_CONNECTION);
    } finally {
      session.close();
    }
  });
});
