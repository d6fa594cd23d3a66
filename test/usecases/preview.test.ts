/**
 * The preview (SPEC §5.1): `plan update --dry-run` and `sub switch-plan --dry-run` give the same
 * answer as the real call and write nothing — every table byte for byte the same (values, versions,
 * revisions, the event log), and no host told of a change (nothing pushed).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIVA, STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;
let hostNotices: number;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.reportCapabilities('web2.example.net', report([...STANDARD, MIVA]));
  c.createCustomer({ login: 'alice', email: 'alice@example.org' });
  c.createPlan({ name: 'Basic', values: { 'limits.disk_space': '10G', 'hosting.php': 'true', 'hosting.php_version': '8.2' } });
  c.createPlan({ name: 'Shop', values: { 'hosting.php': 'true', 'hosting.miva': 'true' } });
  c.createPlan({ name: 'Reseller S', kind: 'reseller', values: { 'reseller.customers': '5', 'limits.disk_space': '100G' } });
  c.createSubscription({ name: 'a.example', customer: 'alice', plan: 'Basic', host: 'web1.example.net' });
  c.createSubscription({ name: 'b.example', customer: 'alice', plan: 'Basic', host: 'web2.example.net' });
  c.createSubscription({ name: 'c.example', customer: 'alice', plan: 'Basic', host: 'web1.example.net' });
  c.customizeSubscription('c.example', { set: { 'limits.disk_space': '20G' } });
  c.createReseller({ login: 'rs', email: 'rs@example.org', plan: 'Reseller S' });
  hostNotices = 0;
  c.ctx.onHostsChanged(() => hostNotices++);
});

afterEach(() => t.close());

describe('plan update --dry-run', () => {
  it('answers with the summary the update would give, and changes nothing at all', () => {
    const before = t.dump();
    const preview = t.core.updatePlan('Basic', { set: { 'hosting.miva': 'true' }, dryRun: true });
    expect(t.dump()).toBe(before);
    expect(hostNotices).toBe(0);
    expect(t.core.getPlan('Basic').version).toBe(1);

    const real = t.core.updatePlan('Basic', { set: { 'hosting.miva': 'true' } });
    expect(preview).toEqual(real);
    expect(real.synced).toBe(1); // b.example: web2 has Miva
    expect(real.unsynced).toEqual([{ name: 'a.example', conflicts: [expect.objectContaining({ property: 'hosting.miva', planValue: true, availableValue: false })] }]);
    expect(real.skippedLocked).toEqual(['c.example']);
    expect(t.dump()).not.toBe(before);
    expect(hostNotices).toBe(1);
  });

  it('a refused update is refused the same way in a preview', () => {
    const before = t.dump();
    expect(() => t.core.updatePlan('Basic', { set: { 'limits.nope': '1' }, dryRun: true })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.core.updatePlan('Basic', { set: { 'limits.disk_space': '1G' }, expectedVersion: 7, dryRun: true })).toThrow(expect.objectContaining({ code: 'ABORTED' }));
    expect(t.dump()).toBe(before);
  });

  it('a reseller plan: the summary counts resellers, nothing changes', () => {
    const before = t.dump();
    const preview = t.core.updatePlan('Reseller S', { set: { 'reseller.customers': '0' }, dryRun: true });
    expect(t.dump()).toBe(before);
    expect(preview).toEqual(t.core.updatePlan('Reseller S', { set: { 'reseller.customers': '0' } }));
  });

  it('the next real change gets the ids and versions it would have had without the preview', () => {
    t.core.updatePlan('Basic', { set: { 'limits.disk_space': '11G' }, dryRun: true });
    t.core.updatePlan('Basic', { set: { 'limits.disk_space': '12G' } });
    expect(t.core.getPlan('Basic').version).toBe(2);
    const ids = t.core.ctx.db.prepare<[], { id: number }>('SELECT id FROM events ORDER BY id').all().map((r) => r.id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i)); // gap-free
  });
});

describe('sub switch-plan --dry-run', () => {
  it('answers with the subscription as it would be, and changes nothing', () => {
    const before = t.dump();
    const preview = t.core.switchPlan('a.example', 'Shop', true);
    expect(t.dump()).toBe(before);
    expect(hostNotices).toBe(0);
    expect(preview.syncStatus).toBe('unsynced');
    expect(preview.conflicts.map((c) => c.property)).toEqual(['hosting.miva']);
    expect(t.core.getSubscription('a.example').plan).toBe('Basic');
    expect(preview).toEqual(t.core.switchPlan('a.example', 'Shop'));
    expect(t.core.getSubscription('a.example').planValues!['limits.disk_space']).toBe('unlimited');
  });
});
