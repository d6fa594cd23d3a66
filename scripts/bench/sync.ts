/**
 * Benchmark: plan update fan-out in the controller core (goal: under 3 s, and within 3× one raw
 * transaction writing the same rows). 1,000 hosts with capability reports, 100,000 subscriptions on
 * one plan, then one plan update that changes a property for all of them (recompute, persist, bump
 * generations and host revisions). In the same run, one raw transaction updates the same rows: on
 * SQLite with a prepared statement per row (SQLite's fastest way), on PostgreSQL with one statement
 * over arrays of all the rows (PostgreSQL's fastest; a statement per row takes several times longer).
 * Last line: {"bench":"sync","subscriptions":N,"hosts":H,"seconds":S,"rawSqliteSeconds":R,"ratio":S/R,"rssMB":M,"store":"sqlite"}
 * (on PostgreSQL `rawSqliteSeconds` is null and `rawPostgresSeconds` the baseline).
 *
 * Usage: npm run bench:sync [-- --subscriptions 100000 --hosts 1000 --store postgres://USER@HOST/DB]
 * With --store, the bench works in a schema of its own in that database and drops it at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ControllerCore } from '../../controller/src/index.js';
import { PgDb } from '../../controller/src/store/pg.js';

const { values: args } = parseArgs({
  options: { subscriptions: { type: 'string', default: '100000' }, hosts: { type: 'string', default: '1000' }, store: { type: 'string' } },
});
const SUBS = Number(args.subscriptions);
const HOSTS = Number(args.hosts);
const GiB = 1024 ** 3;

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'hostplane-bench-'));
const pg = args.store ? { url: args.store, schema: `hostplane_bench_${process.pid}` } : undefined;
function onPostgres(sql: string): void {
  const admin = new PgDb(pg!.url);
  admin.exec(sql);
  admin.close();
}
if (pg) onPostgres(`CREATE SCHEMA ${pg.schema}`);
try {
  let location = join(dir, 'bench.db');
  if (pg) {
    const url = new URL(pg.url);
    url.searchParams.set('options', `-csearch_path=${pg.schema}`);
    location = url.toString();
  }
  const core = ControllerCore.open(location);
  const t0 = performance.now();
  for (let h = 0; h < HOSTS; h++) {
    core.reportCapabilities(`web${h}.bench.example`, {
      components: [
        { name: 'nginx', version: '1.22.1' },
        { name: 'php', version: '8.2.12' },
        { name: 'php-fpm', version: '8.2.12' },
        { name: 'postfix', version: '3.7.11' },
        { name: 'mariadb', version: '10.11.6' },
        ...(h % 10 === 0 ? [] : [{ name: 'mivavm' as const, version: '5.33' }]),
      ],
      disk: { mount: '/var/www', totalBytes: 2000 * GiB, freeBytes: 1500 * GiB, allocatableBytes: 1400 * GiB },
    });
  }
  core.createCustomer({ login: 'bench', email: 'bench@example.org' });
  core.createPlan({
    name: 'Bench',
    values: { 'limits.disk_space': '10G', 'limits.mailboxes': 25, 'hosting.php': true, 'hosting.php_version': '8.2', 'hosting.miva': true },
  });
  // Subscriptions are created through the real use case, in batches of one transaction each.
  const create = core.ctx.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      core.createSubscription({ name: `site${i}.bench.example`, customer: 'bench', plan: 'Bench', host: `web${i % HOSTS}.bench.example` });
    }
  });
  for (let i = 0; i < SUBS; i += 5000) create(i, Math.min(SUBS, i + 5000));
  log(`setup: ${HOSTS} hosts, ${SUBS} subscriptions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The measured operation: Update & Sync.
  const u0 = performance.now();
  const summary = core.updatePlan('Bench', { set: { 'limits.traffic': '200G' } });
  const seconds = (performance.now() - u0) / 1000;
  if (summary.pushed !== SUBS) throw new Error(`expected ${SUBS} subscriptions pushed, got ${summary.pushed}`);
  log(`update: ${seconds.toFixed(3)} s — synced ${summary.synced}, unsynced ${summary.unsynced.length}, pushed ${summary.pushed}`);

  // The baseline: one raw transaction writing the same rows and columns with a prepared statement.
  const db = core.ctx.db;
  const rows = db
    .prepare<[], { id: number; host_id: number; provided_set: number; conflicts: string; sync_status: string }>(
      'SELECT id, host_id, provided_set, conflicts, sync_status FROM subscriptions',
    )
    .all();
  // Each row gets another existing value set, so every row really changes, as in the update.
  const setIds = [...new Set(rows.map((r) => r.provided_set))];
  const other = new Map(setIds.map((id, i) => [id, setIds[(i + 1) % setIds.length]!]));
  const bump = db.prepare('UPDATE hosts SET revision = revision + 1 WHERE id = ?');
  let rawSeconds: number;
  if (db.dialect === 'postgres') {
    const all = db.prepare<[string, string, string, string, string]>(
      `UPDATE subscriptions s SET subscriber_values = '{}', provided_set = u.set, conflicts = u.conflicts, sync_status = u.status,
         generation = generation + 1, revision = 3, updated_at = ?
         FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS u(id, set, conflicts, status) WHERE s.id = u.id`,
    );
    const array = (values: readonly (string | number)[]) => `{${values.map((v) => (typeof v === 'number' ? v : JSON.stringify(v))).join(',')}}`;
    const ids = array(rows.map((r) => r.id));
    const sets = array(rows.map((r) => other.get(r.provided_set)!));
    const conflicts = array(rows.map((r) => r.conflicts));
    const statuses = array(rows.map((r) => r.sync_status));
    const r0 = performance.now();
    db.transaction(() => {
      for (let h = 1; h <= HOSTS; h++) bump.run(h);
      all.run(new Date().toISOString(), ids, sets, conflicts, statuses);
    })();
    rawSeconds = (performance.now() - r0) / 1000;
  } else {
    const stmt = db.prepare(
      `UPDATE subscriptions SET subscriber_values = ?, provided_set = ?, conflicts = ?, sync_status = ?,
         generation = generation + 1, revision = ?, updated_at = ? WHERE id = ?`,
    );
    const r0 = performance.now();
    db.transaction(() => {
      const now = new Date().toISOString();
      for (let h = 1; h <= HOSTS; h++) bump.run(h);
      for (const r of rows) stmt.run('{}', other.get(r.provided_set), r.conflicts, r.sync_status, 3, now, r.id);
    })();
    rawSeconds = (performance.now() - r0) / 1000;
  }
  log(`raw ${db.dialect}: ${rawSeconds.toFixed(3)} s`);
  core.close();
  const rssMB = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    JSON.stringify({
      bench: 'sync',
      subscriptions: SUBS,
      hosts: HOSTS,
      seconds: Number(seconds.toFixed(3)),
      rawSqliteSeconds: pg ? null : Number(rawSeconds.toFixed(3)),
      ...(pg ? { rawPostgresSeconds: Number(rawSeconds.toFixed(3)) } : {}),
      ratio: Number((seconds / rawSeconds).toFixed(2)),
      rssMB,
      store: pg ? 'postgres' : 'sqlite',
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (pg) onPostgres(`DROP SCHEMA IF EXISTS ${pg.schema} CASCADE`);
}
