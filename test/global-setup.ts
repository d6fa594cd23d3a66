/**
 * Once per test run: the prefix of the system users this run's agents create, the temporary folder
 * its controllers, agents and servers work in, on PostgreSQL the run's database, and the removal of
 * all at the end (also of those of earlier runs whose process is gone).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, removeStaleTestUsers, removeTestUsers } from './helpers/test-users.js';
import { PG_ADMIN_URL, TEST_STORE } from './helpers/store.js';
import { PgDb } from '../controller/src/store/pg.js';

const RUN_DIR = /^hostplane-run-([0-9a-z]+)-/;

function removeStaleRunDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = RUN_DIR.exec(name);
    if (m && !alive(parseInt(m[1]!, 36))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

const RUN_DATABASE = /^hostplane_test_([0-9a-z]+)_/;

/** On PostgreSQL: this run's database (stores are schemas in it); those of runs gone are dropped. */
function createRunDatabase(id: string): string {
  const admin = new PgDb(PG_ADMIN_URL);
  try {
    for (const { datname } of admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'hostplane_test_%'")) {
      const m = RUN_DATABASE.exec(datname);
      if (m && !alive(parseInt(m[1]!, 36))) admin.exec(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    const name = `hostplane_test_${id}_${Date.now().toString(36)}`;
    admin.exec(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    return name;
  } finally {
    admin.close();
  }
}

function dropRunDatabase(name: string): void {
  const admin = new PgDb(PG_ADMIN_URL);
  try {
    admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    admin.close();
  }
}

export default function setup(): () => void {
  const id = process.pid.toString(36);
  const prefix = `t${id}_`;
  process.env.HOSTPLANE_TEST_USER_PREFIX = prefix;
  removeStaleTestUsers();
  removeStaleRunDirs();
  const runDir = mkdtempSync(join(tmpdir(), `hostplane-run-${id}-`));
  chmodSync(runDir, 0o755); // site users and nginx's workers traverse it to the webspaces under it
  process.env.HOSTPLANE_TEST_TMP = runDir;
  const database = TEST_STORE === 'postgres' ? createRunDatabase(id) : undefined;
  if (database) process.env.HOSTPLANE_TEST_PG_DB = database;
  return () => {
    if (database) dropRunDatabase(database);
    removeTestUsers(prefix);
    rmSync(runDir, { recursive: true, force: true });
  };
}
