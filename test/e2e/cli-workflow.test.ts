/**
 * The seed workflow end to end through the real `hostplane` binary against a real controller
 * process (and one real agent so that there is a host): verbs, --json shapes of SPEC §7, and exit
 * codes with one clear sentence for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDirs, cli, cliJson, eventually, startAgent, startController, type ControllerProc, type Proc } from '../helpers/processes.js';

let ctl: ControllerProc;
let agent: Proc;
const run = (...args: string[]) => cli(ctl.address, args);
const json = <T = Record<string, unknown>>(...args: string[]) => cliJson<T>(ctl.address, args);

interface Sub {
  name: string;
  displayName: string;
  customer: string;
  plan: string | null;
  addons: string[];
  host: string;
  syncStatus: string;
  state: string;
  suspensionReasons: string[];
  planValues: Record<string, unknown>;
  desiredValues: Record<string, unknown>;
  providedValues: Record<string, unknown>;
  conflicts: unknown[];
  generation: number;
  appliedGeneration: number;
}

beforeAll(async () => {
  ctl = await startController();
  const dirs = await agentDirs(['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }, 'postfix']);
  const { token } = await json<{ token: string }>('host', 'token', 'create');
  agent = startAgent(ctl.address, 'web1.test', dirs, token);
  await eventually(async () => (await json<{ hosts: { connected: boolean }[] }>('host', 'list')).hosts[0]?.connected, 20_000, 'agent connected');
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await ctl?.stop();
});

describe('the seed workflow through the CLI', () => {
  it('plans, customers, subscriptions: customize locks, plan update skips it, unlock, detach', async () => {
    expect((await run('plan', 'create', 'Basic', '--set', 'limits.disk_space=10G', '--set', 'limits.mailboxes=10', '--set', 'hosting.php=true')).code).toBe(0);
    expect((await run('plan', 'create', 'Extra', '--kind', 'addon', '--set', 'limits.disk_space=5G')).code).toBe(0);
    expect((await run('customer', 'create', 'alice', '--name', 'Alice Martin', '--email', 'alice@example.org')).code).toBe(0);

    const created = await json<Sub>('sub', 'create', 'example.com', '--customer', 'alice', '--plan', 'Basic', '--addon', 'Extra');
    for (const key of ['name', 'displayName', 'customer', 'plan', 'addons', 'host', 'syncStatus', 'state', 'suspensionReasons', 'planValues', 'desiredValues', 'providedValues', 'conflicts', 'generation', 'appliedGeneration']) {
      expect(created).toHaveProperty(key);
    }
    expect(created).toMatchObject({ displayName: 'example.com (Basic)', customer: 'alice', plan: 'Basic', addons: ['Extra'], host: 'web1.test', syncStatus: 'synced', state: 'active' });
    expect(created.planValues['limits.disk_space']).toBe(15 * 1024 ** 3);

    const table = await run('sub', 'list');
    expect(table.stdout).toContain('example.com (Basic)');
    expect(table.stdout).toMatch(/synced/);

    const locked = await json<Sub>('sub', 'customize', 'example.com', '--set', 'limits.mailboxes=50');
    expect(locked.syncStatus).toBe('locked');
    const upd = await json<{ summary: { syncedCount: number; skippedLockedCount: number; skippedLocked: string[] } }>('plan', 'update', 'Basic', '--set', 'limits.disk_space=20G');
    expect(upd.summary).toMatchObject({ syncedCount: 0, skippedLockedCount: 1, skippedLocked: ['example.com'] });
    expect((await json<Sub>('sub', 'show', 'example.com')).providedValues['limits.disk_space']).toBe(15 * 1024 ** 3);

    const unlocked = await json<Sub>('sub', 'unlock', 'example.com');
    expect(unlocked.syncStatus).toBe('synced');
    expect(unlocked.providedValues['limits.disk_space']).toBe(25 * 1024 ** 3);
    expect(unlocked.providedValues['limits.mailboxes']).toBe(10);

    const human = await run('sub', 'addon', 'add', 'example.com', 'Extra');
    expect(human.code).toBe(4);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
    expect(human.stderr).toContain('Extra');

    const detached = await json<Sub>('sub', 'detach', 'example.com');
    expect(detached).toMatchObject({ displayName: 'example.com (Custom)', syncStatus: 'custom', plan: null, addons: [] });
    const onCustom = await run('sub', 'addon', 'add', 'example.com', 'Extra');
    expect(onCustom.code).toBe(4);
    expect(onCustom.stderr).toMatch(/custom/i);

    const suspended = await json<Sub>('sub', 'suspend', 'example.com');
    expect(suspended).toMatchObject({ state: 'suspended', suspensionReasons: ['manual'] });
    expect((await run('customer', 'suspend', 'alice')).code).toBe(0);
    const partly = await run('sub', 'activate', 'example.com');
    expect(partly.stdout).toContain('Removed the manual suspension of example.com; it stays suspended: customer.');
    expect((await run('customer', 'activate', 'alice')).code).toBe(0);
    expect((await json<Sub>('sub', 'activate', 'example.com')).state).toBe('active');
  });

  it('sync reports conflicts as a table; --accept applies the available values and locks', async () => {
    await run('plan', 'create', 'Miva', '--set', 'hosting.miva=true');
    await run('sub', 'create', 'miva.example', '--customer', 'alice', '--plan', 'Miva');
    const report = await run('sub', 'sync', 'miva.example');
    expect(report.stdout).toMatch(/hosting\.miva\s+true\s+false/);
    const js = await json<{ conflicts: { property: string; planValue: unknown; availableValue: unknown }[]; fingerprint: string }>('sub', 'sync', 'miva.example');
    expect(js.conflicts).toEqual([expect.objectContaining({ property: 'hosting.miva', planValue: true, availableValue: false })]);
    const accepted = await run('sub', 'sync', 'miva.example', '--accept');
    expect(accepted.code).toBe(0);
    expect((await json<Sub>('sub', 'show', 'miva.example')).syncStatus).toBe('locked');
  });

  it('renew and expiry: job run expire through the CLI', async () => {
    const past = new Date(Date.now() + 1500).toISOString();
    await run('sub', 'create', 'short.example', '--customer', 'alice', '--plan', 'Basic', '--expires', past);
    await new Promise((r) => setTimeout(r, 1600));
    const job = await json<{ name: string; affectedCount: number; summary: string }>('job', 'run', 'expire');
    // the scheduler runs the same job every minute: it may have been first
    expect(job.name).toBe('expire');
    if (job.affectedCount === 1) expect(job.summary).toContain('short.example');
    expect((await json<{ affectedCount: number }>('job', 'run', 'expire')).affectedCount).toBe(0);
    expect((await json<Sub>('sub', 'show', 'short.example')).suspensionReasons).toEqual(['expired']);
    const renewed = await json<Sub>('sub', 'renew', 'short.example', '--expires', '2099-01-01');
    expect(renewed.state).toBe('active');
  });
});

describe('bad input: exit code and one sentence naming what is wrong', () => {
  it.each([
    [['plan', 'create', 'Bad', '--set', 'limits.disk_space=12X'], 2, 'limits.disk_space'],
    [['plan', 'create', 'Bad', '--set', 'limits.nope=1'], 2, 'limits.nope'],
    [['plan', 'create', 'Bad', '--set', 'limits.mailboxes=-3'], 2, 'limits.mailboxes'],
    [['plan', 'create', 'Bad', '--set', 'hosting.php_handler=mod_php'], 2, 'mod_php'],
    [['sub', 'create', 'bad_name!', '--customer', 'alice', '--plan', 'Basic'], 2, 'bad_name!'],
    [['sub', 'show', 'nope.example'], 3, 'nope.example'],
    [['sub', 'create', 'x.example', '--customer', 'nobody', '--plan', 'Basic'], 3, 'nobody'],
    [['plan', 'update', 'Basic', '--set', 'limits.traffic=1G', '--expected-version', '1'], 4, 'Basic'],
    [['sub', 'switch-plan', 'miva.example', 'Extra'], 2, 'Extra'],
  ])('hostplane %j', async (args, code, mention) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(mention as string);
  });

  it('an unauthenticated call is refused with exit 5', async () => {
    const r = await cli(ctl.address, ['plan', 'list'], { HOSTPLANE_TOKEN: 'wrong-token-0123456789' });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/authenticat/i);
  });

  it('an unreachable controller is one sentence', async () => {
    const r = await cli('127.0.0.1:1', ['plan', 'list']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot reach the controller/);
  });
});
