/**
 * Every verb of SPEC §7 against a stub Admin server: one RPC per verb with the request the flags
 * say, the bearer token in the metadata, and the answer printed as the `--json` shape or for people.
 */
import { Customer, CustomerState } from '@hostplane/proto/hostplane/v1/customer.js';
import { Event } from '@hostplane/proto/hostplane/v1/event.js';
import { Host, HostState, JoinToken } from '@hostplane/proto/hostplane/v1/host.js';
import { Plan, PlanKind, SyncSummary } from '@hostplane/proto/hostplane/v1/plan.js';
import { SubscriptionState, SubscriptionView, SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GIB, bool, int, runCli, sampleSubscription, startStub, str, type Handlers, type Stub } from './helpers.js';

const plan = Plan.fromPartial({ name: 'Unlimited', kind: PlanKind.PLAN_KIND_SERVICE, version: '3', values: { 'limits.disk_space': int(10 * GIB) } });
const customer = Customer.fromPartial({ login: 'alice', displayName: 'Alice', email: 'a@example.com', state: CustomerState.CUSTOMER_STATE_ACTIVE });
const host = Host.fromPartial({ name: 'web1', state: HostState.HOST_STATE_MAINTENANCE, revision: '5', observedRevision: '4', subscriptionCount: 3, failingSubscriptionCount: 2 });
const sub = sampleSubscription({ systemUser: 'hp_example_com' });
const subscription = { subscription: sub };

const handlers: Handlers = {
  createPlan: () => ({ plan }),
  updatePlan: () => ({ plan: { ...plan, version: '4' }, summary: SyncSummary.fromPartial({ syncedCount: 2, skippedLockedCount: 1, skippedLocked: ['b.example'] }) }),
  getPlan: () => ({ plan }),
  listPlans: () => ({ plans: [plan] }),
  deletePlan: () => ({}),
  createCustomer: () => ({ customer }),
  getCustomer: () => ({ customer }),
  listCustomers: () => ({ customers: [customer] }),
  suspendCustomer: () => ({ customer: { ...customer, state: CustomerState.CUSTOMER_STATE_SUSPENDED }, suspendedSubscriptionCount: 2 }),
  activateCustomer: () => ({ customer, activatedSubscriptionCount: 1 }),
  deleteCustomer: () => ({}),
  createSubscription: () => subscription,
  getSubscription: () => subscription,
  listSubscriptions: () => ({ subscriptions: [sub], nextPageToken: '' }),
  syncSubscription: () => ({ subscription: sub, conflicts: sub.conflicts, fingerprint: 'fp-1' }),
  acceptAvailableValues: () => ({ subscription: { ...sub, syncStatus: SyncStatus.SYNC_STATUS_LOCKED, conflicts: [] } }),
  customizeSubscription: () => subscription,
  unlockSubscription: () => subscription,
  switchSubscriptionPlan: () => subscription,
  detachSubscription: () => subscription,
  addSubscriptionAddon: () => subscription,
  removeSubscriptionAddon: () => subscription,
  suspendSubscription: () => subscription,
  activateSubscription: () => subscription,
  renewSubscription: () => subscription,
  deleteSubscription: () => ({}),
  createJoinToken: () => ({ token: 'secret-join-token', joinToken: JoinToken.fromPartial({ id: 'jt1' }), caHash: 'sha256:abababababababababababababababababababababababababababababababab', installPort: 8443, installTls: true, grpcPort: 50051 }),
  listJoinTokens: () => ({ joinTokens: [JoinToken.fromPartial({ id: 'jt1', createdAt: new Date(), expiresAt: new Date() })] }),
  listHosts: () => ({ hosts: [host] }),
  getHost: () => ({ host }),
  detectHost: () => ({ host, changed: true }),
  setHostMaintenance: () => ({ host }),
  removeHost: () => ({}),
  runJob: () => ({ name: 'expire', affectedCount: 2, summary: 'Suspended 2 expired subscriptions.' }),
  listEvents: () => ({ events: [Event.fromPartial({ id: '7', type: 'plan.updated', entityName: 'Unlimited', actor: 'admin', time: new Date() })] }),
};

let stub: Stub;
beforeAll(async () => {
  stub = await startStub(handlers);
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.calls.length = 0;
});

const cli = (...args: string[]) => runCli(args, stub.env);

describe('one RPC per verb, with the request its flags say', () => {
  it.each([
    [['plan', 'create', 'Gold', '--set', 'limits.disk_space=10G', '--set', 'hosting.php=yes'], 'createPlan', { name: 'Gold', kind: PlanKind.PLAN_KIND_SERVICE, values: { 'limits.disk_space': int(10 * GIB), 'hosting.php': bool(true) } }],
    [['plan', 'create', 'Extra', '--kind', 'addon'], 'createPlan', { kind: PlanKind.PLAN_KIND_ADDON }],
    [['plan', 'update', 'Gold', '--set', 'hosting.php_version=8.3', '--unset', 'limits.traffic', '--expected-version', '3'], 'updatePlan', { name: 'Gold', expectedVersion: '3', set: { 'hosting.php_version': str('8.3') }, unset: ['limits.traffic'] }],
    [['plan', 'update', 'Gold', '--set', 'hosting.miva=true', '--dry-run'], 'updatePlan', { name: 'Gold', dryRun: true }],
    [['plan', 'show', 'Gold'], 'getPlan', { name: 'Gold' }],
    [['plan', 'list', '--kind', 'reseller'], 'listPlans', { kind: PlanKind.PLAN_KIND_RESELLER }],
    [['plan', 'delete', 'Gold'], 'deletePlan', { name: 'Gold' }],
    [['customer', 'create', 'bob', '--name', 'Bob B', '--email', 'b@example.com'], 'createCustomer', { login: 'bob', displayName: 'Bob B', email: 'b@example.com' }],
    [['customer', 'show', 'bob'], 'getCustomer', { login: 'bob' }],
    [['customer', 'list', '--state', 'suspended'], 'listCustomers', { state: CustomerState.CUSTOMER_STATE_SUSPENDED }],
    [['customer', 'suspend', 'bob'], 'suspendCustomer', { login: 'bob' }],
    [['customer', 'activate', 'bob'], 'activateCustomer', { login: 'bob' }],
    [['customer', 'delete', 'bob'], 'deleteCustomer', { login: 'bob' }],
    [['sub', 'create', 'a.example', '--customer', 'alice', '--plan', 'Unlimited', '--addon', 'Extra', '--addon', 'Miva', '--host', 'web1', '--expires', '2026-12-31'], 'createSubscription', { name: 'a.example', customer: 'alice', plan: 'Unlimited', custom: false, addons: ['Extra', 'Miva'], host: 'web1', expiresAt: new Date('2026-12-31T00:00:00Z'), values: {} }],
    [['sub', 'create', 'b.example', '--customer', 'alice', '--custom', '--set', 'limits.disk_space=50G'], 'createSubscription', { plan: '', custom: true, values: { 'limits.disk_space': int(50 * GIB) } }],
    [['sub', 'show', 'a.example'], 'getSubscription', { name: 'a.example' }],
    [['sub', 'list', '--customer', 'alice', '--plan', 'Unlimited', '--host', 'web1', '--status', 'locked', '--state', 'active'], 'listSubscriptions', { customer: 'alice', plan: 'Unlimited', host: 'web1', syncStatus: SyncStatus.SYNC_STATUS_LOCKED, state: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE, view: SubscriptionView.SUBSCRIPTION_VIEW_BASIC }],
    [['sub', 'sync', 'a.example'], 'syncSubscription', { name: 'a.example' }],
    [['sub', 'sync', 'a.example', '--accept', '--fingerprint', 'fp-0'], 'acceptAvailableValues', { name: 'a.example', fingerprint: 'fp-0' }],
    [['sub', 'customize', 'a.example', '--set', 'limits.disk_space=20G', '--unset', 'hosting.miva'], 'customizeSubscription', { name: 'a.example', set: { 'limits.disk_space': int(20 * GIB) }, unset: ['hosting.miva'], asCustomer: false }],
    [['sub', 'customize', 'a.example', '--as-customer', '--set', 'php.memory_limit=512M'], 'customizeSubscription', { asCustomer: true, set: { 'php.memory_limit': int(512 * 1024 ** 2) } }],
    [['sub', 'unlock', 'a.example'], 'unlockSubscription', { name: 'a.example' }],
    [['sub', 'switch-plan', 'a.example', 'Premium'], 'switchSubscriptionPlan', { name: 'a.example', plan: 'Premium', dryRun: false }],
    [['sub', 'switch-plan', 'a.example', 'Premium', '--dry-run'], 'switchSubscriptionPlan', { name: 'a.example', plan: 'Premium', dryRun: true }],
    [['sub', 'detach', 'a.example'], 'detachSubscription', { name: 'a.example' }],
    [['sub', 'addon', 'add', 'a.example', 'Extra disk'], 'addSubscriptionAddon', { name: 'a.example', addon: 'Extra disk' }],
    [['sub', 'addon', 'remove', 'a.example', 'Extra disk'], 'removeSubscriptionAddon', { name: 'a.example', addon: 'Extra disk' }],
    [['sub', 'suspend', 'a.example'], 'suspendSubscription', { name: 'a.example' }],
    [['sub', 'activate', 'a.example'], 'activateSubscription', { name: 'a.example' }],
    [['sub', 'renew', 'a.example', '--expires', '2027-01-31T18:00:00Z'], 'renewSubscription', { name: 'a.example', expiresAt: new Date('2027-01-31T18:00:00Z') }],
    [['sub', 'renew', 'a.example', '--never'], 'renewSubscription', { name: 'a.example', expiresAt: undefined }],
    [['sub', 'delete', 'a.example'], 'deleteSubscription', { name: 'a.example' }],
    [['host', 'token', 'create', '--ttl', '2h'], 'createJoinToken', { ttlSeconds: 7200 }],
    [['host', 'token', 'list', '--all'], 'listJoinTokens', { includeSpent: true }],
    [['host', 'list', '--state', 'unknown'], 'listHosts', { state: HostState.HOST_STATE_UNKNOWN }],
    [['host', 'show', 'web1'], 'getHost', { name: 'web1' }],
    [['host', 'detect', 'web1'], 'detectHost', { name: 'web1' }],
    [['host', 'maintenance', 'web1', 'on'], 'setHostMaintenance', { name: 'web1', maintenance: true }],
    [['host', 'maintenance', 'web1', 'off'], 'setHostMaintenance', { name: 'web1', maintenance: false }],
    [['host', 'remove', 'web1'], 'removeHost', { name: 'web1' }],
    [['job', 'run', 'expire'], 'runJob', { name: 'expire' }],
    [['events', '--after', '41', '--type', 'subscription', '--type', 'plan.updated', '--limit', '10'], 'listEvents', { afterId: '41', types: ['subscription', 'plan.updated'], limit: 10, newest: false }],
    [['events'], 'listEvents', { afterId: '0', limit: 50, newest: true }],
    [['events', '--limit', '5'], 'listEvents', { afterId: '0', limit: 5, newest: true }],
    [['events', '--parked'], 'listEvents', { afterId: '0', parked: true, types: [] }],
  ] as const)('hostplane %s → %s', async (args, method, request) => {
    for (const json of [false, true]) {
      stub.calls.length = 0;
      const res = await cli(...args, ...(json ? ['--json'] : []));
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(stub.calls.map((c) => c.method)).toEqual([method]);
      expect(stub.calls[0]!.request).toMatchObject(request);
      expect(stub.calls[0]!.authorization).toBe('Bearer test-token');
      if (json) expect(() => JSON.parse(res.stdout)).not.toThrow();
      else expect(res.stdout.length).toBeGreaterThan(0);
    }
  });
});

describe('JSON shapes (SPEC §7)', () => {
  it('sub show --json: plain values keyed by property, words for enums, conflicts', async () => {
    const json = JSON.parse((await cli('sub', 'show', 'example.com', '--json')).stdout);
    expect(json).toMatchObject({
      name: 'example.com',
      displayName: 'example.com (Unlimited)',
      customer: 'alice',
      plan: 'Unlimited',
      addons: ['Extra disk'],
      host: 'web1.example.net',
      syncStatus: 'unsynced',
      state: 'suspended',
      suspensionReasons: ['manual'],
      planValues: { 'limits.disk_space': 10 * GIB, 'limits.traffic': 'unlimited', 'hosting.miva': true, 'hosting.php_version': '8.3' },
      desiredValues: { 'limits.disk_space': 10 * GIB },
      providedValues: { 'hosting.miva': false, 'hosting.php_version': '8.2' },
      conflicts: [
        { property: 'hosting.miva', planValue: true, availableValue: false },
        { property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2', reason: 'PHP 8.3 is not installed' },
      ],
      generation: 7,
      appliedGeneration: 6,
      applyError: null,
      systemUser: 'hp_example_com',
      expiresAt: null,
    });
    expect(JSON.stringify(json)).not.toMatch(/intValue|\$case|SYNC_STATUS/);
  });

  it('sub sync --json has the conflicts and the fingerprint', async () => {
    const json = JSON.parse((await cli('sub', 'sync', 'example.com', '--json')).stdout);
    expect(json.conflicts).toEqual([
      { property: 'hosting.miva', planValue: true, availableValue: false, reason: 'Miva Empresa (mivavm) is not installed' },
      { property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2', reason: 'PHP 8.3 is not installed' },
    ]);
    expect(json.fingerprint).toBe('fp-1');
    expect(json.subscription.syncStatus).toBe('unsynced');
  });

  it('plan update --json has the plan and the Update & Sync summary', async () => {
    const json = JSON.parse((await cli('plan', 'update', 'Unlimited', '--set', 'limits.disk_space=20G', '--json')).stdout);
    expect(json.plan).toMatchObject({ name: 'Unlimited', kind: 'service', version: 4, values: { 'limits.disk_space': 10 * GIB } });
    expect(json.summary).toEqual({ syncedCount: 2, unsyncedCount: 0, skippedLockedCount: 1, unsynced: [], skippedLocked: ['b.example'] });
  });

  it('host token create --json prints the token and the CA hash; for people, the command to paste', async () => {
    const hash = `sha256:${'ab'.repeat(32)}`;
    expect(JSON.parse((await cli('host', 'token', 'create', '--json')).stdout)).toMatchObject({ token: 'secret-join-token', id: 'jt1', caHash: hash });
    expect((await cli('host', 'token', 'create')).stdout).toMatch(new RegExp(`HOSTPLANE_JOIN_TOKEN=secret-join-token hostplane-agent --controller \\S+ --ca-hash ${hash}\n`));
    // With an HTTPS install listener: one command that checks the CA against the hash before using it.
    const install = JSON.parse((await cli('host', 'token', 'create', '--json')).stdout).installCommand as string;
    expect(install).toMatch(/^curl -fsSk https:\/\/[^/]+:8443\/install\/ca\.pem -o \/tmp\/hostplane-ca\.pem && /);
    expect(install).toContain(`sha256sum | cut -c1-64)" = ${'ab'.repeat(32)} ] && curl -fsS --cacert /tmp/hostplane-ca.pem https://`);
    expect(install).toMatch(/HOSTPLANE_JOIN_TOKEN=secret-join-token sh -s -- --controller \S+ --ca-hash sha256:(ab){32}$/);
  });

  it('lists are objects holding an array; host shows its sync lag', async () => {
    expect(JSON.parse((await cli('plan', 'list', '--json')).stdout).plans[0]).toMatchObject({ name: 'Unlimited', kind: 'service', version: 3 });
    expect(JSON.parse((await cli('customer', 'list', '--json')).stdout).customers[0]).toMatchObject({ login: 'alice', state: 'active' });
    expect(JSON.parse((await cli('host', 'list', '--json')).stdout).hosts[0]).toMatchObject({
      name: 'web1',
      state: 'maintenance',
      syncLag: 1,
      subscriptionCount: 3,
      failingSubscriptions: 2,
    });
    expect(JSON.parse((await cli('host', 'show', 'web1', '--json')).stdout)).toMatchObject({ name: 'web1', failingSubscriptions: 2 });
    const subs = JSON.parse((await cli('sub', 'list', '--json')).stdout).subscriptions;
    expect(subs[0]).toMatchObject({ displayName: 'example.com (Unlimited)', syncStatus: 'unsynced', state: 'suspended', systemUser: 'hp_example_com' });
    expect(subs[0]).not.toHaveProperty('planValues');
  });
});

describe('human listings', () => {
  it('sub list has the applied column; host list the failing count; host show the failing field', async () => {
    const subs = (await cli('sub', 'list')).stdout.split('\n');
    expect(subs[0]).toMatch(/^SUBSCRIPTION\s+CUSTOMER\s+HOST\s+SYNC\s+APPLIED\s+STATE\s+DISK\s+TRAFFIC\s+EXPIRES$/);
    expect(subs[1]).toMatch(/^example\.com \(Unlimited\)\s+alice\s+web1\.example\.net\s+unsynced\s+pending\s+suspended \(manual\)\s+-\s+-\s+never$/);
    const hosts = (await cli('host', 'list')).stdout.split('\n');
    expect(hosts[0]).toMatch(/^NAME\s+STATE\s+CONNECTED\s+CONTROLLER\s+HEARTBEAT\s+LAG\s+SUBSCRIPTIONS\s+FAILING$/);
    expect(hosts[1]).toMatch(/^web1\s+maintenance\s+no\s+-\s+never\s+1\s+3\s+2$/);
    expect((await cli('host', 'show', 'web1')).stdout).toMatch(/^Failing to apply\s+2 subscriptions \(its agent retries/m);
  });
});

describe('an apply error through the verbs', () => {
  const failed = sampleSubscription({
    syncStatus: SyncStatus.SYNC_STATUS_SYNCED,
    conflicts: [],
    generation: '7',
    appliedGeneration: '6',
    applyError: 'nginx -t refused the configuration',
  });
  let failing: Stub;
  beforeAll(async () => {
    failing = await startStub({
      getSubscription: () => ({ subscription: failed }),
      listSubscriptions: () => ({ subscriptions: [failed], nextPageToken: '' }),
      syncSubscription: () => ({ subscription: failed, conflicts: [], fingerprint: '' }),
      suspendSubscription: () => ({ subscription: failed }),
    });
  });
  afterAll(() => failing.close());
  const run = (...args: string[]) => runCli(args, failing.env);

  it('sub show and sub sync say the host failed to apply it, and how it is retried', async () => {
    const show = await run('sub', 'show', 'example.com');
    expect(show.stdout).toMatch(/^Applied\s+failed$/m);
    expect(show.stdout).toContain('example.com (Unlimited) is synced, but its host failed to apply it: nginx -t refused the configuration.');
    expect(show.stdout).toContain('The agent retries; `hostplane sub sync example.com` retries now.');
    const sync = await run('sub', 'sync', 'example.com');
    expect(sync.code).toBe(0);
    expect(sync.stdout).not.toContain('provides everything');
    expect(sync.stdout).toContain('is synced, but its host failed to apply it: nginx -t refused the configuration.');
    expect(sync.stdout).toContain('Its agent was asked to apply it again now');
    expect((await run('sub', 'suspend', 'example.com')).stdout).toContain('but its host failed to apply it');
    expect((await run('sub', 'list')).stdout.split('\n')[1]).toMatch(/\ssynced\s+failed\s/);
  });

  it('--json: applyError as text, systemUser null until the agent reported one', async () => {
    expect(JSON.parse((await run('sub', 'show', 'example.com', '--json')).stdout)).toMatchObject({
      syncStatus: 'synced',
      applyError: 'nginx -t refused the configuration',
      systemUser: null,
    });
    expect(JSON.parse((await run('sub', 'sync', 'example.com', '--json')).stdout).subscription).toMatchObject({ applyError: 'nginx -t refused the configuration', systemUser: null });
  });
});
