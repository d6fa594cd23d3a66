/** The Admin API through a real gRPC server: each RPC's happy path and its error codes. */
import { credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { SubscriptionState, SubscriptionView, SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import { CustomerState } from '@hostplane/proto/hostplane/v1/customer.js';
import { HostState } from '@hostplane/proto/hostplane/v1/host.js';
import { valueToProto } from '../../controller/src/api/convert.js';
import { MIVA, STANDARD, report } from '../helpers/core.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
const v = valueToProto;

beforeAll(async () => {
  api = await startTestApi();
  api.core.reportCapabilities('web1.example.net', report(STANDARD));
});
afterAll(() => api.stop());

describe('authentication', () => {
  it('refuses a call without a token (UNAUTHENTICATED)', async () => {
    const err = await api.fail(api.client.listPlans, { kind: 0 }, null);
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.details).toContain('bearer token');
  });

  it('refuses a wrong token and changes nothing', async () => {
    const before = api.dump();
    const err = await api.fail(api.client.createPlan, { name: 'Sneaky', kind: PlanKind.PLAN_KIND_SERVICE, values: {} }, 'wrong-token-wrong-token');
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(api.dump()).toBe(before);
  });

  it('serves the standard health service without a token', async () => {
    const { loadSync } = await import('@grpc/proto-loader');
    const grpc = await import('@grpc/grpc-js');
    const { protoPath } = await import('grpc-health-check');
    const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => { check: Function; close(): void } } } };
    };
    const health = new pkg.grpc.health.v1.Health(api.address, credentials.createInsecure());
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      health.check({ service: 'hostplane.v1.Admin' }, (e: Error | null, r: { status: string }) => (e ? reject(e) : resolve(r))),
    );
    health.close();
    expect(res.status).toBe('SERVING');
  });

  it('serves server reflection (what grpcurl uses) listing hostplane.v1.Admin', async () => {
    const { loadSync } = await import('@grpc/proto-loader');
    const grpc = await import('@grpc/grpc-js');
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const root = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto');
    const def = loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [root] });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => { serverReflectionInfo(md: unknown): NodeJS.ReadWriteStream & { write(m: unknown): void; end(): void }; close(): void } } } };
    };
    const client = new pkg.grpc.reflection.v1.ServerReflection(api.address, credentials.createInsecure());
    const stream = client.serverReflectionInfo(new grpc.Metadata());
    const services = await new Promise<string[]>((resolve, reject) => {
      stream.on('data', (msg: { listServicesResponse?: { service: { name: string }[] } }) => resolve((msg.listServicesResponse?.service ?? []).map((x) => x.name)));
      stream.on('error', reject);
      stream.write({ listServices: '' });
    });
    stream.end();
    client.close();
    expect(services).toEqual(expect.arrayContaining(['hostplane.v1.Admin', 'grpc.health.v1.Health']));
  });
});

describe('plans', () => {
  it('creates, shows, lists, updates (Update & Sync) and deletes', async () => {
    const created = await api.call(api.client.createPlan, {
      name: 'Basic',
      kind: PlanKind.PLAN_KIND_SERVICE,
      values: { 'limits.disk_space': v(10 * 1024 ** 3), 'hosting.php': v(true), 'limits.mailboxes': { kind: { $case: 'stringValue', value: '10' } } },
    });
    expect(created.plan).toMatchObject({ name: 'Basic', kind: PlanKind.PLAN_KIND_SERVICE, version: '1' });
    expect(created.plan!.values['limits.mailboxes']).toEqual(v(10));
    const got = await api.call(api.client.getPlan, { name: 'Basic' });
    expect(got.plan!.values['limits.disk_space']).toEqual(v(10 * 1024 ** 3));
    const list = await api.call(api.client.listPlans, { kind: PlanKind.PLAN_KIND_SERVICE });
    expect(list.plans.map((p) => p.name)).toContain('Basic');
    const upd = await api.call(api.client.updatePlan, { name: 'Basic', expectedVersion: '1', set: { 'limits.traffic': v('unlimited') }, unset: [], dryRun: false });
    expect(upd.plan!.version).toBe('2');
    expect(upd.summary).toMatchObject({ syncedCount: 0, unsyncedCount: 0, skippedLockedCount: 0 });
    await api.call(api.client.createPlan, { name: 'Tmp', kind: PlanKind.PLAN_KIND_ADDON, values: {} });
    await api.call(api.client.deletePlan, { name: 'Tmp' });
    expect((await api.fail(api.client.getPlan, { name: 'Tmp' })).code).toBe(status.NOT_FOUND);
  });

  it('a stale expected version gets ABORTED and changes nothing', async () => {
    const before = api.dump();
    const err = await api.fail(api.client.updatePlan, { name: 'Basic', expectedVersion: '1', set: { 'limits.traffic': v(1) }, unset: [], dryRun: false });
    expect(err.code).toBe(status.ABORTED);
    expect(err.details).toContain("'Basic'");
    expect(api.dump()).toBe(before);
  });

  it.each([
    ['unknown key', { 'limits.nope': v(1) }, 'limits.nope'],
    ['malformed size', { 'limits.disk_space': { kind: { $case: 'stringValue' as const, value: '12X' } } }, "'12X'"],
    ['negative count', { 'limits.mailboxes': v(-1) }, 'limits.mailboxes'],
    ['bad enum', { 'hosting.php_handler': v('mod_php') }, "'mod_php'"],
  ])('refuses %s with INVALID_ARGUMENT naming it, and the field in metadata', async (_l, values, mention) => {
    const before = api.dump();
    const err = await api.fail(api.client.createPlan, { name: 'Bad', kind: PlanKind.PLAN_KIND_SERVICE, values });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain(mention);
    expect(err.metadata.get('hostplane-field')[0]).toBeTruthy();
    expect(api.dump()).toBe(before);
  });

  it('refuses a duplicate plan (ALREADY_EXISTS)', async () => {
    expect((await api.fail(api.client.createPlan, { name: 'Basic', kind: 0, values: {} })).code).toBe(status.ALREADY_EXISTS);
  });
});

describe('customers and subscriptions', () => {
  it('walks the seed workflow', async () => {
    await api.call(api.client.createCustomer, { login: 'alice', displayName: 'Alice', email: 'alice@example.org' });
    await api.call(api.client.createPlan, { name: 'Miva', kind: PlanKind.PLAN_KIND_ADDON, values: { 'hosting.miva': v(true) } });
    const created = await api.call(api.client.createSubscription, {
      name: 'Example.COM',
      customer: 'alice',
      plan: 'Basic',
      custom: false,
      addons: ['Miva'],
      host: '',
      values: {},
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    const s = created.subscription!;
    expect(s).toMatchObject({ name: 'example.com', displayName: 'example.com (Basic)', host: 'web1.example.net', syncStatus: SyncStatus.SYNC_STATUS_UNSYNCED });
    expect(s.expiresAt).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(s.conflicts).toEqual([{ property: 'hosting.miva', planValue: v(true), availableValue: v(false), reason: expect.stringContaining('Miva') }]);

    const report1 = await api.call(api.client.syncSubscription, { name: 'example.com' });
    expect(report1.conflicts).toHaveLength(1);
    // the system gets fixed meanwhile: accepting the old report is refused
    api.core.reportCapabilities('web1.example.net', report([...STANDARD, MIVA]));
    const stale = await api.fail(api.client.acceptAvailableValues, { name: 'example.com', fingerprint: report1.fingerprint });
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    const now = await api.call(api.client.getSubscription, { name: 'example.com' });
    expect(now.subscription!.syncStatus).toBe(SyncStatus.SYNC_STATUS_SYNCED);
    expect(now.subscription!.createdAt).toBeInstanceOf(Date);
    expect(now.subscription!.updatedAt!.getTime()).toBeGreaterThanOrEqual(now.subscription!.createdAt!.getTime());

    const custom = await api.call(api.client.customizeSubscription, { name: 'example.com', set: { 'limits.mailboxes': v(99) }, unset: [], asCustomer: false });
    expect(custom.subscription!.syncStatus).toBe(SyncStatus.SYNC_STATUS_LOCKED);
    const unlocked = await api.call(api.client.unlockSubscription, { name: 'example.com' });
    expect(unlocked.subscription!.syncStatus).toBe(SyncStatus.SYNC_STATUS_SYNCED);
    const denied = await api.fail(api.client.customizeSubscription, { name: 'example.com', set: { 'limits.mailboxes': v(5) }, unset: [], asCustomer: true });
    expect(denied.code).toBe(status.PERMISSION_DENIED);

    expect((await api.fail(api.client.addSubscriptionAddon, { name: 'example.com', addon: 'Miva' })).code).toBe(status.ALREADY_EXISTS);
    expect((await api.fail(api.client.addSubscriptionAddon, { name: 'example.com', addon: 'Basic' })).code).toBe(status.INVALID_ARGUMENT);
    await api.call(api.client.removeSubscriptionAddon, { name: 'example.com', addon: 'Miva' });
    await api.call(api.client.createPlan, { name: 'Pro', kind: PlanKind.PLAN_KIND_SERVICE, values: {} });
    const switched = await api.call(api.client.switchSubscriptionPlan, { name: 'example.com', plan: 'Pro', dryRun: false });
    expect(switched.subscription!.displayName).toBe('example.com (Pro)');
    const detached = await api.call(api.client.detachSubscription, { name: 'example.com' });
    expect(detached.subscription).toMatchObject({ displayName: 'example.com (Custom)', syncStatus: SyncStatus.SYNC_STATUS_CUSTOM, plan: '' });
    expect((await api.fail(api.client.addSubscriptionAddon, { name: 'example.com', addon: 'Miva' })).code).toBe(status.FAILED_PRECONDITION);

    const suspended = await api.call(api.client.suspendSubscription, { name: 'example.com' });
    expect(suspended.subscription!.state).toBe(SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED);
    const active = await api.call(api.client.activateSubscription, { name: 'example.com' });
    expect(active.subscription!.state).toBe(SubscriptionState.SUBSCRIPTION_STATE_ACTIVE);
    const renewed = await api.call(api.client.renewSubscription, { name: 'example.com', expiresAt: new Date('2031-06-01T00:00:00Z') });
    expect(renewed.subscription!.expiresAt).toEqual(new Date('2031-06-01T00:00:00Z'));
    expect((await api.fail(api.client.renewSubscription, { name: 'example.com', expiresAt: new Date('2001-01-01') })).code).toBe(status.INVALID_ARGUMENT);

    const cs = await api.call(api.client.suspendCustomer, { login: 'alice' });
    expect(cs).toMatchObject({ customer: { state: CustomerState.CUSTOMER_STATE_SUSPENDED }, suspendedSubscriptionCount: 1 });
    await api.call(api.client.activateCustomer, { login: 'alice' });
    expect((await api.fail(api.client.deleteCustomer, { login: 'alice' })).code).toBe(status.FAILED_PRECONDITION);
    await api.call(api.client.deleteSubscription, { name: 'example.com' });
    await api.call(api.client.deleteCustomer, { login: 'alice' });
    expect((await api.fail(api.client.getCustomer, { login: 'alice' })).code).toBe(status.NOT_FOUND);
  });

  it('lists subscriptions page by page, basic or full', async () => {
    await api.call(api.client.createCustomer, { login: 'bob', displayName: '', email: 'bob@example.org' });
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      await api.call(api.client.createSubscription, { name: `${n}.example.org`, customer: 'bob', plan: 'Basic', custom: false, addons: [], host: '', values: {} });
    }
    const names: string[] = [];
    let token = '';
    do {
      const page = await api.call(api.client.listSubscriptions, {
        customer: 'bob', plan: '', host: '', syncStatus: 0, state: 0, view: SubscriptionView.SUBSCRIPTION_VIEW_BASIC, pageSize: 2, pageToken: token,
      });
      expect(page.subscriptions.length).toBeLessThanOrEqual(2);
      expect(page.subscriptions[0]?.providedValues).toEqual({});
      names.push(...page.subscriptions.map((s) => s.name));
      token = page.nextPageToken;
    } while (token);
    expect(names).toEqual(['a.example.org', 'b.example.org', 'c.example.org', 'd.example.org', 'e.example.org']);
    const full = await api.call(api.client.listSubscriptions, {
      customer: 'bob', plan: '', host: '', syncStatus: 0, state: 0, view: SubscriptionView.SUBSCRIPTION_VIEW_FULL, pageSize: 0, pageToken: '',
    });
    expect(full.subscriptions[0]!.providedValues['hosting.php']).toEqual(v(true));
    expect((await api.fail(api.client.listSubscriptions, { customer: '', plan: '', host: '', syncStatus: 0, state: 0, view: 0, pageSize: 0, pageToken: 'garbage!' })).code).toBe(status.INVALID_ARGUMENT);
  });

  it('refuses bad names precisely', async () => {
    const err = await api.fail(api.client.createSubscription, { name: '../etc/passwd', customer: 'bob', plan: 'Basic', custom: false, addons: [], host: '', values: {} });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('name');
    expect((await api.fail(api.client.createSubscription, { name: 'x.example.org', customer: 'nobody', plan: 'Basic', custom: false, addons: [], host: '', values: {} })).details).toContain("'nobody'");
  });
});

describe('hosts, join tokens and jobs', () => {
  it('lists hosts with their capabilities; maintenance on and off', async () => {
    const hosts = await api.call(api.client.listHosts, { state: 0 });
    const h = hosts.hosts.find((x) => x.name === 'web1.example.net')!;
    expect(h.capabilities!.components.map((c) => c.name)).toContain('nginx');
    expect(h.connected).toBe(false);
    expect(h.createdAt).toBeInstanceOf(Date);
    const m = await api.call(api.client.setHostMaintenance, { name: 'web1.example.net', maintenance: true });
    expect(m.host!.state).toBe(HostState.HOST_STATE_MAINTENANCE);
    await api.call(api.client.setHostMaintenance, { name: 'web1.example.net', maintenance: false });
    const detect = await api.fail(api.client.detectHost, { name: 'web1.example.net' });
    expect(detect.code).toBe(status.FAILED_PRECONDITION);
    expect((await api.fail(api.client.getHost, { name: 'nope.example.net' })).code).toBe(status.NOT_FOUND);
  });

  it('creates join tokens whose secret is shown once and stored hashed', async () => {
    const res = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    expect(res.token).toMatch(/^hpj_/);
    expect(api.dump()).not.toContain(res.token);
    const list = await api.call(api.client.listJoinTokens, { includeSpent: false });
    expect(list.joinTokens.map((t) => t.id)).toContain(res.joinToken!.id);
    expect((await api.fail(api.client.createJoinToken, { ttlSeconds: 5 })).code).toBe(status.INVALID_ARGUMENT);
  });

  it('runs a job now', async () => {
    const res = await api.call(api.client.runJob, { name: 'expire' });
    expect(res).toMatchObject({ name: 'expire', affectedCount: 0 });
    const err = await api.fail(api.client.runJob, { name: 'nope' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain("'nope'");
  });
});
