/**
 * The SQL connection the table classes are written against: the part of better-sqlite3's API they
 * use (prepared statements with `?` or `@name` parameters, `.raw()` rows, nestable transactions),
 * which the embedded SQLite store passes straight through and the PostgreSQL store implements over
 * libpq (pg.ts). Both are synchronous: a use case is one transaction that runs to its end, as it
 * always has, on either engine.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  get(...params: P): R | undefined;
  all(...params: P): R[];
  run(...params: P): { changes: number };
  /** Rows as arrays of column values, in select order (the caller types them). */
  raw(toggle?: boolean): this;
}

export interface SqlDb {
  readonly dialect: Dialect;
  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): SqlStatement<P extends unknown[] ? P : [P], R>;
  /** `fn` as one transaction (a savepoint when nested): all of its writes, or none. */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
  /** Runs statements without parameters (schema changes). */
  exec(sql: string): void;
  /** The names of the tables of the store (for dumps in tests and tooling), sorted. */
  tables(): string[];
  close(): void;
}

/** The ids of a JSON array parameter as a subquery, in the engine's dialect: `id IN (${idsOf(db)})`. */
export function idsOf(db: Pick<SqlDb, 'dialect'>): string {
  return db.dialect === 'postgres' ? 'SELECT value::bigint FROM json_array_elements_text(?::json) AS value' : 'SELECT value FROM json_each(?)';
}
