/**
 * The real entry as a process (`node --import tsx cli/src/main.ts`, as the end-to-end tests will
 * spawn it, and the built `cli/bin/hostplane.js` when cli/dist exists): exit codes, one error line,
 * the process ending by itself after a call, and an interrupted `events --follow` exiting 0.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Event } from '@hostplane/proto/hostplane/v1/event.js';
import { Plan, PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli, startStub, type Stub } from './helpers.js';

let stub: Stub;
beforeAll(async () => {
  stub = await startStub({
    listPlans: () => ({ plans: [Plan.fromPartial({ name: 'Unlimited', kind: PlanKind.PLAN_KIND_SERVICE, version: '1' })] }),
    // A stream that sends one event and stays open until the client goes away.
    watchEvents: (call) => {
      call.write({ event: Event.fromPartial({ id: '1', type: 'plan.updated', entityName: 'Unlimited', actor: 'admin', time: new Date() }) });
    },
  });
});
afterAll(() => stub.close());

describe('hostplane as a process', () => {
  it('prints its version', async () => {
    const res = await spawnCli(['--version']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('makes a call, prints JSON and exits by itself', async () => {
    const res = await spawnCli(['plan', 'list', '--json'], stub.env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ plans: [{ name: 'Unlimited', kind: 'service', version: 1 }] });
  });

  it('refuses a bad --set with exit 2 and one line naming the key, before any call', async () => {
    const before = stub.calls.length;
    const res = await spawnCli(['plan', 'create', 'Gold', '--set', 'limits.disk_space=12X'], stub.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      "error: invalid argument: limits.disk_space: invalid value '12X': expected a size such as 512M, 10G, 1T or bytes, or 'unlimited'\n",
    );
    expect(stub.calls.length).toBe(before);
  });

  it('exits 1 with one line when the controller is not there', async () => {
    const res = await spawnCli(['sub', 'list'], { HOSTPLANE_CONTROLLER: '127.0.0.1:1' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: cannot reach the controller at 127.0.0.1:1: is it running? (connection refused)\n');
  });

  it('ends events --follow on SIGINT with exit 0', async () => {
    const child = spawn(process.execPath, ['--conditions=hostplane-source', '--import', 'tsx', 'cli/src/main.ts', 'events', '--follow'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...stub.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#1 .* plan\.updated {2}Unlimited {2}admin$/m);
  });

  it.skipIf(!existsSync(join(ROOT, 'cli/dist/main.js')))('runs as the built bin/hostplane.js', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'cli/bin/hostplane.js'), '--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
