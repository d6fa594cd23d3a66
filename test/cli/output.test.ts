/**
 * Human output: aligned tables, label blocks, times; the subscription views (listing with display
 * names, `sub show`, the conflict report of `sub sync`), apply errors said plainly, hosts, and the
 * Update & Sync summary.
 */
import { Host, HostState } from '@hostplane/proto/hostplane/v1/host.js';
import { Plan, PlanKind, SyncSummary } from '@hostplane/proto/hostplane/v1/plan.js';
import { SubscriptionState, SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import { describe, expect, it } from 'vitest';
import { renderPlan, renderSummary } from '../../cli/src/commands/plan.js';
import { renderHost } from '../../cli/src/commands/host.js';
import { appliedWord, LIST_HEADERS, listRow, renderOutcome, renderSubscription, renderSyncReport, stateText } from '../../cli/src/commands/sub-output.js';
import { ago, enumWord, humanTime, renderFields, renderList, renderTable } from '../../cli/src/output.js';
import { GIB, bool, int, sampleSubscription, str, unlimited } from './helpers.js';

describe('tables', () => {
  it('aligns columns two spaces apart under upper-case headers, without trailing blanks', () => {
    const out = renderTable(['name', 'kind', 'version'], [
      ['Unlimited', 'service', '3'],
      ['Extra disk', 'addon', '12'],
    ]);
    expect(out).toBe(['NAME        KIND     VERSION', 'Unlimited   service  3', 'Extra disk  addon    12', ''].join('\n'));
  });

  it('counts code points, so accented names and ellipses align', () => {
    const lines = renderTable(['a', 'b'], [['Éloïse…', 'x'], ['ab', 'y']]).split('\n');
    expect([...lines[1]!].indexOf('x')).toBe([...lines[2]!].indexOf('y'));
  });

  it('says so when a list is empty', () => {
    expect(renderList(['name'], [], 'No plans.')).toBe('No plans.\n');
  });

  it('aligns label blocks and leaves out absent rows', () => {
    expect(renderFields([['Plan', 'Gold'], ['Created', undefined], ['Subscriptions', '2']])).toBe('Plan           Gold\nSubscriptions  2\n');
  });

  it('writes enums as words and times for people', () => {
    expect(enumWord('SYNC_STATUS_UNSYNCED', 'SYNC_STATUS_')).toBe('unsynced');
    expect(humanTime(new Date('2025-06-01T14:03:12.345Z'))).toBe('2025-06-01 14:03:12Z');
    expect(humanTime(undefined)).toBe('-');
    const now = new Date('2025-06-01T12:00:00Z');
    expect(ago(new Date('2025-06-01T11:59:48Z'), now)).toBe('12s ago');
    expect(ago(new Date('2025-06-01T09:00:00Z'), now)).toBe('3h ago');
    expect(ago(undefined, now)).toBe('never');
  });
});

describe('subscriptions', () => {
  it('lists the display name, sync status, whether it is applied, and state with reasons', () => {
    expect(LIST_HEADERS).toEqual(['subscription', 'customer', 'host', 'sync', 'applied', 'state', 'disk', 'traffic', 'expires']);
    expect(listRow(sampleSubscription())).toEqual(['example.com (Unlimited)', 'alice', 'web1.example.net', 'unsynced', 'pending', 'suspended (manual)', '-', '-', 'never']);
    const measured = sampleSubscription({
      usage: { diskBytes: String(3 * 1024 ** 2), trafficBytes: String(12 * 1024 ** 3), measuredAt: new Date(), diskLimit: '10M', trafficLimit: '10G', overused: true },
    });
    expect(listRow(measured).slice(6, 8)).toEqual(['3M/10M', '12G/10G!']);
    expect(renderSubscription(measured)).toMatch(/^Traffic\s+12G of 10G! this month$/m);
    const custom = sampleSubscription({ plan: '', displayName: '', syncStatus: SyncStatus.SYNC_STATUS_CUSTOM });
    expect(listRow(custom)[0]).toBe('example.com (Custom)');
    expect(listRow(custom)[3]).toBe('custom');
    expect(stateText(sampleSubscription({ state: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE, suspensionReasons: [] }))).toBe('active');
  });

  it('shows values as property / plan / desired / provided rows in the units users type, then the conflicts', () => {
    const out = renderSubscription(sampleSubscription());
    expect(out).toMatch(/^Subscription\s+example\.com \(Unlimited\)$/m);
    expect(out).toMatch(/^Sync status\s+unsynced$/m);
    expect(out).toMatch(/^State\s+suspended \(manual\)$/m);
    expect(out).toMatch(/^PROPERTY\s+PLAN\s+DESIRED\s+PROVIDED$/m);
    expect(out).toMatch(/^limits\.disk_space\s+10G\s+10G\s+10G$/m);
    expect(out).toMatch(/^limits\.traffic\s+unlimited\s+unlimited\s+unlimited$/m);
    expect(out).toMatch(/^hosting\.miva\s+true\s+true\s+false$/m);
    expect(out).toMatch(/^hosting\.php_version\s+8\.3\s+8\.3\s+8\.2$/m);
    expect(out).toContain('Conflicts (the host cannot provide 2 properties):');
    expect(out).toMatch(/^hosting\.php_version\s+8\.3\s+8\.2\s+PHP 8\.3 is not installed$/m);
  });

  it('prints the conflict report of a sync as property, plan value, available value, with how to accept it', () => {
    const sub = sampleSubscription();
    const out = renderSyncReport(sub, sub.conflicts, 'fp-1');
    expect(out).toMatch(/^PROPERTY\s+PLAN VALUE\s+AVAILABLE VALUE\s+REASON$/m);
    expect(out).toMatch(/^hosting\.miva\s+true\s+false\s+Miva/m);
    expect(out).toContain('hostplane sub sync example.com --accept --fingerprint fp-1');
    const synced = sampleSubscription({ syncStatus: SyncStatus.SYNC_STATUS_SYNCED, conflicts: [] });
    expect(renderSyncReport(synced, [], '')).toBe('example.com (Unlimited) is synced: its host provides everything it should.\n');
  });
});

describe('apply errors are said plainly, never hidden behind synced', () => {
  const synced = { syncStatus: SyncStatus.SYNC_STATUS_SYNCED, conflicts: [], planValues: {}, desiredValues: {}, providedValues: {} };
  const failed = sampleSubscription({ ...synced, appliedGeneration: '6', applyError: 'nginx -t refused the configuration.' });

  it('the applied column: ok when the current generation is applied, pending before, failed with an error', () => {
    expect(appliedWord(sampleSubscription({ generation: '7', appliedGeneration: '7' }))).toBe('ok');
    expect(appliedWord(sampleSubscription({ generation: '7', appliedGeneration: '6' }))).toBe('pending');
    expect(appliedWord(sampleSubscription({ generation: '7', appliedGeneration: '7', applyError: 'x' }))).toBe('failed');
    expect(listRow(failed)[4]).toBe('failed');
  });

  it('sub show: the system user, applied, and a sentence saying the host failed to apply it and the agent retries', () => {
    const out = renderSubscription({ ...failed, systemUser: 'hp_example_com' });
    expect(out).toMatch(/^Sync status\s+synced \(apply failed\)$/m);
    expect(out).toMatch(/^Applied\s+failed$/m);
    expect(out).toMatch(/^System user\s+hp_example_com$/m);
    expect(out).toContain(
      'example.com (Unlimited) is synced, but its host failed to apply it: nginx -t refused the configuration.\n' +
        'The agent retries; `hostplane sub sync example.com` retries now.\n',
    );
    const fine = renderSubscription(sampleSubscription({ ...synced, appliedGeneration: '7' }));
    expect(fine).toMatch(/^Sync status\s+synced$/m);
    expect(fine).toMatch(/^Applied\s+ok$/m);
    expect(fine).toMatch(/^System user\s+-$/m);
    expect(fine).not.toContain('failed');
  });

  it('sub sync: with an apply error pending it never just says the host provides everything', () => {
    const out = renderSyncReport(failed, [], '');
    expect(out).not.toContain('provides everything');
    expect(out).toBe(
      'example.com (Unlimited) is synced, but its host failed to apply it: nginx -t refused the configuration.\n' +
        'Its agent was asked to apply it again now (when connected); `hostplane sub show example.com` shows how that went.\n',
    );
    const both = sampleSubscription({ applyError: 'php-fpm8.2 -t failed' });
    const report = renderSyncReport(both, both.conflicts, 'fp-1');
    expect(report).toMatch(/^example\.com \(Unlimited\) is unsynced, but its host failed to apply it: php-fpm8\.2 -t failed\.$/m);
    expect(report).toContain('its host cannot provide 2 properties');
    expect(report).toContain('hostplane sub sync example.com --accept --fingerprint fp-1');
  });

  it("a verb's outcome says it too", () => {
    expect(renderOutcome('Suspended example.com.', { ...failed, state: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE, suspensionReasons: [] })).toBe(
      'Suspended example.com.\n' +
        'example.com (Unlimited) is synced and active, but its host failed to apply it: nginx -t refused the configuration.\n' +
        'The agent retries; `hostplane sub sync example.com` retries now.\n',
    );
    expect(renderOutcome('Suspended example.com.', sampleSubscription({ ...synced }))).toBe(
      'Suspended example.com.\nexample.com (Unlimited) is synced and suspended (manual).\n',
    );
  });
});

describe('hosts', () => {
  it('host show says how many subscriptions its agent failed to apply', () => {
    const h = Host.fromPartial({ name: 'web1', state: HostState.HOST_STATE_READY, revision: '5', observedRevision: '5', subscriptionCount: 12 });
    expect(renderHost(h)).toMatch(/^Failing to apply\s+none$/m);
    expect(renderHost({ ...h, failingSubscriptionCount: 2 })).toMatch(
      /^Failing to apply\s+2 subscriptions \(its agent retries; `hostplane sub list --host web1` shows which\)$/m,
    );
  });
});

describe('plans', () => {
  const plan = Plan.fromPartial({
    name: 'Unlimited',
    kind: PlanKind.PLAN_KIND_SERVICE,
    version: '4',
    subscriptionCount: 3,
    values: { 'hosting.php_version': str('8.3'), 'limits.disk_space': int(20 * GIB), 'hosting.miva': bool(true), 'limits.traffic': unlimited },
  });

  it('counts what follows a plan: subscriptions, or resellers for a reseller plan', () => {
    expect(renderPlan(plan)).toMatch(/^Subscriptions\s+3$/m);
    const reseller = renderPlan(Plan.fromPartial({ ...plan, kind: PlanKind.PLAN_KIND_RESELLER, subscriptionCount: 2 }));
    expect(reseller).toMatch(/^Resellers\s+2$/m);
    expect(reseller).not.toMatch(/^Subscriptions/m);
  });

  it('shows a plan with its values in catalogue order and units', () => {
    const out = renderPlan(plan);
    expect(out).toMatch(/^Kind\s+service$/m);
    const rows = out.split('\n').filter((l) => /^(limits|hosting)\./.test(l));
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ['limits.disk_space', '20G'],
      ['limits.traffic', 'unlimited'],
      ['hosting.php_version', '8.3'],
      ['hosting.miva', 'true'],
    ]);
  });

  it('prints the Update & Sync summary: counts, unsynced with conflicts, skipped as locked', () => {
    const summary = SyncSummary.fromPartial({
      syncedCount: 10,
      unsyncedCount: 3,
      skippedLockedCount: 1,
      unsynced: [{ name: 'a.example', conflicts: [{ property: 'hosting.php_version', planValue: str('8.3'), availableValue: str('8.2'), reason: 'PHP 8.3 is not installed' }] }],
      skippedLocked: ['b.example'],
    });
    const out = renderSummary(plan, summary);
    expect(out).toContain('Updated plan Unlimited to version 4.');
    expect(out).toContain('Update & Sync: 10 synced, 3 unsynced, 1 skipped as locked.');
    expect(out).toMatch(/^a\.example\s+hosting\.php_version\s+8\.3\s+8\.2\s+PHP 8\.3 is not installed$/m);
    expect(out).toContain('… and 2 more unsynced subscriptions');
    expect(out).toContain('Skipped as locked: b.example.');
    const preview = renderSummary(plan, summary, true);
    expect(preview).toContain('Preview: nothing was changed. Updating plan Unlimited would make it version 4.');
    expect(preview).toContain('Update & Sync would give: 10 synced, 3 unsynced, 1 skipped as locked.');
    expect(preview).not.toContain('Updated plan');
  });
});

describe('progress bar', () => {
  it('shows the share of the expected size, never 100% before the end, and the bytes alone without a total', async () => {
    const { progressBar } = await import('../../cli/src/progress.js');
    const size = (n: number) => `${n}B`;
    expect(progressBar(450, 1000, size, 10)).toBe('[#####-----] 45% 450B of 1000B');
    expect(progressBar(1200, 1000, size, 10)).toBe('[##########] 99% 1200B of 1000B');
    expect(progressBar(450, 0, size)).toBe('450B');
  });
});
