/** The pure reseller rules: allocation arithmetic, overallocation, conflicts, permission caps. */
import { describe, expect, it } from 'vitest';
import { UNLIMITED, parseValues } from '@hostplane/shared';
import { allocationOf, capPermissions, evaluateReseller, overallocation, resellerConflicts, resellerValues } from '../../controller/src/index.js';

const G = 1024 ** 3;

describe('allocationOf', () => {
  it('sums the limits over subscriptions and counts customers and subscriptions', () => {
    const a = allocationOf([{ 'limits.disk_space': 10 * G, 'limits.mailboxes': 5 }, { 'limits.disk_space': 5 * G, 'limits.mailboxes': 3 }], 4);
    expect(a['limits.disk_space']).toBe(15 * G);
    expect(a['limits.mailboxes']).toBe(8);
    expect(a['reseller.customers']).toBe(4);
    expect(a['reseller.subscriptions']).toBe(2);
  });

  it('unlimited absorbs a sum; a missing value counts as the catalogue default', () => {
    const a = allocationOf([{ 'limits.disk_space': 10 * G }, { 'limits.disk_space': UNLIMITED }], 1);
    expect(a['limits.disk_space']).toBe(UNLIMITED);
    expect(a['limits.mailboxes']).toBe(0); // default 0
    expect(a['limits.traffic']).toBe(UNLIMITED); // default unlimited
  });

  it('nothing allocated: zero totals', () => {
    const a = allocationOf([], 0);
    expect(a['limits.disk_space']).toBe(0);
    expect(a['reseller.subscriptions']).toBe(0);
  });

  it('per-item and non-summed keys are not totals', () => {
    const a = allocationOf([{ 'limits.mailbox_size': G }], 1);
    expect(a['limits.mailbox_size']).toBeUndefined();
    expect(a['limits.validity']).toBeUndefined();
  });
});

describe('overallocation', () => {
  const limits = resellerValues(parseValues({ 'limits.disk_space': '10G', 'reseller.subscriptions': '2' }, 'reseller'));

  it('names the resource, the limit and the requested total', () => {
    const over = overallocation(limits, { 'limits.disk_space': 5 * G }, { 'limits.disk_space': 15 * G });
    expect(over).toEqual({ resource: 'limits.disk_space', limit: 10 * G, requested: 15 * G });
  });

  it('an unlimited total beyond a finite limit is over', () => {
    expect(overallocation(limits, { 'limits.disk_space': 0 }, { 'limits.disk_space': UNLIMITED })?.resource).toBe('limits.disk_space');
  });

  it('within the limit, or shrinking while over, is fine', () => {
    expect(overallocation(limits, { 'limits.disk_space': 0 }, { 'limits.disk_space': 10 * G })).toBeNull();
    expect(overallocation(limits, { 'limits.disk_space': 30 * G }, { 'limits.disk_space': 20 * G })).toBeNull();
  });

  it('with oversell, never', () => {
    const oversell = { ...limits, 'reseller.oversell': true };
    expect(overallocation(oversell, { 'limits.disk_space': 0 }, { 'limits.disk_space': 99 * G })).toBeNull();
  });

  it('unlimited limits take anything', () => {
    expect(overallocation(resellerValues({}), {}, { 'limits.disk_space': UNLIMITED, 'reseller.customers': 1000 })).toBeNull();
  });
});

describe('reseller sync status', () => {
  const plan = parseValues({ 'limits.disk_space': '10G', 'reseller.customers': '2' }, 'reseller');

  it('synced within the plan; unsynced with rows {property, planValue, availableValue = allocated}', () => {
    expect(evaluateReseller(plan, null, false, { 'limits.disk_space': 5 * G, 'reseller.customers': 1 }).syncStatus).toBe('synced');
    const e = evaluateReseller(plan, null, false, { 'limits.disk_space': 12 * G, 'reseller.customers': 3 });
    expect(e.syncStatus).toBe('unsynced');
    expect(e.conflicts.map((c) => [c.property, c.planValue, c.availableValue])).toEqual([
      ['limits.disk_space', 10 * G, 12 * G],
      ['reseller.customers', 2, 3],
    ]);
  });

  it('locked follows its own values and has no conflicts', () => {
    const e = evaluateReseller(plan, { 'limits.disk_space': 20 * G }, true, { 'limits.disk_space': 12 * G });
    expect(e.syncStatus).toBe('locked');
    expect(e.effectiveValues['limits.disk_space']).toBe(20 * G);
  });

  it('oversell: no conflicts', () => {
    expect(resellerConflicts({ ...resellerValues(plan), 'reseller.oversell': true }, { 'limits.disk_space': 99 * G })).toEqual([]);
  });
});

describe('capPermissions', () => {
  it('is the AND of the subscription and the reseller', () => {
    const capped = capPermissions(
      { 'permissions.manage_dns': true, 'permissions.manage_mail': true, 'permissions.manage_ftp': false },
      { 'permissions.manage_dns': true, 'permissions.manage_mail': false, 'permissions.manage_ftp': true },
    );
    expect(capped).toEqual({ 'permissions.manage_dns': true, 'permissions.manage_mail': false, 'permissions.manage_ftp': false });
  });

  it('no reseller: unchanged', () => {
    expect(capPermissions({ 'permissions.manage_dns': true }, null)).toEqual({ 'permissions.manage_dns': true });
  });
});
