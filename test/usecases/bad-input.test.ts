/**
 * Bad input for every writer: a precise error (code, and the field or entity named) and the
 * database unchanged, asserted on a dump of every table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD, expectRefused, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeAll(() => {
  t = openTestCore();
  t.core.reportCapabilities('web1.example.net', report(STANDARD));
  t.core.createCustomer({ login: 'alice', email: 'alice@example.org' });
  t.core.createPlan({ name: 'Basic', values: { 'limits.disk_space': '10G', 'hosting.php': true } });
  t.core.createPlan({ name: 'Extra', kind: 'addon', values: { 'limits.disk_space': '5G' } });
  t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Extra'] });
  t.core.createSubscription({ name: 'custom.example', customer: 'alice', custom: true });
});
afterAll(() => t.close());

type Case = [label: string, call: () => unknown, code: string, mentions: string];

const cases: Case[] = [
  // plans
  ['plan: unknown key', () => t.core.createPlan({ name: 'P', values: { 'limits.diskspace': '1G' } }), 'INVALID_ARGUMENT', 'limits.diskspace'],
  ['plan: malformed size', () => t.core.createPlan({ name: 'P', values: { 'limits.disk_space': '12X' } }), 'INVALID_ARGUMENT', "'12X'"],
  ['plan: negative count', () => t.core.createPlan({ name: 'P', values: { 'limits.mailboxes': '-1' } }), 'INVALID_ARGUMENT', 'limits.mailboxes'],
  ['plan: negative number', () => t.core.createPlan({ name: 'P', values: { 'limits.mailboxes': -1 } }), 'INVALID_ARGUMENT', '-1'],
  ['plan: bad enum', () => t.core.createPlan({ name: 'P', values: { 'hosting.php_handler': 'mod_php' } }), 'INVALID_ARGUMENT', "'mod_php'"],
  ['plan: bad version', () => t.core.createPlan({ name: 'P', values: { 'hosting.php_version': '8' } }), 'INVALID_ARGUMENT', 'hosting.php_version'],
  ['plan: bad kind', () => t.core.createPlan({ name: 'P', kind: 'premium' as never }), 'INVALID_ARGUMENT', "'premium'"],
  ['plan: empty name', () => t.core.createPlan({ name: '  ' }), 'INVALID_ARGUMENT', 'name'],
  ['plan: duplicate name', () => t.core.createPlan({ name: 'Basic' }), 'ALREADY_EXISTS', "'Basic'"],
  ['plan: the same name in another case', () => t.core.createPlan({ name: 'basic' }), 'ALREADY_EXISTS', "plan 'Basic' already exists: plan names ignore case"],
  ['addon: not-in-addons key', () => t.core.createPlan({ name: 'A', kind: 'addon', values: { 'hosting.php_version': '8.2' } }), 'INVALID_ARGUMENT', 'hosting.php_version'],
  ['plan update: unknown plan', () => t.core.updatePlan('Nope', { set: { 'limits.traffic': '1G' } }), 'NOT_FOUND', "'Nope'"],
  ['plan update: unknown key', () => t.core.updatePlan('Basic', { set: { 'limits.nope': '1' } }), 'INVALID_ARGUMENT', 'limits.nope'],
  ['plan update: unknown unset key', () => t.core.updatePlan('Basic', { unset: ['limits.nope'] }), 'INVALID_ARGUMENT', 'limits.nope'],
  ['plan update: a key both set and unset', () => t.core.updatePlan('Basic', { set: { 'limits.traffic': '1G' }, unset: ['limits.traffic'] }), 'INVALID_ARGUMENT', 'limits.traffic: both set and unset'],
  ['plan update: malformed size', () => t.core.updatePlan('Basic', { set: { 'limits.disk_space': '10 gigs' } }), 'INVALID_ARGUMENT', 'limits.disk_space'],
  ['addon update: not-in-addons key', () => t.core.updatePlan('Extra', { set: { 'limits.validity': '1y' } }), 'INVALID_ARGUMENT', 'limits.validity'],
  ['plan update: stale version', () => t.core.updatePlan('Basic', { set: { 'limits.traffic': '1G' }, expectedVersion: 42 }), 'ABORTED', "'Basic'"],
  ['plan delete: in use', () => t.core.deletePlan('Basic'), 'FAILED_PRECONDITION', "'Basic'"],
  ['plan delete: unknown', () => t.core.deletePlan('Nope'), 'NOT_FOUND', "'Nope'"],
  // customers
  ['customer: bad login', () => t.core.createCustomer({ login: 'Bob Smith', email: 'b@example.org' }), 'INVALID_ARGUMENT', 'login'],
  ['customer: bad email', () => t.core.createCustomer({ login: 'bob', email: 'bob' }), 'INVALID_ARGUMENT', 'email'],
  ['customer: duplicate', () => t.core.createCustomer({ login: 'alice', email: 'a@example.org' }), 'ALREADY_EXISTS', "'alice'"],
  ['customer suspend: unknown', () => t.core.suspendCustomer('nobody'), 'NOT_FOUND', "'nobody'"],
  ['customer delete: has subscriptions', () => t.core.deleteCustomer('alice'), 'FAILED_PRECONDITION', "'alice'"],
  // subscriptions
  ['sub: empty domain', () => t.core.createSubscription({ name: '', customer: 'alice', plan: 'Basic' }), 'INVALID_ARGUMENT', 'name'],
  ['sub: invalid domain', () => t.core.createSubscription({ name: 'bad_domain!.com', customer: 'alice', plan: 'Basic' }), 'INVALID_ARGUMENT', "'bad_domain!.com'"],
  ['sub: single label', () => t.core.createSubscription({ name: 'localhost', customer: 'alice', plan: 'Basic' }), 'INVALID_ARGUMENT', "'localhost'"],
  ['sub: path traversal', () => t.core.createSubscription({ name: '../../etc', customer: 'alice', plan: 'Basic' }), 'INVALID_ARGUMENT', 'name'],
  ['sub: duplicate', () => t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' }), 'ALREADY_EXISTS', "'example.com'"],
  ['sub: unknown customer', () => t.core.createSubscription({ name: 'n.com', customer: 'nobody', plan: 'Basic' }), 'NOT_FOUND', "'nobody'"],
  ['sub: unknown plan', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Gold' }), 'NOT_FOUND', "'Gold'"],
  ['sub: unknown host', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Basic', host: 'web9.example.net' }), 'NOT_FOUND', "'web9.example.net'"],
  ['sub: unknown add-on', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Basic', addons: ['Nope'] }), 'NOT_FOUND', "'Nope'"],
  ['sub: duplicate add-on', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Basic', addons: ['Extra', 'Extra'] }), 'ALREADY_EXISTS', "'Extra'"],
  ['sub: no plan, not custom', () => t.core.createSubscription({ name: 'n.com', customer: 'alice' }), 'INVALID_ARGUMENT', 'plan'],
  ['sub: plan and custom', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Basic', custom: true }), 'INVALID_ARGUMENT', 'plan'],
  ['sub: bad value', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', custom: true, values: { 'limits.disk_space': '12X' } }), 'INVALID_ARGUMENT', 'limits.disk_space'],
  ['sub: bad expiry', () => t.core.createSubscription({ name: 'n.com', customer: 'alice', plan: 'Basic', expiresAt: 'next week' }), 'INVALID_ARGUMENT', 'expiresAt'],
  ['sub show: unknown', () => t.core.getSubscription('nope.com'), 'NOT_FOUND', "'nope.com'"],
  ['customize: unknown key', () => t.core.customizeSubscription('example.com', { set: { 'php.nope': '1' } }), 'INVALID_ARGUMENT', 'php.nope'],
  ['customize: a key both set and unset', () => t.core.customizeSubscription('example.com', { set: { 'limits.mailboxes': '5' }, unset: ['limits.mailboxes'] }), 'INVALID_ARGUMENT', 'both set and unset'],
  ['customize: nothing', () => t.core.customizeSubscription('example.com', {}), 'INVALID_ARGUMENT', 'set'],
  ['customize: malformed', () => t.core.customizeSubscription('example.com', { set: { 'php.memory_limit': 'lots' } }), 'INVALID_ARGUMENT', "'lots'"],
  ['customize as customer: undelegated', () => t.core.customizeSubscription('example.com', { set: { 'hosting.php': false }, asCustomer: true }), 'PERMISSION_DENIED', 'hosting.php'],
  ['accept: no conflicts', () => t.core.acceptConflicts('example.com', 'abc'), 'FAILED_PRECONDITION', "'example.com'"],
  ['unlock: custom', () => t.core.unlockSubscription('custom.example'), 'FAILED_PRECONDITION', "'custom.example'"],
  ['unlock: not locked', () => t.core.unlockSubscription('example.com'), 'FAILED_PRECONDITION', "subscription 'example.com' is not locked: there is nothing to unlock"],
  ['detach: already custom', () => t.core.detachSubscription('custom.example'), 'FAILED_PRECONDITION', "'custom.example'"],
  ['add-on on custom', () => t.core.addAddon('custom.example', 'Extra'), 'FAILED_PRECONDITION', "'custom.example'"],
  ['add-on twice', () => t.core.addAddon('example.com', 'Extra'), 'ALREADY_EXISTS', "'Extra'"],
  ['service plan as add-on', () => t.core.addAddon('example.com', 'Basic'), 'INVALID_ARGUMENT', "'Basic'"],
  ['add-on as main plan', () => t.core.switchPlan('example.com', 'Extra'), 'INVALID_ARGUMENT', "'Extra'"],
  ['remove add-on not attached', () => t.core.removeAddon('custom.example', 'Extra'), 'NOT_FOUND', "'Extra'"],
  ['renew: past date', () => t.core.renewSubscription('example.com', '2020-01-01'), 'INVALID_ARGUMENT', 'expiresAt'],
  ['renew: malformed date', () => t.core.renewSubscription('example.com', '31/12/2030'), 'INVALID_ARGUMENT', "'31/12/2030'"],
  ['suspend: unknown', () => t.core.suspendSubscription('nope.com'), 'NOT_FOUND', "'nope.com'"],
  ['delete: unknown', () => t.core.deleteSubscription('nope.com'), 'NOT_FOUND', "'nope.com'"],
  // hosts
  ['report: bad host name', () => t.core.reportCapabilities('web 1', report(STANDARD)), 'INVALID_ARGUMENT', "'web 1'"],
  ['report: unknown component', () => t.core.reportCapabilities('web2.example.net', { components: [{ name: 'iis' as never }] }), 'INVALID_ARGUMENT', "'iis'"],
  ['report: negative disk', () => t.core.reportCapabilities('web2.example.net', { components: [], disk: { totalBytes: -1, freeBytes: 0, allocatableBytes: 0 } }), 'INVALID_ARGUMENT', 'disk.totalBytes'],
  ['host state: bad', () => t.core.setHostState('web1.example.net', 'asleep' as never), 'INVALID_ARGUMENT', "'asleep'"],
  ['host state: unknown host', () => t.core.setHostState('web9.example.net', 'maintenance'), 'NOT_FOUND', "'web9.example.net'"],
  ['host remove: carries subscriptions', () => t.core.removeHost('web1.example.net'), 'FAILED_PRECONDITION', "'web1.example.net'"],
];

describe('bad input is refused precisely and changes nothing', () => {
  it.each(cases)('%s', (_label, call, code, mentions) => {
    const error = expectRefused(t, code, call);
    expect(error).toMatchObject({ code });
    expect(error.message).toContain(mentions);
  });
});

describe('plan names ignore case, like subscription names', () => {
  it('a plan is found whatever the case it is given in, and the record keeps its own name', () => {
    const s = t.core.createSubscription({ name: 'case.example', customer: 'alice', plan: 'BASIC', addons: ['extra'] });
    expect(s.plan).toBe('Basic');
    expect(s.addons).toEqual(['Extra']);
    t.core.deleteSubscription('case.example');
  });
});

describe('placement when no agent is connected', () => {
  it('is refused naming the ready hosts whose agent is not connected, and changes nothing', () => {
    t.core.ctx.agentPresence = { hasSession: () => false };
    try {
      const error = expectRefused(t, 'FAILED_PRECONDITION', () => t.core.createSubscription({ name: 'nowhere.example', customer: 'alice', plan: 'Basic' }));
      expect(error.message).toBe('no host whose agent is connected can take the subscription (ready, agent not connected: web1.example.net): start its agent, or name a host');
      expect(t.core.createSubscription({ name: 'named.example', customer: 'alice', plan: 'Basic', host: 'web1.example.net' }).host).toBe('web1.example.net');
      t.core.deleteSubscription('named.example');
    } finally {
      t.core.ctx.agentPresence = undefined;
    }
  });
});
