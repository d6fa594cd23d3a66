/** Opening the controller's SQLite store: WAL, foreign keys, and the numbered migrations. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';
import type { SqlDb, SqlStatement } from './sql.js';

/** The store's connection, on either engine. */
export type Db = SqlDb;

/** better-sqlite3 as a `SqlDb`: its own statements and transactions, passed through. */
export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;

  constructor(readonly sqlite: Database.Database) {}

  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): SqlStatement<P extends unknown[] ? P : [P], R> {
    return this.sqlite.prepare(sql) as unknown as SqlStatement<P extends unknown[] ? P : [P], R>;
  }

  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    return this.sqlite.transaction(fn) as unknown as (...args: A) => T;
  }

  exec(sql: string): void {
    this.sqlite.exec(sql);
  }

  tables(): string[] {
    return this.sqlite
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((t) => t.name);
  }

  close(): void {
    this.sqlite.close();
  }
}

export function openDatabase(file: string): SqliteDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -131072'); // 128 MiB page cache: bulk re-evaluation touches every row of a plan
  db.pragma('temp_store = MEMORY');
  migrate(db);
  return new SqliteDb(db);
}

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database is at schema version ${current}, newer than this controller (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
