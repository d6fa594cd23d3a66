/**
 * Reseller tokens bound to the reseller, on the real Admin API: refused while it is suspended,
 * gone with it (a reseller created again under the same login does not inherit them), and token
 * names never silently replaced (a reseller token cannot take the admin token's name).
 */
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
const c = () => api.client;

beforeAll(async () => {
  api = await startTestApi();
  api.core.createPlan({ name: 'Reseller S', kind: 'reseller', values: {} });
  api.core.createReseller({ login: 'rc', email: 'ops@rc.example', plan: 'Reseller S' });
});
afterAll(() => api.stop());

describe('reseller tokens', () => {
  it('WhoAmI names the token, its role and, for a reseller token, the reseller; a wrong token is unauthenticated', async () => {
    expect(await api.call(c().whoAmI, {}, ADMIN_TOKEN)).toEqual({ name: 'bootstrap-admin', role: 'admin', reseller: '' });
    const { token } = await api.call(c().createResellerToken, { login: 'rc', name: 'rc-who' });
    expect(await api.call(c().whoAmI, {}, token)).toEqual({ name: 'rc-who', role: 'reseller', reseller: 'rc' });
    expect((await api.fail(c().whoAmI, {}, 'hp_not-a-token')).code).toBe(status.UNAUTHENTICATED);
  });

  it('a token name is never replaced: not the admin token, not another reseller token', async () => {
    const before = api.dump();
    const err = await api.fail(c().createResellerToken, { login: 'rc', name: 'bootstrap-admin' });
    expect(err.code).toBe(status.ALREADY_EXISTS);
    expect(api.dump()).toBe(before);
    // The admin token is still the admin's.
    expect((await api.call(c().listHosts, { state: 0 }, ADMIN_TOKEN)).hosts).toEqual([]);
    await api.call(c().createResellerToken, { login: 'rc', name: 'rc-ops' });
    expect((await api.fail(c().createResellerToken, { login: 'rc', name: 'rc-ops' })).code).toBe(status.ALREADY_EXISTS);
  });

  it('refused while the reseller is suspended, accepted again once it is activated', async () => {
    const { token } = await api.call(c().createResellerToken, { login: 'rc', name: 'rc-suspend' });
    expect((await api.call(c().getReseller, { login: 'rc' }, token)).reseller!.login).toBe('rc');
    await api.call(c().suspendReseller, { login: 'rc' });
    const before = api.dump();
    const refused = await api.fail(c().createPlan, { name: 'Sneaky', kind: 1, values: {}, reseller: '' }, token);
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    expect(refused.details).toContain("reseller 'rc' is suspended");
    expect(api.dump()).toBe(before);
    await api.call(c().activateReseller, { login: 'rc' });
    expect((await api.call(c().getReseller, { login: 'rc' }, token)).reseller!.login).toBe('rc');
  });

  it('deleted with the reseller: a new reseller of the same login does not inherit them', async () => {
    const { token } = await api.call(c().createResellerToken, { login: 'rc', name: 'rc-old' });
    await api.call(c().deleteReseller, { login: 'rc' });
    api.core.createReseller({ login: 'rc', email: 'new-owner@rc.example', plan: 'Reseller S' });
    api.core.createCustomer({ login: 'newcust', email: 'n@example.org', reseller: 'rc' });
    const err = await api.fail(c().listCustomers, { state: 0 }, token);
    expect(err.code).toBe(status.UNAUTHENTICATED);
  });
});
