/**
 * The PostgreSQL connection under the store: placeholders as PostgreSQL numbers them, values read
 * back as SQLite gives them, nested transactions as savepoints, and a connection that breaks (the
 * server restarted, a failover) replaced between transactions — the call that lost it fails, the
 * next one works, with its statements prepared again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgDb, numberPlaceholders } from '../../controller/src/store/pg.js';
import { ControllerCore } from '../../controller/src/core.js';
import { TEST_STORE, freshStore } from '../helpers/store.js';
import { tempDir } from '../helpers/processes.js';

describe('numberPlaceholders', () => {
  it.each([
    ['SELECT * FROM t WHERE a = ? AND b = ?', 'SELECT * FROM t WHERE a = $1 AND b = $2', null, 2],
    ["SELECT '?' AS q, \"we?ird\" FROM t WHERE a = ?", "SELECT '?' AS q, \"we?ird\" FROM t WHERE a = $1", null, 1],
    ['UPDATE t SET a = @a, b = @b WHERE id = @id AND a <> @a', 'UPDATE t SET a = $1, b = $2 WHERE id = $3 AND a <> $1', ['a', 'b', 'id'], 3],
    ["SELECT 'mail@example.org' WHERE x = @x", "SELECT 'mail@example.org' WHERE x = $1", ['x'], 1],
  ] as const)('%s', (sql, text, names, count) => {
    expect(numberPlaceholders(sql)).toEqual({ text, names, count });
  });

  it('refuses a statement that mixes both kinds', () => {
    expect(() => numberPlaceholders('SELECT ? WHERE a = @a')).toThrow(/mixes/);
  });
});

describe.runIf(TEST_STORE === 'postgres')('PgDb on a real PostgreSQL', () => {
  let store: { location: string; drop(): void };
  let admin: PgDb;
  beforeAll(() => {
    store = freshStore(tempDir('hostplane-pgdb-'));
    admin = new PgDb(store.location);
  });
  afterAll(() => {
    admin?.close();
    store?.drop();
  });

  it('reads numbers, counts and booleans as SQLite gives them; text stays text', () => {
    const db = new PgDb(store.location);
    try {
      const row = db.prepare<[], Record<string, unknown>>("SELECT 1::bigint AS big, count(*) AS n, true AS yes, false AS no, 'x' AS t, NULL AS nothing, 2.5::float8 AS f").get();
      expect(row).toEqual({ big: 1, n: 1, yes: 1, no: 0, t: 'x', nothing: null, f: 2.5 });
      expect(db.prepare('SELECT ?::int AS a, ?::text AS b').raw(true).get(7, 'z')).toEqual([7, 'z']);
    } finally {
      db.close();
    }
  });

  it('nests transactions as savepoints: an inner failure rolls back only the inner part', () => {
    const db = new PgDb(store.location);
    try {
      db.exec('CREATE TABLE nest (v int)');
      const insert = db.prepare<[number]>('INSERT INTO nest (v) VALUES (?)');
      db.transaction(() => {
        insert.run(1);
        expect(() =>
          db.transaction(() => {
            insert.run(2);
            throw new Error('inner');
          })(),
        ).toThrow('inner');
        insert.run(3);
      })();
      expect(db.prepare<[], { v: number }>('SELECT v FROM nest ORDER BY v').all().map((r) => r.v)).toEqual([1, 3]);
      expect(() => db.transaction(() => insert.run(4) && (() => { throw new Error('outer'); })())()).toThrow('outer');
      expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM nest').get()!.n).toBe(2);
    } finally {
      db.close();
    }
  });

  it('a connection that breaks is replaced before the next call; the store goes on', () => {
    const core = ControllerCore.open(store.location);
    try {
      core.createCustomer({ login: 'before', email: 'b@example.org' });
      const pid = core.ctx.db.prepare<[], { pid: number }>('SELECT pg_backend_pid() AS pid').get()!.pid;
      admin.query('SELECT pg_terminate_backend(?)', [pid]);
      // The call that finds the connection gone fails, and changes nothing.
      expect(() => core.createCustomer({ login: 'lost', email: 'l@example.org' })).toThrow();
      // The next one connects again (its statements prepared anew) and works.
      core.createCustomer({ login: 'after', email: 'a@example.org' });
      expect(core.listCustomers().map((c) => c.login)).toEqual(['after', 'before']);
      expect(core.ctx.db.prepare<[], { pid: number }>('SELECT pg_backend_pid() AS pid').get()!.pid).not.toBe(pid);
    } finally {
      core.close();
    }
  });
});
