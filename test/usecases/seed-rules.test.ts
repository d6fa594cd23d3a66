/**
 * The seed document's rules (../shared/seed) and SPEC §3–§5, one case per sentence where it applies,
 * through the use cases on a real SQLite file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conflictsFingerprint } from '../../controller/src/index.js';
import { GiB, MIVA, NGINX, STANDARD, fpm, openTestCore, php, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.createCustomer({ login: 'alice', displayName: 'Alice Martin', email: 'alice@example.org' });
  c.createPlan({
    name: 'Basic',
    values: {
      'limits.disk_space': '10G',
      'limits.mailboxes': '10',
      'hosting.php': 'true',
      'hosting.php_version': '8.2',
      'permissions.manage_php_settings': 'true',
      'php.memory_limit': '128M',
    },
  });
  c.createPlan({ name: 'Extra disk', kind: 'addon', values: { 'limits.disk_space': '5G', 'limits.mailboxes': '5' } });
  c.createPlan({ name: 'Miva pack', kind: 'addon', values: { 'hosting.miva': true } });
});

afterEach(() => t.close());

const sub = (name = 'example.com') => t.core.getSubscription(name);

describe('relations between subscriptions and plans', () => {
  it('a subscription shows its plan name in parentheses, or (Custom)', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    t.core.createSubscription({ name: 'deal.example', customer: 'alice', custom: true, values: { 'limits.disk_space': '1G' } });
    expect(sub().displayName).toBe('example.com (Basic)');
    expect(sub('deal.example').displayName).toBe('deal.example (Custom)');
    expect(sub('deal.example').syncStatus).toBe('custom');
  });

  it('add-ons add limits (sum) and enable services (or); unlimited absorbs', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Extra disk'] });
    expect(sub().planValues!['limits.disk_space']).toBe(15 * GiB);
    expect(sub().planValues!['limits.mailboxes']).toBe(15);
    t.core.createPlan({ name: 'Unlimited disk', kind: 'addon', values: { 'limits.disk_space': 'unlimited' } });
    t.core.addAddon('example.com', 'Unlimited disk');
    expect(sub().planValues!['limits.disk_space']).toBe('unlimited');
    expect(sub().addons).toEqual(['Extra disk', 'Unlimited disk']);
  });

  it('an add-on is attached only once', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Extra disk'] });
    const before = t.dump();
    expect(() => t.core.addAddon('example.com', 'Extra disk')).toThrow(
      expect.objectContaining({ code: 'ALREADY_EXISTS', message: expect.stringContaining("'Extra disk'") }),
    );
    expect(t.dump()).toBe(before);
  });

  it('a custom subscription cannot take add-ons', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', custom: true, values: {} });
    expect(() => t.core.addAddon('example.com', 'Extra disk')).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    expect(() => t.core.createSubscription({ name: 'other.com', customer: 'alice', custom: true, addons: ['Extra disk'] })).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION' }),
    );
  });

  it('a service plan is not an add-on, and an add-on is not a main plan', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    expect(() => t.core.addAddon('example.com', 'Basic')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'addon' }));
    expect(() => t.core.createSubscription({ name: 'b.com', customer: 'alice', plan: 'Extra disk' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'plan' }),
    );
    expect(() => t.core.switchPlan('example.com', 'Miva pack')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('switching plan keeps add-ons; removing an add-on takes its values away', () => {
    t.core.createPlan({ name: 'Pro', values: { 'limits.disk_space': '50G', 'hosting.php': true } });
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Extra disk'] });
    const s = t.core.switchPlan('example.com', 'Pro');
    expect(s.plan).toBe('Pro');
    expect(s.addons).toEqual(['Extra disk']);
    expect(s.providedValues['limits.disk_space']).toBe(55 * GiB);
    expect(t.core.removeAddon('example.com', 'Extra disk').providedValues['limits.disk_space']).toBe(50 * GiB);
    expect(() => t.core.removeAddon('example.com', 'Extra disk')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('detach removes plan and add-ons and keeps the values as own values (Custom)', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Extra disk'] });
    const s = t.core.detachSubscription('example.com');
    expect(s.plan).toBeNull();
    expect(s.addons).toEqual([]);
    expect(s.syncStatus).toBe('custom');
    expect(s.displayName).toBe('example.com (Custom)');
    expect(s.ownValues!['limits.disk_space']).toBe(15 * GiB);
    expect(s.providedValues['limits.disk_space']).toBe(15 * GiB);
    // plan changes no longer reach it
    t.core.updatePlan('Basic', { set: { 'limits.disk_space': '1G' } });
    expect(sub().providedValues['limits.disk_space']).toBe(15 * GiB);
  });
});

describe('synchronization with plans', () => {
  it('a plan change propagates to unlocked subscriptions only, and says so in the summary', () => {
    t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' });
    t.core.createSubscription({ name: 'b.com', customer: 'alice', plan: 'Basic' });
    t.core.customizeSubscription('b.com', { set: { 'limits.mailboxes': '50' } });
    expect(sub('b.com').syncStatus).toBe('locked');
    const summary = t.core.updatePlan('Basic', { set: { 'limits.disk_space': '20G' } });
    expect(summary.synced).toBe(1);
    expect(summary.skippedLocked).toEqual(['b.com']);
    expect(summary.unsynced).toEqual([]);
    expect(summary.plan.version).toBe(2);
    expect(sub('a.com').providedValues['limits.disk_space']).toBe(20 * GiB);
    expect(sub('b.com').providedValues['limits.disk_space']).toBe(10 * GiB);
    expect(sub('b.com').providedValues['limits.mailboxes']).toBe(50);
  });

  it('an add-on change propagates to the subscriptions that carry it', () => {
    t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic', addons: ['Extra disk'] });
    t.core.createSubscription({ name: 'b.com', customer: 'alice', plan: 'Basic' });
    const summary = t.core.updatePlan('Extra disk', { set: { 'limits.disk_space': '20G' } });
    expect(summary.synced).toBe(1);
    expect(sub('a.com').providedValues['limits.disk_space']).toBe(30 * GiB);
    expect(sub('b.com').providedValues['limits.disk_space']).toBe(10 * GiB);
  });

  it('unlock and sync restores the plan values, and can end unsynced', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    t.core.customizeSubscription('example.com', { set: { 'limits.disk_space': '1G' } });
    t.core.updatePlan('Basic', { set: { 'hosting.miva': true } }); // skipped: locked
    expect(sub().syncStatus).toBe('locked');
    expect(sub().providedValues['hosting.miva']).toBe(false);
    const s = t.core.unlockSubscription('example.com');
    expect(s.syncStatus).toBe('unsynced');
    expect(s.ownValues).toBeNull();
    expect(s.providedValues['limits.disk_space']).toBe(10 * GiB);
    expect(s.conflicts.map((c) => c.property)).toEqual(['hosting.miva']);
  });

  it('a delegated PHP setting changed by the customer survives sync; the subscription stays synced', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    const s = t.core.customizeSubscription('example.com', { set: { 'php.memory_limit': '512M' }, asCustomer: true });
    expect(s.syncStatus).toBe('synced');
    expect(s.providedValues['php.memory_limit']).toBe(512 * 1024 ** 2);
    t.core.updatePlan('Basic', { set: { 'php.memory_limit': '256M', 'limits.disk_space': '12G' } });
    expect(sub().syncStatus).toBe('synced');
    expect(sub().providedValues['php.memory_limit']).toBe(512 * 1024 ** 2);
    expect(sub().planValues!['php.memory_limit']).toBe(256 * 1024 ** 2);
    // the plan withdraws the permission: the plan's value applies again
    t.core.updatePlan('Basic', { set: { 'permissions.manage_php_settings': false } });
    expect(sub().providedValues['php.memory_limit']).toBe(256 * 1024 ** 2);
  });

  it('an undelegated change by the customer is refused and changes nothing', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    const before = t.dump();
    expect(() => t.core.customizeSubscription('example.com', { set: { 'hosting.php_version': '7.4' }, asCustomer: true })).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED', message: expect.stringContaining('permissions.manage_php_version') }),
    );
    expect(() => t.core.customizeSubscription('example.com', { set: { 'limits.disk_space': '1T' }, asCustomer: true })).toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED', message: expect.stringContaining('limits.disk_space') }),
    );
    expect(t.dump()).toBe(before);
  });
});

describe('unsynced subscriptions and the conflict report', () => {
  it.each([
    { what: 'Miva not installed', set: { 'hosting.miva': true }, property: 'hosting.miva', planValue: true, availableValue: false },
    { what: 'PHP version not installed', set: { 'hosting.php': true, 'hosting.php_version': '8.3' }, property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' },
    { what: 'PHP version below every installed', set: { 'hosting.php': true, 'hosting.php_version': '5.6' }, property: 'hosting.php_version', planValue: '5.6', availableValue: '7.4' },
    { what: 'disk quota above allocatable', set: { 'limits.disk_space': '2T' }, property: 'limits.disk_space', planValue: 2048 * GiB, availableValue: 500 * GiB },
    { what: 'FTP accounts without an FTP server', set: { 'limits.ftp_accounts': '3' }, property: 'limits.ftp_accounts', planValue: 3, availableValue: 0 },
    { what: 'web statistics tool missing', set: { 'hosting.webstat': 'awstats' }, property: 'hosting.webstat', planValue: 'awstats', availableValue: 'none' },
  ])('$what → one conflict row with the available value', ({ set, property, planValue, availableValue }) => {
    t.core.createPlan({ name: 'Asks more', values: set });
    const s = t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Asks more' });
    expect(s.syncStatus).toBe('unsynced');
    expect(s.conflicts).toEqual([{ property, planValue, availableValue, reason: expect.any(String) }]);
    expect(s.providedValues[property]).toBe(availableValue);
    expect(s.desiredValues[property]).toBe(planValue);
  });

  it('a plan change the host cannot follow keeps the current provided value as the available value', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    const summary = t.core.updatePlan('Basic', { set: { 'limits.disk_space': '2T', 'hosting.php_version': '5.6' } });
    expect(summary.unsynced).toEqual([{ name: 'example.com', conflicts: expect.any(Array) }]);
    expect(sub().conflicts).toEqual([
      { property: 'limits.disk_space', planValue: 2048 * GiB, availableValue: 10 * GiB, reason: expect.stringContaining('500G allocatable') },
      { property: 'hosting.php_version', planValue: '5.6', availableValue: '8.2', reason: 'PHP 5.6 is not installed (installed: 7.4, 8.2)' },
    ]);
    expect(sub().providedValues['limits.disk_space']).toBe(10 * GiB);
  });

  it('mailboxes without a mail server → available 0', () => {
    t.core.reportCapabilities('web2.example.net', report([NGINX, php('8.2.12'), fpm('8.2.12')]));
    const s = t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', host: 'web2.example.net' });
    expect(s.syncStatus).toBe('unsynced');
    expect(s.conflicts).toEqual([
      { property: 'limits.mailboxes', planValue: 10, availableValue: 0, reason: expect.stringContaining('mail server') },
    ]);
  });

  it('a capability report adding the component resyncs by itself; removing it unsyncs', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Miva pack'] });
    expect(sub().syncStatus).toBe('unsynced');
    const gen = sub().generation;
    const r = t.core.reportCapabilities('web1.example.net', report([...STANDARD, MIVA]));
    expect(r.changed).toBe(true);
    expect(sub().syncStatus).toBe('synced');
    expect(sub().conflicts).toEqual([]);
    expect(sub().providedValues['hosting.miva']).toBe(true);
    expect(sub().generation).toBe(gen + 1);
    // the same report again changes nothing
    expect(t.core.reportCapabilities('web1.example.net', report([MIVA, ...STANDARD])).changed).toBe(false);
    t.core.reportCapabilities('web1.example.net', report(STANDARD));
    expect(sub().syncStatus).toBe('unsynced');
    expect(sub().conflicts[0]).toMatchObject({ property: 'hosting.miva', planValue: true, availableValue: false });
  });

  it('sync returns the report; accept applies the available values and locks', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Miva pack'] });
    const report1 = t.core.syncSubscription('example.com');
    expect(report1.conflicts).toHaveLength(1);
    expect(report1.fingerprint).toBe(conflictsFingerprint(report1.conflicts));
    const s = t.core.acceptConflicts('example.com', report1.fingerprint);
    expect(s.syncStatus).toBe('locked');
    expect(s.ownValues!['hosting.miva']).toBe(false);
    expect(s.conflicts).toEqual([]);
    // the next plan change skips it
    expect(t.core.updatePlan('Basic', { set: { 'limits.disk_space': '30G' } }).skippedLocked).toEqual(['example.com']);
  });

  it('a stale accept is refused and changes nothing', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Miva pack'] });
    const seen = t.core.syncSubscription('example.com');
    t.core.updatePlan('Basic', { set: { 'hosting.php_version': '8.3' } }); // one more conflict meanwhile
    const before = t.dump();
    expect(() => t.core.acceptConflicts('example.com', seen.fingerprint)).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    expect(t.dump()).toBe(before);
  });

  it('declining (not calling accept) changes nothing', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', addons: ['Miva pack'] });
    t.core.syncSubscription('example.com');
    const before = t.dump();
    t.core.syncSubscription('example.com');
    expect(t.dump()).toBe(before);
  });

  it('fixing the plan (Update & Sync to the available value) resyncs', () => {
    t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic' });
    t.core.updatePlan('Basic', { set: { 'hosting.php_version': '8.3' } });
    expect(sub().syncStatus).toBe('unsynced');
    const summary = t.core.updatePlan('Basic', { set: { 'hosting.php_version': '8.2' } });
    expect(summary.synced).toBe(1);
    expect(sub().syncStatus).toBe('synced');
  });
});

describe('suspension', () => {
  it('expiry suspends, renew activates', () => {
    t.core.createPlan({ name: 'Monthly', values: { 'limits.validity': '30d' } });
    const s = t.core.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Monthly' });
    expect(s.expiresAt).toBe('2026-02-14T12:00:00.000Z');
    expect(t.core.expireDue()).toEqual([]);
    t.clock.advance(31 * 86_400_000);
    expect(t.core.expireDue()).toEqual(['example.com']);
    expect(t.core.expireDue()).toEqual([]); // idempotent
    expect(sub()).toMatchObject({ state: 'suspended', suspensionReasons: ['expired'] });
    expect(() => t.core.renewSubscription('example.com', '2026-01-01')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'expiresAt' }));
    const renewed = t.core.renewSubscription('example.com', '2027-02-15');
    expect(renewed).toMatchObject({ state: 'active', suspensionReasons: [], expiresAt: '2027-02-15T00:00:00.000Z' });
  });

  it('customer suspension cascades; activating the customer keeps manual suspensions', () => {
    t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' });
    t.core.createSubscription({ name: 'b.com', customer: 'alice', plan: 'Basic' });
    t.core.suspendSubscription('b.com');
    t.core.suspendCustomer('alice');
    expect(sub('a.com').suspensionReasons).toEqual(['customer']);
    expect(sub('b.com').suspensionReasons).toEqual(['manual', 'customer']);
    t.core.activateCustomer('alice');
    expect(sub('a.com').state).toBe('active');
    expect(sub('b.com')).toMatchObject({ state: 'suspended', suspensionReasons: ['manual'] });
    t.core.activateSubscription('b.com');
    expect(sub('b.com').state).toBe('active');
  });

  it('a new subscription of a suspended customer starts suspended', () => {
    t.core.suspendCustomer('alice');
    expect(t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' }).suspensionReasons).toEqual(['customer']);
  });

  it('suspension bumps the generation and the host revision (the agent must serve the suspended page)', () => {
    const s = t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' });
    const rev = t.core.getHost('web1.example.net').revision;
    t.core.suspendSubscription('a.com');
    expect(sub('a.com').generation).toBe(s.generation + 1);
    expect(t.core.getHost('web1.example.net').revision).toBe(rev + 1);
  });
});

describe('placement', () => {
  it('picks a ready host without conflicts, preferring the most unallocated disk', () => {
    t.core.reportCapabilities('small.example.net', report(STANDARD, 100));
    t.core.reportCapabilities('big.example.net', report(STANDARD, 900));
    t.core.reportCapabilities('miva.example.net', report([...STANDARD, MIVA], 50));
    t.core.reportCapabilities('down.example.net', report([...STANDARD, MIVA], 2000));
    t.core.setHostState('down.example.net', 'maintenance');
    expect(t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' }).host).toBe('big.example.net');
    const m = t.core.createSubscription({ name: 'm.com', customer: 'alice', plan: 'Basic', addons: ['Miva pack'] });
    expect(m.host).toBe('miva.example.net');
    expect(m.syncStatus).toBe('synced');
  });

  it('with no host able to provide everything, takes the fewest conflicts and starts unsynced', () => {
    t.core.createPlan({ name: 'Everything', values: { 'hosting.miva': true, 'hosting.php_version': '8.3', 'hosting.php': true } });
    t.core.reportCapabilities('web2.example.net', report([...STANDARD, MIVA]));
    const s = t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Everything' });
    expect(s.host).toBe('web2.example.net');
    expect(s.syncStatus).toBe('unsynced');
    expect(s.conflicts.map((c) => c.property)).toEqual(['hosting.php_version']);
  });

  it('refuses an explicit host in maintenance, and placement with no ready host', () => {
    t.core.setHostState('web1.example.net', 'maintenance');
    expect(() => t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic', host: 'web1.example.net' })).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('web1.example.net') }),
    );
    expect(() => t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' })).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION' }),
    );
  });
});

describe('generations and revisions', () => {
  it('a plan update bumps generation of changed subscriptions and each host revision once', () => {
    t.core.createSubscription({ name: 'a.com', customer: 'alice', plan: 'Basic' });
    t.core.createSubscription({ name: 'b.com', customer: 'alice', plan: 'Basic' });
    const rev = t.core.getHost('web1.example.net').revision;
    const summary = t.core.updatePlan('Basic', { set: { 'limits.traffic': '100G' } });
    expect(summary.pushed).toBe(2);
    expect(sub('a.com').generation).toBe(2);
    expect(t.core.getHost('web1.example.net').revision).toBe(rev + 1);
    // an update that changes nothing provided pushes nothing
    const again = t.core.updatePlan('Basic', { set: { 'limits.traffic': '100G' } });
    expect(again.pushed).toBe(0);
    expect(t.core.getHost('web1.example.net').revision).toBe(rev + 1);
  });

  it('a stale expected version is refused (ABORTED) and changes nothing', () => {
    const before = t.dump();
    expect(() => t.core.updatePlan('Basic', { set: { 'limits.traffic': '1G' }, expectedVersion: 7 })).toThrow(
      expect.objectContaining({ code: 'ABORTED', message: expect.stringContaining('version 1') }),
    );
    expect(t.dump()).toBe(before);
    expect(t.core.updatePlan('Basic', { set: { 'limits.traffic': '1G' }, expectedVersion: 1 }).plan.version).toBe(2);
  });
});
