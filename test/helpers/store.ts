/**
 * Which store the suite runs on: SQLite files (the default) or PostgreSQL
 * (`HOSTPLANE_TEST_STORE=postgres`, `npm test` runs both). On PostgreSQL each test run has its own
 * database (created and dropped by the global setup) and each store in it its own schema, so that
 * tests never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PgDb } from '../../controller/src/store/pg.js';

export const TEST_STORE: 'sqlite' | 'postgres' = process.env.HOSTPLANE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The server the PostgreSQL runs use (trust auth on this machine's 127.0.0.1:5432). */
export const PG_ADMIN_URL = process.env.HOSTPLANE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of `database` on the test server. */
export function pgDatabaseUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function runDatabaseUrl(): string {
  const db = process.env.HOSTPLANE_TEST_PG_DB;
  if (!db) throw new Error('HOSTPLANE_TEST_PG_DB is not set: the global setup creates the run database');
  return pgDatabaseUrl(db);
}

const byDataDir = new Map<string, string>();

/**
 * A new, empty store: the SQLite file `dir/hostplane.db`, or a new schema of the run's PostgreSQL
 * database (its URL selects it through `search_path`). The same `dir` again gives the same store
 * (a controller restarted on its data dir).
 */
export function freshStore(dir: string): { location: string; drop(): void } {
  if (TEST_STORE === 'sqlite') return { location: join(dir, 'hostplane.db'), drop: () => {} };
  const known = byDataDir.get(dir);
  const schema = known ?? `t_${randomBytes(6).toString('hex')}`;
  const base = runDatabaseUrl();
  if (!known) {
    const admin = new PgDb(base);
    admin.exec(`CREATE SCHEMA ${schema}`);
    admin.close();
    byDataDir.set(dir, schema);
  }
  const url = new URL(base);
  url.searchParams.set('options', `-csearch_path=${schema}`);
  return {
    location: url.toString(),
    drop() {
      byDataDir.delete(dir);
      const admin = new PgDb(base);
      admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      admin.close();
    },
  };
}
