/**
 * Several controllers on one PostgreSQL (SPEC §14), with real controller and agent processes: a
 * change made through one reaches an agent connected to the other within a second; `host list`
 * says which controller each agent is on; the jobs' lease passes to the survivor when its holder is
 * killed; and a controller killed -9 in the middle of a plan update leaves every subscription
 * all-old or all-new, every agent converged through the survivor within 10 s, event ids without gaps
 * or duplicates, and JetStream holding each event once, in order. Runs in the PostgreSQL pass of the suite (`npm test` runs both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDirs, cli, cliJson, eventually, startAgent, startController, tempDir, type ControllerProc, type Proc } from '../helpers/processes.js';
import { NATS_SERVER, PrivateNats, readPublished } from '../helpers/nats.js';
import { TEST_STORE, freshStore } from '../helpers/store.js';

interface HostJson {
  name: string;
  connected: boolean;
  controller: string | null;
  syncLag: number;
}
interface SubJson {
  generation: number;
  appliedGeneration: number;
  providedValues: Record<string, unknown>;
  host: string;
}

describe.runIf(TEST_STORE === 'postgres' && NATS_SERVER)('several controllers on one PostgreSQL', () => {
  let store: { location: string; drop(): void };
  const controllers: ControllerProc[] = [];
  const agents: Proc[] = [];
  let a: ControllerProc;
  let b: ControllerProc;
  let nats: PrivateNats;
  const start = (port?: number) => startController({ store: store.location, args: ['--nats', nats.url], ...(port ? { port } : {}) });

  beforeAll(async () => {
    store = freshStore(tempDir('hostplane-cluster-'));
    nats = await PrivateNats.start();
    a = await start();
    b = await start();
    controllers.push(a, b);
    const components = ['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }] as const;
    // web1 prefers A, web2 prefers B; each fails over to the other.
    for (const [name, list] of [
      ['web1.test', `${a.address},${b.address}`],
      ['web2.test', `${b.address},${a.address}`],
    ] as const) {
      const dirs = await agentDirs([...components]);
      const { token } = await cliJson<{ token: string }>(a.address, ['host', 'token', 'create']);
      agents.push(startAgent(list, name, dirs, token));
    }
    await eventually(async () => {
      const { hosts } = await cliJson<{ hosts: HostJson[] }>(a.address, ['host', 'list']);
      return hosts.length === 2 && hosts.every((h) => h.connected && h.controller);
    }, 30_000, 'both agents connected');
    await cli(a.address, ['customer', 'create', 'alice', '--email', 'alice@example.org']);
  }, 90_000);

  afterAll(async () => {
    for (const p of agents) await p.stop();
    for (const c of controllers) await c.stop();
    await nats?.stop();
    store?.drop();
  });

  it('host list names the controller each agent is connected to, on either controller', async () => {
    for (const c of [a, b]) {
      const { hosts } = await cliJson<{ hosts: HostJson[] }>(c.address, ['host', 'list']);
      expect(Object.fromEntries(hosts.map((h) => [h.name, h.controller]))).toEqual({ 'web1.test': a.address, 'web2.test': b.address });
    }
    const table = await cli(b.address, ['host', 'list']);
    expect(table.stdout).toMatch(new RegExp(`web1\\.test\\s+ready\\s+yes\\s+${a.address.replace(/\./g, '\\.')}`));
  });

  it('a change made through one controller reaches an agent connected to the other within a second', async () => {
    await cli(a.address, ['plan', 'create', 'Basic', '--set', 'limits.disk_space=1G', '--set', 'hosting.php=true']);
    await cli(b.address, ['sub', 'create', 'b.example', '--customer', 'alice', '--plan', 'Basic', '--host', 'web2.test']);
    await eventually(async () => {
      const s = await cliJson<SubJson>(b.address, ['sub', 'show', 'b.example']);
      return s.appliedGeneration === s.generation;
    }, 10_000, 'b.example applied');
    // Through A, for web2's agent on B: applied (pushed by B, which heard of it from PostgreSQL).
    const started = performance.now();
    await cli(a.address, ['plan', 'update', 'Basic', '--set', 'limits.disk_space=2G']);
    const changed = performance.now();
    await eventually(async () => {
      const s = await cliJson<SubJson>(a.address, ['sub', 'show', 'b.example']);
      return s.generation > 1 && s.appliedGeneration === s.generation;
    }, 5_000, 'the update applied on web2');
    const seconds = (performance.now() - changed) / 1000;
    process.stderr.write(`cluster: a change through A applied by web2's agent on B in ${seconds.toFixed(2)} s (update call ${((changed - started) / 1000).toFixed(2)} s)\n`);
    expect(seconds).toBeLessThan(1.5); // pushed within 1 s, plus the agent's apply and the CLI's polling
  });

  it('a controller killed -9 mid-update: all-old or all-new, agents converged through the survivor, event ids gap-free; the lease moves', async () => {
    // Many subscriptions on both hosts, on one plan.
    await cli(a.address, ['plan', 'create', 'Bulk', '--set', 'limits.disk_space=1G']);
    for (let batch = 0; batch < 40; batch += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => batch + k).map((i) =>
          cli(i % 2 ? b.address : a.address, ['sub', 'create', `bulk${i}.example`, '--customer', 'alice', '--plan', 'Bulk', '--host', i % 2 ? 'web2.test' : 'web1.test']),
        ),
      );
    }
    const names = Array.from({ length: 40 }, (_, i) => `bulk${i}.example`);
    // Each round kills the lease holder while an update it was sent runs, a little later each time.
    for (const [round, delayMs] of [150, 350, 800].entries()) {
      const victim = [a, b].find((c) => c.child.exitCode === null && c.lines.some((l) => l.includes('took the lease')))!;
      expect(victim, `round ${round}: a lease holder`).toBeDefined();
      const survivor = victim === a ? b : a;
      const before = (await cliJson<{ version: number }>(survivor.address, ['plan', 'show', 'Bulk'])).version;
      const update = cli(victim.address, ['plan', 'update', 'Bulk', '--set', `limits.disk_space=${round + 2}G`]);
      await new Promise((r) => setTimeout(r, delayMs));
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      await update.catch(() => undefined);
      // Every agent converged through the survivor within 10 s.
      await eventually(async () => {
        const { hosts } = await cliJson<{ hosts: HostJson[] }>(survivor.address, ['host', 'list']);
        return hosts.every((h) => h.connected && h.controller === survivor.address && h.syncLag === 0);
      }, 10_000, 'agents converged on the survivor');
      const convergedSeconds = (performance.now() - killedAt) / 1000;
      // The lease moved: the survivor runs the jobs now (within 30 s; checked every 5 s).
      await survivor.waitFor((l) => l.includes('took the lease'), 30_000);
      const leaseSeconds = (performance.now() - killedAt) / 1000;
      // All-old or all-new.
      const plan = await cliJson<{ version: number }>(survivor.address, ['plan', 'show', 'Bulk']);
      expect([before, before + 1]).toContain(plan.version);
      const expected = plan.version === before ? undefined : (round + 2) * 1024 ** 3;
      const disks = await Promise.all(names.map(async (n) => (await cliJson<SubJson>(survivor.address, ['sub', 'show', n])).providedValues['limits.disk_space']));
      expect(new Set(disks).size, `round ${round}: one value for all`).toBe(1);
      if (expected !== undefined) expect(disks[0]).toBe(expected);
      process.stderr.write(
        `cluster: round ${round} (kill after ${delayMs} ms): ${plan.version === before ? 'all old' : 'all new'}; agents converged in ${convergedSeconds.toFixed(2)} s, lease taken over in ${leaseSeconds.toFixed(2)} s\n`,
      );
      // Event ids: 1..n, no gap, no duplicate.
      const { events } = await cliJson<{ events: { id: number }[] }>(survivor.address, ['events', '--limit', '5000', '--after', '0']);
      expect(events.map((e) => e.id)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      // The CLI fails over too: the dead controller first in its list.
      expect((await cli(`${victim.address},${survivor.address}`, ['host', 'list', '--json'])).code).toBe(0);
      // The killed controller comes back on its address (the agents' lists name it).
      const restarted = await start(Number(victim.address.split(':').pop()));
      controllers.push(restarted);
      if (victim === a) a = restarted;
      else b = restarted;
    }
    // JetStream holds every event once, in order, whoever published it (the lease holder of the moment).
    const { events } = await cliJson<{ events: { id: number }[] }>(a.address, ['events', '--limit', '5000', '--after', '0']);
    const published = await eventually(async () => {
      const all = await readPublished(nats.url);
      return all.length >= events.length ? all : undefined;
    }, 15_000, 'every event published');
    expect(published.map((p) => p.id)).toEqual(events.map((e) => e.id));
  }, 120_000);
});
