/**
 * Resellers through the real gRPC Admin API (a controller on 127.0.0.1:0 over a temp SQLite file)
 * and through the CLI in-process against it.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { ResellerState } from '@hostplane/proto/hostplane/v1/reseller.js';
import { CreateSubscriptionRequest, SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import { valuesToProto } from '@hostplane/shared';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';
import { runCli } from '../cli/helpers.js';
import { GiB, STANDARD, report } from '../helpers/core.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  api.core.reportCapabilities('web1.example.net', report(STANDARD));
});

afterAll(() => api.stop());

const c = () => api.client;

describe('Admin API', () => {
  it('plan create with kind reseller, reseller create/show/list, owned customer and plan', async () => {
    await api.call(c().createPlan, {
      name: 'Reseller S',
      kind: PlanKind.PLAN_KIND_RESELLER,
      values: valuesToProto({ 'limits.disk_space': 20 * GiB, 'reseller.customers': 1, 'permissions.manage_dns': false }),
    });
    const { reseller } = await api.call(c().createReseller, { login: 'acme', displayName: 'Acme', email: 'ops@acme.example', plan: 'Reseller S' });
    expect(reseller!.state).toBe(ResellerState.RESELLER_STATE_ACTIVE);
    expect(reseller!.syncStatus).toBe(SyncStatus.SYNC_STATUS_SYNCED);
    const { customer } = await api.call(c().createCustomer, { login: 'bob', displayName: '', email: 'bob@example.org', reseller: 'acme' });
    expect(customer!.reseller).toBe('acme');
    const { plan } = await api.call(c().createPlan, {
      name: 'Acme Basic',
      kind: PlanKind.PLAN_KIND_SERVICE,
      values: valuesToProto({ 'limits.disk_space': 15 * GiB, 'permissions.manage_dns': true }),
      reseller: 'acme',
    });
    expect(plan!.reseller).toBe('acme');
    const { subscription } = await api.call(
      c().createSubscription,
      CreateSubscriptionRequest.fromPartial({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' }),
    );
    // permission cap: withheld by the reseller plan
    expect(subscription!.planValues['permissions.manage_dns']!.kind).toEqual({ $case: 'boolValue', value: false });
    const shown = (await api.call(c().getReseller, { login: 'acme' })).reseller!;
    expect(shown.allocation['limits.disk_space']!.kind).toEqual({ $case: 'intValue', value: String(15 * GiB) });
    expect(shown.customerCount).toBe(1);
    expect(shown.subscriptionCount).toBe(1);
    expect((await api.call(c().listResellers, {})).resellers.map((r) => r.login)).toEqual(['acme']);
  });

  it('RESOURCE_EXHAUSTED beyond the allocation, naming resource, limit and total; nothing written', async () => {
    const before = api.dump();
    const err = await api.fail(c().createSubscription, CreateSubscriptionRequest.fromPartial({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' }));
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err.details).toContain('limits.disk_space');
    expect(err.details).toContain('30G');
    expect(err.details).toContain('20G');
    const err2 = await api.fail(c().createCustomer, { login: 'carol', displayName: '', email: 'carol@example.org', reseller: 'acme' });
    expect(err2.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(err2.details).toContain('reseller.customers');
    expect(api.dump()).toBe(before);
  });

  it('INVALID_ARGUMENT for reseller keys in a service plan; NOT_FOUND for an unknown reseller', async () => {
    const err = await api.fail(c().createPlan, {
      name: 'Bad',
      kind: PlanKind.PLAN_KIND_SERVICE,
      values: valuesToProto({ 'reseller.oversell': true }),
    });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('reseller.oversell');
    expect((await api.fail(c().getReseller, { login: 'nobody' })).code).toBe(status.NOT_FOUND);
  });

  it('reseller plan update → unsynced; sync; accept with fingerprint → locked', async () => {
    const { summary } = await api.call(c().updatePlan, { name: 'Reseller S', set: valuesToProto({ 'limits.disk_space': 10 * GiB }), unset: [], dryRun: false });
    expect(summary!.unsyncedCount).toBe(1);
    expect(summary!.unsynced[0]!.name).toBe('acme');
    const sync = await api.call(c().syncReseller, { login: 'acme' });
    expect(sync.conflicts.map((x) => x.property)).toEqual(['limits.disk_space']);
    expect(sync.reseller!.syncStatus).toBe(SyncStatus.SYNC_STATUS_UNSYNCED);
    const stale = await api.fail(c().acceptResellerValues, { login: 'acme', fingerprint: 'nope' });
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    const { reseller } = await api.call(c().acceptResellerValues, { login: 'acme', fingerprint: sync.fingerprint });
    expect(reseller!.syncStatus).toBe(SyncStatus.SYNC_STATUS_LOCKED);
    expect(reseller!.ownValues['limits.disk_space']!.kind).toEqual({ $case: 'intValue', value: String(15 * GiB) });
    const unlocked = await api.call(c().unlockReseller, { login: 'acme' });
    expect(unlocked.reseller!.syncStatus).toBe(SyncStatus.SYNC_STATUS_UNSYNCED);
  });

  it('records reseller events with the acting token', () => {
    const rows = api.core.ctx.db
      .prepare<[], { type: string; actor: string }>("SELECT type, actor FROM events WHERE type LIKE 'reseller.%' ORDER BY id")
      .all();
    expect(rows.map((r) => r.type)).toContain('reseller.created');
    expect(rows.map((r) => r.type)).toContain('reseller.locked');
    expect(rows.every((r) => r.actor !== 'system')).toBe(true);
  });
});

describe('CLI against the real controller', () => {
  const cli = (...args: string[]) => runCli(args, { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: ADMIN_TOKEN });

  it('reseller create / show / list --json', async () => {
    expect((await cli('plan', 'create', 'Reseller M', '--kind', 'reseller', '--set', 'reseller.subscriptions=1', '--set', 'reseller.oversell=false')).code).toBe(0);
    const created = await cli('reseller', 'create', 'beta', '--plan', 'Reseller M', '--email', 'ops@beta.example', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ login: 'beta', plan: 'Reseller M', state: 'active', syncStatus: 'synced' });
    const shown = await cli('reseller', 'show', 'beta');
    expect(shown.stdout).toContain('reseller.subscriptions');
    const list = JSON.parse((await cli('reseller', 'list', '--json')).stdout) as { resellers: { login: string }[] };
    expect(list.resellers.map((r) => r.login)).toEqual(['acme', 'beta']);
  });

  it('customer create --reseller, plan create --reseller, and RESOURCE_EXHAUSTED as a sentence and non-zero exit', async () => {
    expect((await cli('customer', 'create', 'dave', '--email', 'dave@example.org', '--reseller', 'beta')).code).toBe(0);
    expect((await cli('plan', 'create', 'Beta Basic', '--reseller', 'beta', '--set', 'limits.disk_space=1G')).code).toBe(0);
    expect((await cli('sub', 'create', 'd1.example', '--customer', 'dave', '--plan', 'Beta Basic')).code).toBe(0);
    const refused = await cli('sub', 'create', 'd2.example', '--customer', 'dave', '--plan', 'Beta Basic');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('reseller.subscriptions');
  });

  it('customize (locked), unlock, sync --accept, switch-plan, suspend, activate, delete', async () => {
    const customized = await cli('reseller', 'customize', 'beta', '--set', 'reseller.subscriptions=5', '--json');
    expect(customized.code, customized.stderr).toBe(0);
    expect(JSON.parse(customized.stdout)).toMatchObject({ syncStatus: 'locked', ownValues: { 'reseller.subscriptions': 5 } });
    expect((await cli('sub', 'create', 'd2.example', '--customer', 'dave', '--plan', 'Beta Basic')).code).toBe(0);
    const unlocked = JSON.parse((await cli('reseller', 'unlock', 'beta', '--json')).stdout) as { syncStatus: string; conflicts: unknown[] };
    expect(unlocked.syncStatus).toBe('unsynced');
    const accepted = await cli('reseller', 'sync', 'beta', '--accept', '--json');
    expect(accepted.code, accepted.stderr).toBe(0);
    const body = JSON.parse(accepted.stdout) as { accepted: boolean; conflicts: { property: string; planValue: number; availableValue: number }[]; reseller: { syncStatus: string } };
    expect(body.accepted).toBe(true);
    expect(body.conflicts).toEqual([expect.objectContaining({ property: 'reseller.subscriptions', planValue: 1, availableValue: 2 })]);
    expect(body.reseller.syncStatus).toBe('locked');
    expect((await cli('plan', 'create', 'Reseller L', '--kind', 'reseller')).code).toBe(0);
    const switched = JSON.parse((await cli('reseller', 'switch-plan', 'beta', 'Reseller L', '--json')).stdout) as { plan: string; syncStatus: string };
    expect(switched).toMatchObject({ plan: 'Reseller L', syncStatus: 'synced' });
    expect(JSON.parse((await cli('reseller', 'suspend', 'beta', '--json')).stdout)).toMatchObject({ state: 'suspended' });
    expect(JSON.parse((await cli('sub', 'show', 'd1.example', '--json')).stdout)).toMatchObject({ state: 'suspended', suspensionReasons: ['customer'] });
    expect(JSON.parse((await cli('reseller', 'activate', 'beta', '--json')).stdout)).toMatchObject({ state: 'active' });
    const del = await cli('reseller', 'delete', 'beta');
    expect(del.code).not.toBe(0);
    expect(del.stderr).toContain('still owns');
  });

  it('bad input is refused before any call: a hosting key in reseller customize, reseller key in a service plan', async () => {
    const bad = await cli('reseller', 'customize', 'beta', '--set', 'hosting.php=true');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('hosting.php');
    const bad2 = await cli('plan', 'create', 'Nope', '--set', 'reseller.customers=3');
    expect(bad2.code).not.toBe(0);
    expect(bad2.stderr).toContain('reseller.customers');
  });
});
