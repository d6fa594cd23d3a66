/**
 * Reseller accounts through the use cases on a real SQLite file: allocation, oversell at every
 * writer (with the database unchanged on refusal), permission caps, reseller plan Update & Sync,
 * unsynced/accept, and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflictsFingerprint } from '../../controller/src/index.js';
import { GiB, STANDARD, expectRefused, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.createPlan({
    name: 'Reseller S',
    kind: 'reseller',
    values: {
      'limits.disk_space': '20G',
      'limits.mailboxes': '20',
      'reseller.customers': '2',
      'reseller.subscriptions': '3',
      'permissions.manage_php_settings': 'true',
    },
  });
  c.createReseller({ login: 'acme', email: 'ops@acme.example', plan: 'Reseller S' });
  c.createCustomer({ login: 'bob', email: 'bob@example.org', reseller: 'acme' });
  c.createPlan({
    name: 'Acme Basic',
    reseller: 'acme',
    values: {
      'limits.disk_space': '10G',
      'limits.mailboxes': '5',
      'permissions.manage_php_settings': 'true',
      'permissions.manage_dns': 'true',
    },
  });
  c.createPlan({ name: 'Acme Big', reseller: 'acme', values: { 'limits.disk_space': '15G' } });
  c.createPlan({ name: 'Acme Disk', kind: 'addon', reseller: 'acme', values: { 'limits.disk_space': '8G' } });
});

afterEach(() => t.close());

const refused = (code: string, fn: () => unknown): Error => expectRefused(t, code, fn);

const oversell = () => t.core.updatePlan('Reseller S', { set: { 'reseller.oversell': true } });

describe('catalogue and bad input', () => {
  it('reseller.* keys are refused in service and add-on plans and in subscriptions, naming the key', () => {
    refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'X', values: { 'reseller.customers': '5' } }));
    const err = refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'Y', kind: 'addon', values: { 'reseller.oversell': 'true' } }));
    expect(err.message).toContain('reseller.oversell');
    refused('INVALID_ARGUMENT', () => t.core.updatePlan('Acme Basic', { set: { 'reseller.subscriptions': 'unlimited' } }));
    refused('INVALID_ARGUMENT', () => t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic', values: { 'reseller.customers': 1 } }));
  });

  it('a reseller plan refuses per-item, hosting and php keys, naming the key', () => {
    for (const [key, value] of [['hosting.php', 'true'], ['limits.mailbox_size', '1G'], ['limits.validity', '1y'], ['php.memory_limit', '128M']]) {
      const err = refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'R2', kind: 'reseller', values: { [key!]: value } }));
      expect(err.message).toContain(key);
    }
  });

  it('reseller values are validated: counts, unlimited, bool', () => {
    refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'R2', kind: 'reseller', values: { 'reseller.customers': '-1' } }));
    refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'R2', kind: 'reseller', values: { 'reseller.oversell': 'maybe' } }));
    const p = t.core.createPlan({ name: 'R2', kind: 'reseller', values: { 'reseller.customers': 'unlimited', 'reseller.oversell': 'yes' } });
    expect(p.values).toEqual({ 'reseller.customers': 'unlimited', 'reseller.oversell': true });
  });

  it('bad reseller input: login, e-mail, plan kind, unknown plan, duplicates, unknown reseller', () => {
    refused('INVALID_ARGUMENT', () => t.core.createReseller({ login: 'Bad Login', email: 'a@b.example', plan: 'Reseller S' }));
    refused('INVALID_ARGUMENT', () => t.core.createReseller({ login: 'r2', email: 'nope', plan: 'Reseller S' }));
    refused('INVALID_ARGUMENT', () => t.core.createReseller({ login: 'r2', email: 'a@b.example', plan: 'Acme Basic' }));
    refused('NOT_FOUND', () => t.core.createReseller({ login: 'r2', email: 'a@b.example', plan: 'Nope' }));
    refused('ALREADY_EXISTS', () => t.core.createReseller({ login: 'acme', email: 'a@b.example', plan: 'Reseller S' }));
    refused('NOT_FOUND', () => t.core.createCustomer({ login: 'carol', email: 'c@example.org', reseller: 'nobody' }));
    refused('NOT_FOUND', () => t.core.getReseller('nobody'));
    refused('INVALID_ARGUMENT', () => t.core.createPlan({ name: 'RR', kind: 'reseller', reseller: 'acme' }));
    refused('INVALID_ARGUMENT', () => t.core.switchResellerPlan('acme', 'Acme Basic'));
    refused('INVALID_ARGUMENT', () => t.core.customizeReseller('acme', { set: { 'hosting.php': true } }));
    refused('INVALID_ARGUMENT', () => t.core.customizeReseller('acme', {}));
    refused('INVALID_ARGUMENT', () => t.core.acceptResellerValues('acme', ''));
  });

  it("a reseller's customers use only its plans; the provider's customers only the provider's", () => {
    t.core.createCustomer({ login: 'alice', email: 'alice@example.org' });
    t.core.createPlan({ name: 'Provider Basic', values: {} });
    refused('INVALID_ARGUMENT', () => t.core.createSubscription({ name: 'a.example', customer: 'alice', plan: 'Acme Basic' }));
    refused('INVALID_ARGUMENT', () => t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Provider Basic' }));
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    refused('INVALID_ARGUMENT', () => t.core.switchPlan('b.example', 'Provider Basic'));
  });

  it('delete: refused while the reseller owns customers or plans; a reseller plan in use cannot be deleted', () => {
    refused('FAILED_PRECONDITION', () => t.core.deleteReseller('acme'));
    refused('FAILED_PRECONDITION', () => t.core.deletePlan('Reseller S'));
    t.core.createReseller({ login: 'solo', email: 'solo@example.org', plan: 'Reseller S' });
    t.core.deleteReseller('solo');
    expect(t.core.listResellers().map((r) => r.login)).toEqual(['acme']);
  });
});

describe('allocation', () => {
  it('sums plan values over the subscriptions of its customers, with add-ons; unlimited absorbs', () => {
    t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '30G' } });
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic', addons: ['Acme Disk'] });
    let r = t.core.getReseller('acme');
    expect(r.allocation['limits.disk_space']).toBe(28 * GiB);
    expect(r.allocation['limits.mailboxes']).toBe(10);
    expect(r.allocation['reseller.customers']).toBe(1);
    expect(r.allocation['reseller.subscriptions']).toBe(2);
    expect(r.customers).toBe(1);
    expect(r.plans).toBe(3);
    oversell();
    t.core.createPlan({ name: 'Acme Unlimited', kind: 'addon', reseller: 'acme', values: { 'limits.disk_space': 'unlimited' } });
    t.core.addAddon('a.example', 'Acme Unlimited');
    r = t.core.getReseller('acme');
    expect(r.allocation['limits.disk_space']).toBe('unlimited');
    expect(r.syncStatus).toBe('synced'); // oversell: no conflict
  });

  it('the provider and its customers are not affected by resellers', () => {
    t.core.createCustomer({ login: 'alice', email: 'alice@example.org' });
    t.core.createPlan({ name: 'Huge', values: { 'limits.disk_space': '100G', 'permissions.manage_dns': true } });
    const s = t.core.createSubscription({ name: 'p.example', customer: 'alice', plan: 'Huge' });
    expect(s.planValues!['permissions.manage_dns']).toBe(true);
    expect(t.core.getReseller('acme').allocation['limits.disk_space']).toBe(0);
  });
});

describe('without oversell, every writer is refused beyond the allocation (RESOURCE_EXHAUSTED, nothing written)', () => {
  beforeEach(() => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' }); // 10G of 20G
  });

  it('create subscription: names the resource, the limit and the requested total', () => {
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' }); // 20G of 20G: fits exactly
    const err = refused('RESOURCE_EXHAUSTED', () => t.core.createSubscription({ name: 'c.example', customer: 'bob', plan: 'Acme Basic' }));
    expect(err.message).toContain('limits.disk_space');
    expect(err.message).toContain('30G');
    expect(err.message).toContain('20G');
    expect(err.message).toContain("reseller 'acme'");
  });

  it('create subscription: reseller.subscriptions counts', () => {
    t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': 'unlimited' } });
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'c.example', customer: 'bob', plan: 'Acme Basic' });
    const err = refused('RESOURCE_EXHAUSTED', () => t.core.createSubscription({ name: 'd.example', customer: 'bob', plan: 'Acme Basic' }));
    expect(err.message).toContain('reseller.subscriptions');
  });

  it('create customer: reseller.customers counts', () => {
    t.core.createCustomer({ login: 'carol', email: 'carol@example.org', reseller: 'acme' });
    const err = refused('RESOURCE_EXHAUSTED', () => t.core.createCustomer({ login: 'dave', email: 'dave@example.org', reseller: 'acme' }));
    expect(err.message).toContain('reseller.customers');
  });

  it('switch plan', () => {
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    refused('RESOURCE_EXHAUSTED', () => t.core.switchPlan('b.example', 'Acme Big'));
  });

  it('add-on within the allocation, and removing it frees it', () => {
    t.core.addAddon('a.example', 'Acme Disk'); // 18G of 20G
    refused('RESOURCE_EXHAUSTED', () => t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Big' }));
    t.core.removeAddon('a.example', 'Acme Disk');
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
  });

  it('add-on beyond the allocation', () => {
    t.core.addAddon('a.example', 'Acme Disk'); // 18G of 20G
    t.core.createPlan({ name: 'Acme Disk 2', kind: 'addon', reseller: 'acme', values: { 'limits.disk_space': '3G' } });
    const err = refused('RESOURCE_EXHAUSTED', () => t.core.addAddon('a.example', 'Acme Disk 2'));
    expect(err.message).toContain('21G');
  });

  it("plan update of the reseller's own plan", () => {
    const err = refused('RESOURCE_EXHAUSTED', () => t.core.updatePlan('Acme Basic', { set: { 'limits.disk_space': '25G' } }));
    expect(err.message).toContain('limits.disk_space');
    t.core.updatePlan('Acme Basic', { set: { 'limits.disk_space': '20G' } });
  });

  it('customize (own values count as allocated)', () => {
    refused('RESOURCE_EXHAUSTED', () => t.core.customizeSubscription('a.example', { set: { 'limits.disk_space': '30G' } }));
  });

  it('shrinking is always allowed, and deleting frees allocation', () => {
    t.core.updatePlan('Acme Basic', { set: { 'limits.disk_space': '5G' } });
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Big' }); // 20G
    refused('RESOURCE_EXHAUSTED', () => t.core.createSubscription({ name: 'c.example', customer: 'bob', plan: 'Acme Basic' }));
    t.core.deleteSubscription('b.example');
    t.core.createSubscription({ name: 'c.example', customer: 'bob', plan: 'Acme Basic' });
    expect(t.core.getReseller('acme').allocation['limits.disk_space']).toBe(10 * GiB);
  });
});

describe('with oversell, every writer is allowed and the overallocation shows', () => {
  beforeEach(() => {
    oversell();
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
  });

  it('create, switch, add-on, plan update, customer create', () => {
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'c.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'd.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.switchPlan('b.example', 'Acme Big');
    t.core.addAddon('a.example', 'Acme Disk');
    t.core.updatePlan('Acme Basic', { set: { 'limits.disk_space': '50G' } });
    t.core.createCustomer({ login: 'carol', email: 'carol@example.org', reseller: 'acme' });
    t.core.createCustomer({ login: 'dave', email: 'dave@example.org', reseller: 'acme' });
    const r = t.core.getReseller('acme');
    expect(r.syncStatus).toBe('synced');
    expect(r.effectiveValues['limits.disk_space']).toBe(20 * GiB);
    expect(r.allocation['limits.disk_space']).toBe((50 + 8 + 15 + 50 + 50) * GiB);
    expect(r.allocation['reseller.subscriptions']).toBe(4);
    expect(r.allocation['reseller.customers']).toBe(3);
  });
});

describe('permission caps', () => {
  it('a permission the reseller plan withholds cannot be granted by the reseller plans', () => {
    const s = t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    expect(s.planValues!['permissions.manage_dns']).toBe(false); // withheld by Reseller S
    expect(s.planValues!['permissions.manage_php_settings']).toBe(true); // granted by both
    expect(s.desiredValues['permissions.manage_dns']).toBe(false);
  });

  it('delegation follows the capped permission', () => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    refused('PERMISSION_DENIED', () => t.core.customizeSubscription('a.example', { asCustomer: true, set: { 'hosting.php_version': '7.4' } }));
    t.core.customizeSubscription('a.example', { asCustomer: true, set: { 'php.memory_limit': '256M' } });
  });

  it('a reseller plan granting the permission lets it through, on update (Update & Sync) of the reseller plan', () => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.updatePlan('Reseller S', { set: { 'permissions.manage_dns': true } });
    expect(t.core.getSubscription('a.example').planValues!['permissions.manage_dns']).toBe(true);
    t.core.updatePlan('Reseller S', { set: { 'permissions.manage_dns': false } });
    expect(t.core.getSubscription('a.example').planValues!['permissions.manage_dns']).toBe(false);
  });

  it('a locked custom subscription is capped too; customizing the reseller changes the cap', () => {
    t.core.createSubscription({ name: 'c.example', customer: 'bob', custom: true, values: { 'permissions.manage_dns': true, 'limits.disk_space': '1G' } });
    expect(t.core.getSubscription('c.example').desiredValues['permissions.manage_dns']).toBe(false);
    t.core.customizeReseller('acme', { set: { 'permissions.manage_dns': true } });
    expect(t.core.getSubscription('c.example').desiredValues['permissions.manage_dns']).toBe(true);
  });
});

describe('reseller plan Update & Sync', () => {
  beforeEach(() => {
    t.core.createReseller({ login: 'beta', email: 'ops@beta.example', plan: 'Reseller S' });
    t.core.createCustomer({ login: 'carol', email: 'carol@example.org', reseller: 'beta' });
    t.core.createPlan({ name: 'Beta Basic', reseller: 'beta', values: { 'limits.disk_space': '10G' } });
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.createSubscription({ name: 'c.example', customer: 'carol', plan: 'Beta Basic' });
  });

  it('applies to unlocked resellers only; an over-allocated one becomes unsynced with conflict rows', () => {
    t.core.customizeReseller('beta', { set: { 'reseller.customers': '10' } });
    expect(t.core.getReseller('beta').syncStatus).toBe('locked');
    const summary = t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '15G' } });
    expect(summary.synced).toBe(0);
    expect(summary.skippedLocked).toEqual(['beta']);
    expect(summary.unsynced.map((u) => u.name)).toEqual(['acme']);
    expect(summary.unsynced[0]!.conflicts.map((c) => [c.property, c.planValue, c.availableValue])).toEqual([
      ['limits.disk_space', 15 * GiB, 20 * GiB],
    ]);
    const acme = t.core.getReseller('acme');
    expect(acme.syncStatus).toBe('unsynced');
    expect(acme.conflicts).toHaveLength(1);
    const beta = t.core.getReseller('beta');
    expect(beta.effectiveValues['limits.disk_space']).toBe(20 * GiB); // locked: keeps its own values
  });

  it('an unsynced reseller refuses growth, allows shrinking, and becomes synced when back within its plan', () => {
    t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '15G' } });
    refused('RESOURCE_EXHAUSTED', () => t.core.addAddon('a.example', 'Acme Disk'));
    t.core.deleteSubscription('b.example');
    expect(t.core.getReseller('acme').syncStatus).toBe('synced');
  });

  it('sync returns the report; accept takes the allocated values as own values and locks; unlock syncs again', () => {
    t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '15G', 'reseller.subscriptions': '1' } });
    const report = t.core.syncReseller('acme');
    expect(report.syncStatus).toBe('unsynced');
    expect(report.conflicts.map((c) => [c.property, c.planValue, c.availableValue])).toEqual([
      ['limits.disk_space', 15 * GiB, 20 * GiB],
      ['reseller.subscriptions', 1, 2],
    ]);
    expect(report.fingerprint).toBe(conflictsFingerprint(report.conflicts));
    refused('FAILED_PRECONDITION', () => t.core.acceptResellerValues('acme', 'stale'));
    const r = t.core.acceptResellerValues('acme', report.fingerprint);
    expect(r.syncStatus).toBe('locked');
    expect(r.ownValues!['limits.disk_space']).toBe(20 * GiB);
    expect(r.ownValues!['reseller.subscriptions']).toBe(2);
    expect(r.ownValues!['permissions.manage_php_settings']).toBe(true);
    // locked: a further plan change skips it
    expect(t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '1G' } }).skippedLocked).toContain('acme');
    // locked at its allocation, without oversell: nothing more fits
    refused('RESOURCE_EXHAUSTED', () => t.core.createSubscription({ name: 'd.example', customer: 'bob', plan: 'Acme Basic' }));
    const unlocked = t.core.unlockReseller('acme');
    expect(unlocked.syncStatus).toBe('unsynced');
    expect(unlocked.ownValues).toBeNull();
    refused('FAILED_PRECONDITION', () => t.core.acceptResellerValues('beta', 'x')); // beta has no conflicts to accept
    expect(refused('FAILED_PRECONDITION', () => t.core.unlockReseller('acme')).message).toContain("reseller 'acme' is not locked"); // unlocked just above
  });

  it('switch-plan: follows the new plan and may end unsynced', () => {
    t.core.createPlan({ name: 'Reseller XS', kind: 'reseller', values: { 'limits.disk_space': '5G' } });
    const r = t.core.switchResellerPlan('acme', 'Reseller XS');
    expect(r.plan).toBe('Reseller XS');
    expect(r.syncStatus).toBe('unsynced');
    expect(r.conflicts[0]!.property).toBe('limits.disk_space');
  });

  it('records reseller events', () => {
    t.core.updatePlan('Reseller S', { set: { 'limits.disk_space': '15G' } });
    t.core.customizeReseller('acme', { set: { 'limits.disk_space': '40G' } });
    t.core.unlockReseller('acme');
    t.core.suspendReseller('acme');
    t.core.activateReseller('acme');
    const types = t.core.ctx.db
      .prepare<[], { type: string; entity_name: string }>("SELECT type, entity_name FROM events WHERE type LIKE 'reseller.%' ORDER BY id")
      .all()
      .map((e) => `${e.type} ${e.entity_name}`);
    expect(types).toEqual([
      'reseller.created acme',
      'reseller.created beta',
      'reseller.unsynced acme',
      'reseller.locked acme',
      'reseller.updated acme',
      'reseller.unlocked acme',
      'reseller.unsynced acme',
      'reseller.suspended acme',
      'reseller.activated acme',
    ]);
  });
});

describe('suspend and activate', () => {
  it("suspending a reseller suspends its customers' subscriptions (reason customer); activating restores them", () => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    expect(t.core.suspendReseller('acme').state).toBe('suspended');
    expect(t.core.getSubscription('a.example').suspensionReasons).toEqual(['customer']);
    t.core.createSubscription({ name: 'b.example', customer: 'bob', plan: 'Acme Basic' });
    expect(t.core.getSubscription('b.example').state).toBe('suspended');
    t.core.activateReseller('acme');
    expect(t.core.getSubscription('a.example').state).toBe('active');
    expect(t.core.getSubscription('b.example').state).toBe('active');
  });

  it("activating a customer of a suspended reseller leaves its subscriptions suspended", () => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.suspendCustomer('bob');
    t.core.suspendReseller('acme');
    expect(t.core.activateCustomer('bob').state).toBe('active');
    expect(t.core.getSubscription('a.example').suspensionReasons).toEqual(['customer']);
    t.core.activateReseller('acme');
    expect(t.core.getSubscription('a.example').state).toBe('active');
  });

  it('activating the reseller leaves a customer suspended on its own suspended', () => {
    t.core.createSubscription({ name: 'a.example', customer: 'bob', plan: 'Acme Basic' });
    t.core.suspendCustomer('bob');
    t.core.suspendReseller('acme');
    t.core.activateReseller('acme');
    expect(t.core.getSubscription('a.example').state).toBe('suspended');
  });
});
