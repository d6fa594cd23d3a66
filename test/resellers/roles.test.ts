/**
 * Reseller tokens on the real gRPC Admin API: each reseller sees and changes only its own
 * customers, plans and subscriptions (another owner's answer NOT_FOUND, like missing ones), and the admin-only RPCs are
 * refused; the CLI acts as the reseller with its token.
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { CreateSubscriptionRequest, ListSubscriptionsRequest } from '@hostplane/proto/hostplane/v1/subscription.js';
import { CreateCustomerRequest } from '@hostplane/proto/hostplane/v1/customer.js';
import { ListHostsRequest } from '@hostplane/proto/hostplane/v1/host.js';
import { valuesToProto } from '@hostplane/shared';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';
import { runCli } from '../cli/helpers.js';
import { GiB, STANDARD, report } from '../helpers/core.js';

let api: TestApi;
let acme: string;
let beta: string;
const c = () => api.client;

beforeAll(async () => {
  api = await startTestApi();
  const core = api.core;
  core.reportCapabilities('web1.example.net', report(STANDARD));
  core.createPlan({ name: 'Reseller S', kind: 'reseller', values: { 'limits.disk_space': '100G' } });
  core.createReseller({ login: 'acme', email: 'ops@acme.example', plan: 'Reseller S' });
  core.createReseller({ login: 'beta', email: 'ops@beta.example', plan: 'Reseller S' });
  core.createCustomer({ login: 'alice', email: 'alice@example.org' });
  core.createPlan({ name: 'Provider Basic', values: {} });
  core.createSubscription({ name: 'provider.example', customer: 'alice', plan: 'Provider Basic' });
  core.createCustomer({ login: 'carol', email: 'carol@example.org', reseller: 'beta' });
  core.createPlan({ name: 'Beta Basic', reseller: 'beta', values: { 'limits.disk_space': '1G' } });
  core.createSubscription({ name: 'beta.example', customer: 'carol', plan: 'Beta Basic' });
  acme = (await api.call(c().createResellerToken, { login: 'acme', name: '' })).token;
  beta = (await api.call(c().createResellerToken, { login: 'beta', name: '' })).token;
});

afterAll(() => api.stop());

describe('reseller tokens', () => {
  it('create customers, plans and subscriptions as the reseller (owned by it)', async () => {
    const { customer } = await api.call(c().createCustomer, CreateCustomerRequest.fromPartial({ login: 'bob', email: 'bob@example.org' }), acme);
    expect(customer!.reseller).toBe('acme');
    const { plan } = await api.call(
      c().createPlan,
      { name: 'Acme Basic', kind: PlanKind.PLAN_KIND_SERVICE, values: valuesToProto({ 'limits.disk_space': 2 * GiB }) },
      acme,
    );
    expect(plan!.reseller).toBe('acme');
    const { subscription } = await api.call(c().createSubscription, CreateSubscriptionRequest.fromPartial({ name: 'acme.example', customer: 'bob', plan: 'Acme Basic' }), acme);
    expect(subscription!.customer).toBe('bob');
    expect((await api.call(c().getReseller, { login: 'acme' }, acme)).reseller!.subscriptionCount).toBe(1);
  });

  it('listings show only its own entities', async () => {
    expect((await api.call(c().listCustomers, { state: 0 }, acme)).customers.map((x) => x.login)).toEqual(['bob']);
    expect((await api.call(c().listPlans, { kind: 0 }, acme)).plans.map((x) => x.name)).toEqual(['Acme Basic']);
    const subs = await api.call(c().listSubscriptions, ListSubscriptionsRequest.fromPartial({}), acme);
    expect(subs.subscriptions.map((x) => x.name)).toEqual(['acme.example']);
    const all = await api.call(c().listSubscriptions, ListSubscriptionsRequest.fromPartial({}));
    expect(all.subscriptions.map((x) => x.name).sort()).toEqual(['acme.example', 'beta.example', 'provider.example']);
  });

  it("another reseller's or the provider's entities answer exactly like missing ones (NOT_FOUND), nothing changed", async () => {
    const before = api.dump();
    const denied = [
      await api.fail(c().getSubscription, { name: 'beta.example', view: 0 } as never, acme),
      await api.fail(c().suspendSubscription, { name: 'provider.example' }, acme),
      await api.fail(c().deleteSubscription, { name: 'beta.example' }, acme),
      await api.fail(c().getCustomer, { login: 'carol' }, acme),
      await api.fail(c().suspendCustomer, { login: 'alice' }, acme),
      await api.fail(c().getPlan, { name: 'Beta Basic' }, acme),
      await api.fail(c().updatePlan, { name: 'Provider Basic', set: valuesToProto({ 'limits.disk_space': GiB }), unset: [], dryRun: false }, acme),
      await api.fail(c().createSubscription, CreateSubscriptionRequest.fromPartial({ name: 'x.example', customer: 'carol', plan: 'Beta Basic' }), acme),
      await api.fail(c().createCustomer, CreateCustomerRequest.fromPartial({ login: 'eve', email: 'eve@example.org', reseller: 'beta' }), acme),
      await api.fail(c().getReseller, { login: 'beta' }, acme),
      await api.fail(c().getSubscription, { name: 'acme.example', view: 0 } as never, beta),
    ];
    for (const err of denied) {
      expect(err.code, err.details).toBe(status.NOT_FOUND);
      expect(err.details).toMatch(/^(plan|customer|subscription|reseller) '[^']+' not found$/);
    }
    // The same answer as for a name nobody has: nothing tells another tenant's names apart.
    const missing = await api.fail(c().getSubscription, { name: 'nobody.example', view: 0 } as never, acme);
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(denied[0]!.details.replace('beta.example', 'X')).toBe(missing.details.replace('nobody.example', 'X'));
    expect(api.dump()).toBe(before);
  });

  it('admin-only RPCs are refused to a reseller token', async () => {
    const refused = [
      await api.fail(c().createReseller, { login: 'x', displayName: '', email: 'x@example.org', plan: 'Reseller S' }, acme),
      await api.fail(c().customizeReseller, { login: 'acme', set: {}, unset: [] }, acme),
      await api.fail(c().createResellerToken, { login: 'acme', name: 'more' }, acme),
      await api.fail(c().listHosts, ListHostsRequest.fromPartial({}), acme),
      await api.fail(c().createPlan, { name: 'R', kind: PlanKind.PLAN_KIND_RESELLER, values: {} }, acme),
    ];
    for (const err of refused) expect(err.code, err.details).toBe(status.PERMISSION_DENIED);
  });

  it("the admin still sees everything; events carry the reseller token's name", () => {
    const row = api.core.ctx.db
      .prepare<[], { actor: string }>("SELECT actor FROM events WHERE type = 'subscription.created' AND entity_name = 'acme.example'")
      .get();
    expect(row!.actor).toBe('reseller-acme');
  });

  it('the CLI acts as the reseller with its token', async () => {
    const asAcme = (...args: string[]) => runCli(args, { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: acme });
    const list = await asAcme('sub', 'list', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { subscriptions: { name: string }[] }).subscriptions.map((s) => s.name)).toEqual(['acme.example']);
    const denied = await asAcme('sub', 'show', 'beta.example');
    expect(denied.code).not.toBe(0);
    const created = await runCli(['reseller', 'token', 'create', 'beta', '--name', 'beta-2', '--json'], { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: ADMIN_TOKEN });
    expect(created.code, created.stderr).toBe(0);
    const token = (JSON.parse(created.stdout) as { token: string }).token;
    const asBeta = await runCli(['customer', 'list', '--json'], { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: token });
    expect((JSON.parse(asBeta.stdout) as { customers: { login: string }[] }).customers.map((x) => x.login)).toEqual(['carol']);
  });

  it('an admin acts on behalf of a reseller with --as-reseller: same scope, recorded with both identities', async () => {
    const asBeta = (...args: string[]) =>
      runCli(['--as-reseller', 'beta', ...args], { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: ADMIN_TOKEN });
    const list = await asBeta('sub', 'list', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { subscriptions: { name: string }[] }).subscriptions.map((x) => x.name)).toEqual(['beta.example']);
    const denied = await asBeta('sub', 'suspend', 'acme.example');
    expect(denied.code).not.toBe(0);
    const created = await asBeta('customer', 'create', 'frank', '--email', 'frank@example.org', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ login: 'frank', reseller: 'beta' });
    const row = api.core.ctx.db
      .prepare<[], { actor: string; on_behalf_of: string | null }>("SELECT actor, on_behalf_of FROM events WHERE type = 'customer.created' AND entity_name = 'frank'")
      .get();
    expect(row).toEqual({ actor: 'bootstrap-admin', on_behalf_of: 'beta' });
    const unknown = await runCli(['--as-reseller', 'nobody', 'customer', 'list'], { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: ADMIN_TOKEN });
    expect(unknown.code).not.toBe(0);
  });
});
