/**
 * API tokens on the real Admin API and the real CLI: created with a name (taken names refused), a
 * role and an optional expiry; listed without secrets; revoked — refused at once, a live event
 * stream included; an expired token refused; reseller tokens bound to their reseller.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { WatchEventsResponse } from '@hostplane/proto/hostplane/v1/event.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
const c = () => api.client;

beforeAll(async () => {
  api = await startTestApi();
  api.core.createPlan({ name: 'Reseller S', kind: 'reseller', values: {} });
  api.core.createReseller({ login: 'acme', email: 'ops@acme.example', plan: 'Reseller S' });
});
afterAll(() => api.stop());

const cli = (args: string[], token = ADMIN_TOKEN) => runCli(args, { HOSTPLANE_CONTROLLER: api.address, HOSTPLANE_TOKEN: token });

describe('hostplane token', () => {
  it('create (secret once), list (no secrets), taken names refused, revoke', async () => {
    const created = await cli(['token', 'create', 'billing', '--role', 'admin', '--expires-in', '90d', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { token: string; name: string; role: string; expiresAt: string };
    expect(made).toMatchObject({ name: 'billing', role: 'admin' });
    expect(made.token).toMatch(/^hpa_/);
    expect(Date.parse(made.expiresAt) - api.clock.now().getTime()).toBe(90 * 86_400_000);
    // The new token works as an admin's.
    expect((await cli(['host', 'list'], made.token)).code).toBe(0);

    const again = await cli(['token', 'create', 'billing']);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("token 'billing' already exists");

    const list = await cli(['token', 'list', '--json']);
    const tokens = (JSON.parse(list.stdout) as { tokens: { name: string }[] }).tokens;
    expect(tokens.map((t) => t.name)).toEqual(expect.arrayContaining(['billing', 'bootstrap-admin']));
    expect(list.stdout).not.toContain(made.token);

    expect((await cli(['token', 'revoke', 'billing'])).code).toBe(0);
    const refused = await cli(['host', 'list'], made.token);
    expect(refused.code).toBe(5);
    expect((await cli(['token', 'revoke', 'billing'])).code).toBe(3);
  });

  it('a reseller token acts for its reseller; bad input is refused', async () => {
    const res = await api.call(c().createToken, { name: 'acme-ci', role: 'reseller', reseller: 'acme', ttlSeconds: '0' });
    expect(res.apiToken).toMatchObject({ name: 'acme-ci', role: 'reseller', reseller: 'acme' });
    expect((await api.call(c().getReseller, { login: 'acme' }, res.token)).reseller!.login).toBe('acme');
    expect((await api.fail(c().listTokens, {}, res.token)).code).toBe(status.PERMISSION_DENIED);
    for (const [req, field] of [
      [{ name: 'x', role: 'root', reseller: '', ttlSeconds: '0' }, 'role'],
      [{ name: 'bad name!', role: 'admin', reseller: '', ttlSeconds: '0' }, 'name'],
      [{ name: 'y', role: 'reseller', reseller: 'nobody', ttlSeconds: '0' }, 'reseller'],
      [{ name: 'z', role: 'admin', reseller: '', ttlSeconds: '-5' }, 'ttlSeconds'],
    ] as const) {
      const err = await api.fail(c().createToken, req);
      expect([status.INVALID_ARGUMENT, status.NOT_FOUND], `${field}: ${err.details}`).toContain(err.code);
    }
  });

  it('an expired token is refused', async () => {
    const res = await api.call(c().createToken, { name: 'short', role: 'admin', reseller: '', ttlSeconds: '60' });
    api.clock.advance(61_000);
    const err = await api.fail(c().listHosts, { state: 0 }, res.token);
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.details).toContain("token 'short' expired");
  });

  it('revoking a token ends its live event stream at once', async () => {
    const { token } = await api.call(c().createToken, { name: 'watcher', role: 'admin', reseller: '', ttlSeconds: '0' });
    const md = new Metadata();
    md.set('authorization', `Bearer ${token}`);
    const stream = c().watchEvents({ afterId: undefined, types: [] }, md);
    const ended = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    stream.on('data', (_m: WatchEventsResponse) => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await api.call(c().revokeToken, { name: 'watcher' });
    const err = await ended;
    expect(err.code).toBe(status.UNAUTHENTICATED);
  });
});
