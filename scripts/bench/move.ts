/**
 * Benchmark: `sub move` of a 1 GiB webspace of many files between two real agents on this machine
 * (goal, SPEC §8: within 4× of `tar -c | tar -x` of the same tree, and under 100 MB of RSS growth
 * of the controller and of each agent). The controller runs in this process (its RSS is this
 * process's); the agents are real processes, as root with system users of their own prefix.
 * Last line: {"bench":"move","bytes":B,"files":N,"seconds":S,"tarSeconds":T,"ratio":S/T,"rssGrowthMB":G}
 *
 * Usage: npm run build && npm run bench:move [-- --files 4096 --file-kb 256]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ControllerCore, createJoinToken } from '../../controller/src/index.js';
import { startGrpcServer } from '../../controller/src/api/server.js';
import { silentLogger } from '../../controller/src/logger.js';
import { removeTestUsers, testUserPrefix, TEST_UID_MAX, TEST_UID_MIN } from '../../test/helpers/test-users.js';
import { writeProbeDir } from '../../test/agent/fixtures.js';

const { values: args } = parseArgs({ options: { files: { type: 'string', default: '4096' }, 'file-kb': { type: 'string', default: '256' } } });
const FILES = Number(args.files);
const FILE_BYTES = Number(args['file-kb']) * 1024;
const USERS = `${testUserPrefix()}mv_`;
const log = (m: string) => process.stderr.write(`${m}\n`);
const root = mkdtempSync(join(tmpdir(), 'hostplane-bench-move-'));
chmodSync(root, 0o755); // as /var/www: a site's user traverses it (a move extracts as that user)
const repo = resolve(import.meta.dirname, '../..');
const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0; // gone
  }
};
const until = async (ok: () => boolean, what: string, ms = 120_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const core = ControllerCore.open(join(root, 'controller.db'));
const running = await startGrpcServer({ core, log: silentLogger() }, { listen: '127.0.0.1:0' });
const address = `127.0.0.1:${running.port}`;
const agents: ChildProcess[] = [];
try {
  const dirs = (host: string) => {
    const d = join(root, host);
    mkdirSync(d, { recursive: true, mode: 0o755 });
    return { d, vhosts: join(d, 'vhosts') };
  };
  const start = async (host: string) => {
    const { d } = dirs(host);
    await writeProbeDir(join(d, 'probe'), ['nginx']);
    writeFileSync(
      join(d, 'agent.json'),
      JSON.stringify({ nginx: { validate: [], reload: [] }, phpFpm: { validate: [], reload: [], socketDir: join(d, 'run') }, users: { prefix: USERS, uidMin: TEST_UID_MIN, uidMax: TEST_UID_MAX } }),
    );
    const token = core.ctx.tx(() => createJoinToken(core.ctx).token);
    const child = spawn(
      join(repo, 'agent/bin/hostplane-agent.js'),
      ['--controller', address, '--join-token', token, '--name', host, '--state-dir', join(d, 'state'), '--vhosts-root', join(d, 'vhosts'), '--config-dir', join(d, 'config'), '--probe-path', join(d, 'probe'), '--log-level', 'warn', '--config', join(d, 'agent.json')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const keep = (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => log(`agent ${host} exited (${signal ?? code}): ${stderr.trim().slice(-2000)}`));
    agents.push(child);
    await until(() => Boolean(core.ctx.hosts.byName(host)?.report) && running.agents.isConnected(host), `${host} connected`);
    return child;
  };
  const a = await start('a.bench.example');
  const b = await start('b.bench.example');
  core.createCustomer({ login: 'bench', email: 'bench@example.org' });
  core.createPlan({ name: 'Bench', values: {} });
  core.createSubscription({ name: 'big.bench.example', customer: 'bench', plan: 'Bench', host: 'a.bench.example' });
  const applied = (host: string) => {
    const h = core.ctx.hosts.byName(host)!;
    const s = core.ctx.subscriptions.byName('big.bench.example')!;
    return s.hostId === h.id && h.observedRevision >= s.revision && s.appliedGeneration === s.generation;
  };
  await until(() => applied('a.bench.example'), 'the site on a');

  // 1 GiB of many files (in directories of 256), written once.
  const docroot = join(dirs('a.bench.example').vhosts, 'big.bench.example', 'httpdocs');
  const body = Buffer.alloc(FILE_BYTES, 0x61);
  let t0 = performance.now();
  for (let i = 0; i < FILES; i++) {
    const dir = join(docroot, `d${Math.floor(i / 256)}`);
    if (i % 256 === 0) mkdirSync(dir);
    writeFileSync(join(dir, `f${i}`), body);
  }
  log(`wrote ${FILES} files of ${FILE_BYTES / 1024} KiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The baseline: tar -c | tar -x of the same tree, on this machine.
  const copy = join(root, 'tar-copy');
  mkdirSync(copy);
  t0 = performance.now();
  await new Promise<void>((done, fail) => {
    const c = spawn('tar', ['-C', dirs('a.bench.example').vhosts, '-cf', '-', 'big.bench.example'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const x = spawn('tar', ['-C', copy, '-xpf', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    c.stdout!.pipe(x.stdin!);
    x.on('exit', (code) => (code === 0 ? done() : fail(new Error(`tar -x exited with ${code}`))));
  });
  const tarSeconds = (performance.now() - t0) / 1000;
  rmSync(copy, { recursive: true, force: true });
  log(`tar -c | tar -x: ${tarSeconds.toFixed(2)} s`);

  // The move, sampled for RSS: from the check to the subscription realized on b with its content.
  const base = { ctl: process.memoryUsage().rss / 1024 / 1024, a: rssOf(a.pid!), b: rssOf(b.pid!) };
  const peak = { ...base };
  const sampler = setInterval(() => {
    peak.ctl = Math.max(peak.ctl, process.memoryUsage().rss / 1024 / 1024);
    peak.a = Math.max(peak.a, rssOf(a.pid!));
    peak.b = Math.max(peak.b, rssOf(b.pid!));
  }, 50);
  t0 = performance.now();
  const plan = core.planMove('big.bench.example', 'b.bench.example', false);
  const { bytes } = await running.agents.moveContent(plan.name, plan.source, plan.target);
  core.completeMove(plan, bytes);
  await until(() => applied('b.bench.example'), 'the site on b');
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const growth = Math.max(peak.ctl - base.ctl, peak.a - base.a, peak.b - base.b);
  log(`move: ${(bytes / 1024 ** 3).toFixed(2)} GiB in ${seconds.toFixed(2)} s; RSS growth controller ${(peak.ctl - base.ctl).toFixed(0)} MB, source ${(peak.a - base.a).toFixed(0)} MB, target ${(peak.b - base.b).toFixed(0)} MB`);
  console.log(
    JSON.stringify({
      bench: 'move',
      bytes,
      files: FILES,
      seconds: Number(seconds.toFixed(2)),
      tarSeconds: Number(tarSeconds.toFixed(2)),
      ratio: Number((seconds / tarSeconds).toFixed(2)),
      rssGrowthMB: Math.round(growth),
    }),
  );
} finally {
  for (const c of agents) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await running.shutdown(1000);
  core.close();
  rmSync(root, { recursive: true, force: true });
  removeTestUsers(USERS);
}
process.exit(0);
