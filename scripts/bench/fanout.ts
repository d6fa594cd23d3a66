/**
 * Benchmark: plan update fan-out to agents (goal: every agent holds the new revision within 3 s, and within 3× a raw SQLite write). One controller (this thread), 1,000
 * simulated agents with real gRPC streams (a worker thread), 100,000 subscriptions (100 per host);
 * one plan update; time until every agent acknowledged the new revision, per-agent latency, the
 * controller's heap per connected agent; then a real agent process for its RSS and detection time.
 * Then 200 single changes, each timed from the change to its agent's acknowledgement (convergence).
 * Last line: {"bench":"fanout","agents":A,"subscriptions":N,"allAckedSeconds":S,"p50Seconds":M,
 *             "p99Seconds":P,"convergenceP99Seconds":C,"heapPerAgentKB":H,"agentRssMB":R,
 *             "detectProcessSeconds":D}
 *
 * Usage: npm run bench:fanout [-- --agents 1000 --per-agent 100]
 */
import { removeTestUsers, testUserPrefix, TEST_UID_MAX, TEST_UID_MIN } from '../../test/helpers/test-users.js';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { CapabilityReport } from '@hostplane/shared';
import { ControllerCore, createJoinToken, enrollHost } from '../../controller/src/index.js';
import { startGrpcServer } from '../../controller/src/api/server.js';
import { silentLogger } from '../../controller/src/logger.js';
import { writeProbeDir } from '../../test/agent/fixtures.js';

const BENCH_USERS = `${testUserPrefix()}bench_`;
const { values: args } = parseArgs({ options: { agents: { type: 'string', default: '1000' }, 'per-agent': { type: 'string', default: '100' } } });
const AGENTS = Number(args.agents);
const PER = Number(args['per-agent']);
const GiB = 1024 ** 3;
const log = (m: string) => process.stderr.write(`${m}\n`);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => log('(run with --expose-gc for exact heap figures)'));
const heapMB = () => (gc(), process.memoryUsage().heapUsed);
const root = resolve(import.meta.dirname, '../..');

const report: CapabilityReport = {
  components: [
    { name: 'nginx', version: '1.22.1' },
    { name: 'php', version: '8.2.12' },
    { name: 'php-fpm', version: '8.2.12' },
    { name: 'postfix', version: '3.7.11' },
  ],
  disk: { mount: '/var/www', totalBytes: 2000 * GiB, freeBytes: 1500 * GiB, allocatableBytes: 1400 * GiB },
};

const dir = mkdtempSync(join(tmpdir(), 'hostplane-fanout-'));
const core = ControllerCore.open(join(dir, 'bench.db'));
const t0 = performance.now();
const agents: { host: string; credential: string }[] = [];
core.ctx.tx(() => {
  for (let h = 0; h < AGENTS; h++) {
    const host = `web${h}.bench.example`;
    const { credential } = enrollHost(core.ctx, createJoinToken(core.ctx).token, host);
    core.reportCapabilities(host, report);
    agents.push({ host, credential });
  }
});
core.createCustomer({ login: 'bench', email: 'bench@example.org' });
core.createPlan({ name: 'Bench', values: { 'limits.disk_space': '10G', 'limits.mailboxes': 25, 'hosting.php': true, 'php.memory_limit': '128M' } });
const create = core.ctx.db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) core.createSubscription({ name: `site${i}.bench.example`, customer: 'bench', plan: 'Bench', host: `web${i % AGENTS}.bench.example` });
});
for (let i = 0; i < AGENTS * PER; i += 5000) create(i, Math.min(AGENTS * PER, i + 5000));
log(`setup: ${AGENTS} hosts, ${AGENTS * PER} subscriptions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const running = await startGrpcServer({ core, log: silentLogger() }, { listen: '127.0.0.1:0' });
const address = `127.0.0.1:${running.port}`;
const heapBefore = heapMB();

const worker = new Worker(join(import.meta.dirname, 'fanout-agents.mjs'), {
  workerData: { address, agents, report },
  execArgv: ['--conditions=hostplane-source'],
});
const messages: { type: string; ackedAt?: Record<string, number>; message?: string }[] = [];
let wake: () => void = () => undefined;
worker.on('message', (m) => {
  messages.push(m);
  if (m.type === 'error') log(`agent error: ${m.message}`);
  wake();
});
const waitFor = (type: string, timeoutMs: number) =>
  new Promise<{ ackedAt?: Record<string, number> }>((resolveWait, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' from the agents within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) {
        clearTimeout(timer);
        resolveWait(messages.splice(i, 1)[0]!);
      } else wake = check;
    };
    check();
  });

const c0 = performance.now();
await waitFor('connected', 120_000);
log(`${AGENTS} agents connected with their snapshots in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
const lagging = core.ctx.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM hosts WHERE observed_revision < revision');
while (lagging.get()!.n > 0) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 500));
const heapPerAgentKB = Math.round((heapMB() - heapBefore) / AGENTS / 1024);
log(`controller heap per connected agent: ${heapPerAgentKB} KB`);

// The measured operation: one plan update, until every agent acknowledged the new revision.
const target = core.ctx.hosts.byName('web0.bench.example')!.revision + 1;
worker.postMessage({ type: 'expect', revision: target });
const start = performance.timeOrigin + performance.now();
const u0 = performance.now();
const summary = core.updatePlan('Bench', { set: { 'php.memory_limit': '256M' } });
log(`update: ${((performance.now() - u0) / 1000).toFixed(3)} s, pushed ${summary.pushed}`);
const { ackedAt } = await waitFor('acked', 120_000);
while (lagging.get()!.n > 0) await new Promise((r) => setTimeout(r, 5));
const allAckedSeconds = (performance.timeOrigin + performance.now() - start) / 1000;
const latencies = Object.values(ackedAt!).map((t) => (t - start) / 1000).sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
log(`all acked in ${allAckedSeconds.toFixed(3)} s; per agent p50 ${pct(0.5).toFixed(3)} s, p99 ${pct(0.99).toFixed(3)} s`);
// Convergence (goal: p99 under 1 s): single changes with every agent connected, each from the change to its
// agent's acknowledgement.
const convergence: number[] = [];
for (let i = 0; i < 100; i++) {
  const name = `site${(i * 7919) % (AGENTS * PER)}.bench.example`;
  for (const change of [core.suspendSubscription, core.activateSubscription]) {
    const c = performance.now();
    const host = core.ctx.hosts.byName(change(name).host)!; // read after the change: its new revision
    while (core.ctx.hosts.byId(host.id)!.observedRevision < host.revision) await new Promise((r) => setImmediate(r));
    convergence.push((performance.now() - c) / 1000);
  }
}
convergence.sort((a, b) => a - b);
const convergenceP99 = convergence[Math.floor(0.99 * convergence.length)]!;
log(`convergence of single changes (200): p50 ${convergence[100]!.toFixed(3)} s, p99 ${convergenceP99.toFixed(3)} s`);
worker.postMessage({ type: 'close' });

// A real agent process: steady-state RSS with 100 subscriptions realized, and a detection cycle.
const agentDir = mkdtempSync(join(tmpdir(), 'hostplane-fanout-agent-'));
await writeProbeDir(join(agentDir, 'probe'), ['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }, 'postfix', 'perl', 'python3']);
const d0 = performance.now();
execFileSync(process.execPath, [join(root, 'agent/bin/hostplane-agent.js'), '--detect', '--vhosts-root', agentDir, '--probe-path', join(agentDir, 'probe')], { stdio: 'ignore' });
const detectProcessSeconds = (performance.now() - d0) / 1000;
const joinToken = core.ctx.tx(() => createJoinToken(core.ctx).token);
// No real nginx behind it; as root its sites get system users of their own prefix, removed at the end.
const benchLayout = join(agentDir, 'agent.json');
writeFileSync(
  benchLayout,
  JSON.stringify({ nginx: { validate: [], reload: [] }, phpFpm: { validate: [], reload: [], socketDir: join(agentDir, 'run') }, users: { prefix: BENCH_USERS, uidMin: TEST_UID_MIN, uidMax: TEST_UID_MAX } }),
);
// Started as an operator starts it (the executable itself, so that its shebang's flags apply).
const real = spawn(
  join(root, 'agent/bin/hostplane-agent.js'),
  [
    '--controller', address, '--join-token', joinToken, '--name', 'real.bench.example',
    '--state-dir', join(agentDir, 'state'), '--vhosts-root', join(agentDir, 'vhosts'), '--config-dir', join(agentDir, 'config'),
    '--probe-path', join(agentDir, 'probe'), '--log-level', 'warn', '--config', benchLayout,
  ],
  { stdio: 'ignore' },
);
while (!core.ctx.hosts.byName('real.bench.example')?.report) await new Promise((r) => setTimeout(r, 100));
core.ctx.db.transaction(() => {
  for (let i = 0; i < 100; i++) core.createSubscription({ name: `real${i}.bench.example`, customer: 'bench', plan: 'Bench', host: 'real.bench.example' });
})();
const realHost = () => core.ctx.hosts.byName('real.bench.example')!;
while (realHost().observedRevision < realHost().revision) await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, 3000)); // steady state
const rssKB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${real.pid}/status`, 'utf8'))?.[1] ?? NaN);
real.kill('SIGTERM');
log(`real agent: RSS ${(rssKB / 1024).toFixed(1)} MB with 100 subscriptions; 'hostplane-agent --detect' (process start + detection) ${detectProcessSeconds.toFixed(2)} s`);

await running.shutdown(1000);
core.close();
rmSync(dir, { recursive: true, force: true });
rmSync(agentDir, { recursive: true, force: true });
removeTestUsers(BENCH_USERS);
console.log(
  JSON.stringify({
    bench: 'fanout',
    agents: AGENTS,
    subscriptions: AGENTS * PER,
    allAckedSeconds: Number(allAckedSeconds.toFixed(3)),
    p50Seconds: Number(pct(0.5).toFixed(3)),
    p99Seconds: Number(pct(0.99).toFixed(3)),
    convergenceP99Seconds: Number(convergenceP99.toFixed(3)),
    heapPerAgentKB,
    agentRssMB: Math.round(rssKB / 1024),
    detectProcessSeconds: Number(detectProcessSeconds.toFixed(2)),
  }),
);
process.exit(0);
