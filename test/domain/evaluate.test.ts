import { describe, expect, it } from 'vitest';
import { UNLIMITED, withDefaults, type CapabilityReport, type Values } from '@hostplane/shared';
import { combinePlanValues, evaluateSubscription, syncStatusOf, type SubscriptionInput, type SyncStatus } from '../../controller/src/domain/index.js';
import { FULL_REPORT, GiB, MiB, following, report, rows } from './fixtures.js';

const BUSINESS: Values = {
  'limits.disk_space': 20 * GiB,
  'limits.mailboxes': 50,
  'limits.databases': 10,
  'hosting.php': true,
  'hosting.php_version': '8.2',
  'hosting.miva': true,
  'php.memory_limit': 256 * MiB,
};
const NO_MIVA = report({ without: ['mivavm'] });

describe('syncStatusOf', () => {
  it.each([
    [false, false, 0, 'custom'],
    [false, true, 3, 'custom'],
    [true, true, 0, 'locked'],
    [true, true, 2, 'locked'],
    [true, false, 1, 'unsynced'],
    [true, false, 0, 'synced'],
  ] as [boolean, boolean, number, SyncStatus][])('plan=%s locked=%s conflicts=%d → %s', (hasPlan, locked, n, status) => {
    expect(syncStatusOf(hasPlan, locked, n)).toBe(status);
  });
});

describe('evaluateSubscription: sync status', () => {
  interface Row {
    status: SyncStatus;
    why: string;
    input: SubscriptionInput;
    report: CapabilityReport | null;
    conflicts: string[];
  }
  const ROWS: Row[] = [
    { status: 'synced', why: 'follows its plan and the host provides it all', input: following(BUSINESS), report: FULL_REPORT, conflicts: [] },
    { status: 'synced', why: 'host never reported', input: following(BUSINESS), report: null, conflicts: [] },
    { status: 'unsynced', why: 'follows its plan, Miva missing', input: following(BUSINESS), report: NO_MIVA, conflicts: ['hosting.miva'] },
    {
      status: 'unsynced',
      why: 'an add-on asks for what the host lacks',
      input: following({ 'limits.disk_space': 10 * GiB }, { addonValues: [{ 'limits.disk_space': 200 * GiB }] }),
      report: FULL_REPORT,
      conflicts: ['limits.disk_space'],
    },
    {
      status: 'locked',
      why: 'locked, even with conflicts on its own values',
      input: following(BUSINESS, { locked: true, ownValues: { ...BUSINESS, 'hosting.nodejs': true } }),
      report: report({ without: ['node'] }),
      conflicts: ['hosting.nodejs'],
    },
    { status: 'locked', why: 'locked without conflicts', input: following(BUSINESS, { locked: true, ownValues: BUSINESS }), report: FULL_REPORT, conflicts: [] },
    { status: 'custom', why: 'no plan', input: following(BUSINESS, { planValues: null, ownValues: BUSINESS }), report: FULL_REPORT, conflicts: [] },
    { status: 'custom', why: 'no plan, with conflicts', input: following(BUSINESS, { planValues: null, ownValues: BUSINESS }), report: NO_MIVA, conflicts: ['hosting.miva'] },
  ];
  it.each(ROWS)('$status: $why', ({ status, input, report: rep, conflicts }) => {
    const ev = evaluateSubscription(input, rep);
    expect(ev.syncStatus).toBe(status);
    expect(ev.conflicts.map((c) => c.property)).toEqual(conflicts);
  });
});

describe('evaluateSubscription: values', () => {
  it('synced: plan values = desired values = provided values (PHP version given)', () => {
    const ev = evaluateSubscription(following(BUSINESS), FULL_REPORT);
    const plan = combinePlanValues(BUSINESS, []);
    expect(ev.planValues).toEqual(plan);
    expect(ev.desiredValues).toEqual(plan);
    expect(ev.providedValues).toEqual(plan);
    expect(ev.subscriberValues).toEqual({});
  });

  it('unset PHP version: provided as the highest installed, desired stays unset', () => {
    const ev = evaluateSubscription(following({ 'hosting.php': true }), FULL_REPORT);
    expect(ev.syncStatus).toBe('synced');
    expect('hosting.php_version' in ev.desiredValues).toBe(false);
    expect(ev.providedValues['hosting.php_version']).toBe('8.2');
  });

  it('unsynced: the conflicting property takes its available value in the provided values only', () => {
    const ev = evaluateSubscription(following(BUSINESS), NO_MIVA);
    expect(rows(ev.conflicts)).toEqual([{ property: 'hosting.miva', planValue: true, availableValue: false }]);
    expect(ev.desiredValues['hosting.miva']).toBe(true);
    expect(ev.planValues!['hosting.miva']).toBe(true);
    expect(ev.providedValues).toEqual({ ...ev.desiredValues, 'hosting.miva': false });
  });

  it('plan values include the add-ons', () => {
    const ev = evaluateSubscription(
      following(BUSINESS, { addonValues: [{ 'limits.disk_space': 5 * GiB, 'limits.mailboxes': 25 }, { 'limits.disk_space': UNLIMITED }] }),
      FULL_REPORT,
    );
    expect(ev.planValues!['limits.disk_space']).toBe(UNLIMITED);
    expect(ev.planValues!['limits.mailboxes']).toBe(75);
    expect(ev.desiredValues['limits.mailboxes']).toBe(75);
    expect(ev.syncStatus).toBe('synced');
  });

  it('the current provided value is kept when still available', () => {
    const input = following({ ...BUSINESS, 'hosting.php_version': '8.3' }, { currentProvided: { 'hosting.php_version': '8.1' } });
    const ev = evaluateSubscription(input, FULL_REPORT);
    expect(rows(ev.conflicts)).toEqual([{ property: 'hosting.php_version', planValue: '8.3', availableValue: '8.1' }]);
    expect(ev.providedValues['hosting.php_version']).toBe('8.1');
  });

  it('locked: desired = own values with defaults; plan values still computed', () => {
    const own: Values = { 'limits.disk_space': 2 * GiB, 'hosting.php': true };
    const ev = evaluateSubscription(following(BUSINESS, { locked: true, ownValues: own }), FULL_REPORT);
    expect(ev.syncStatus).toBe('locked');
    expect(ev.planValues).toEqual(combinePlanValues(BUSINESS, []));
    expect(ev.desiredValues).toEqual(withDefaults(own));
    expect(ev.providedValues).toEqual({ ...withDefaults(own), 'hosting.php_version': '8.2' });
  });

  it('custom: plan values null, desired = own values with defaults', () => {
    const own: Values = { 'limits.disk_space': 2 * GiB };
    const ev = evaluateSubscription(following(BUSINESS, { planValues: null, ownValues: own }), FULL_REPORT);
    expect(ev.planValues).toBeNull();
    expect(ev.syncStatus).toBe('custom');
    expect(ev.desiredValues).toEqual(withDefaults(own));
  });

  it('locked or custom without own values is a programming error', () => {
    expect(() => evaluateSubscription(following(BUSINESS, { locked: true, ownValues: null }), FULL_REPORT)).toThrow(/own values/);
    expect(() => evaluateSubscription(following(BUSINESS, { planValues: null, ownValues: null }), FULL_REPORT)).toThrow(/own values/);
  });
});

describe('evaluateSubscription: delegated subscriber values (seed: PHP settings)', () => {
  const PLAN: Values = { ...BUSINESS, 'permissions.manage_php_settings': true };

  it('granted: the subscriber value is kept and the subscription stays synced', () => {
    const ev = evaluateSubscription(following(PLAN, { subscriberValues: { 'php.memory_limit': 1024 * MiB } }), FULL_REPORT);
    expect(ev.syncStatus).toBe('synced');
    expect(ev.conflicts).toEqual([]);
    expect(ev.planValues!['php.memory_limit']).toBe(256 * MiB);
    expect(ev.desiredValues['php.memory_limit']).toBe(1024 * MiB);
    expect(ev.providedValues['php.memory_limit']).toBe(1024 * MiB);
    expect(ev.subscriberValues).toEqual({ 'php.memory_limit': 1024 * MiB });
  });

  it('not granted: the subscriber value is dropped, the plan value applies', () => {
    const ev = evaluateSubscription(following(BUSINESS, { subscriberValues: { 'php.memory_limit': 1024 * MiB } }), FULL_REPORT);
    expect(ev.syncStatus).toBe('synced');
    expect(ev.desiredValues['php.memory_limit']).toBe(256 * MiB);
    expect(ev.subscriberValues).toEqual({});
  });

  it('a permission granted by an add-on delegates too', () => {
    const ev = evaluateSubscription(
      following(BUSINESS, { addonValues: [{ 'permissions.manage_php_version': true }], subscriberValues: { 'hosting.php_version': '7.4' } }),
      FULL_REPORT,
    );
    expect(ev.desiredValues['hosting.php_version']).toBe('7.4');
    expect(ev.providedValues['hosting.php_version']).toBe('7.4');
    expect(ev.syncStatus).toBe('synced');
  });

  it('a delegated value the host cannot provide makes it unsynced with that value as plan value', () => {
    const ev = evaluateSubscription(
      following({ ...BUSINESS, 'permissions.manage_php_version': true }, { subscriberValues: { 'hosting.php_version': '8.3' } }),
      FULL_REPORT,
    );
    expect(ev.syncStatus).toBe('unsynced');
    expect(rows(ev.conflicts)).toEqual([{ property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' }]);
  });

  it('keeps delegated and drops undelegated values of the same subscriber', () => {
    const ev = evaluateSubscription(
      following(PLAN, { subscriberValues: { 'php.display_errors': true, 'limits.disk_space': 500 * GiB, 'hosting.miva': false } }),
      FULL_REPORT,
    );
    expect(ev.subscriberValues).toEqual({ 'php.display_errors': true });
    expect(ev.desiredValues['limits.disk_space']).toBe(20 * GiB);
    expect(ev.desiredValues['hosting.miva']).toBe(true);
  });

  it('locked: subscriber values are not applied over own values but are kept as they are', () => {
    const ev = evaluateSubscription(
      following(PLAN, { locked: true, ownValues: PLAN, subscriberValues: { 'php.memory_limit': 1024 * MiB } }),
      FULL_REPORT,
    );
    expect(ev.desiredValues['php.memory_limit']).toBe(256 * MiB);
    expect(ev.subscriberValues).toEqual({ 'php.memory_limit': 1024 * MiB });
  });
});

describe('evaluateSubscription: host capability changes (SPEC §5.1)', () => {
  it('an unsynced subscription whose conflict disappears becomes synced; a synced one whose component disappears becomes unsynced', () => {
    const input = following(BUSINESS);
    expect(evaluateSubscription(input, NO_MIVA).syncStatus).toBe('unsynced');
    expect(evaluateSubscription(input, report()).syncStatus).toBe('synced');
    expect(evaluateSubscription(input, report({ without: ['postfix'] })).syncStatus).toBe('unsynced');
  });

  it('more disk resolves a disk conflict', () => {
    const input = following({ 'limits.disk_space': 300 * GiB });
    expect(rows(evaluateSubscription(input, FULL_REPORT).conflicts)).toEqual([
      { property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 180 * GiB },
    ]);
    expect(evaluateSubscription(input, report({ allocatable: 400 * GiB })).syncStatus).toBe('synced');
  });
});
