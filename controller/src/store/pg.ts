/**
 * The PostgreSQL store's connection (`--store postgres://…`): libpq's synchronous calls behind the
 * same `SqlDb` the table classes use on SQLite. Synchronous on purpose: a use case is one
 * transaction from BEGIN to COMMIT with nothing interleaved, exactly as on better-sqlite3, so the
 * use cases, the tests and their all-or-nothing meaning are the same on both engines. What it costs
 * is one network round trip per statement with the event loop waiting (a LAN's fraction of a
 * millisecond; the bulk writes of a plan update are one statement per group of subscriptions).
 *
 * Statements are prepared on the server on first use and kept; `?` and `@name` parameters become
 * `$n`; values come back as SQLite gives them (integers and counts as numbers, booleans as 1/0).
 */
import { createRequire } from 'node:module';
import { PG_MIGRATIONS } from './pg-migrations.js';
import type { SqlDb, SqlStatement } from './sql.js';

/** The libpq binding (npm `libpq`, the native half of node-postgres): what is used of it. */
interface PQ {
  connectSync(conninfo: string): void;
  startReader(): void;
  stopReader(): void;
  consumeInput(): boolean;
  notifies(): { relname: string; extra: string; be_pid: number } | undefined;
  on(event: 'readable', listener: () => void): void;
  removeAllListeners(event?: string): void;
  exec(sql: string): void;
  execParams(sql: string, params: (string | null)[]): void;
  prepare(name: string, sql: string, nParams: number): void;
  execPrepared(name: string, params: (string | null)[]): void;
  resultStatus(): string;
  resultErrorMessage(): string;
  resultErrorFields(): { sqlState?: string } | undefined;
  errorMessage(): string;
  ntuples(): number;
  nfields(): number;
  fname(i: number): string;
  ftype(i: number): number;
  getvalue(row: number, col: number): string;
  getisnull(row: number, col: number): boolean;
  cmdTuples(): string;
  clear(): void;
  finish(): void;
  /** 0 idle, 1 active, 2 in a transaction, 3 in a failed transaction, 4 the connection is bad. */
  transactionStatus(): number;
}

function loadLibpq(): new () => PQ {
  try {
    return createRequire(import.meta.url)('libpq') as new () => PQ;
  } catch (err) {
    throw new Error(
      `--store postgres:// needs the libpq binding, which did not build here (${(err as Error).message.split('\n')[0]}): ` +
        'install libpq-dev (Debian: apt-get install libpq-dev) and run npm rebuild libpq',
    );
  }
}

/**
 * The connection URI with what a synchronous client needs unless the operator set it: a bounded
 * connect (the event loop waits for it), TCP keepalives and a user timeout, so that a server gone
 * silent (a network split) is noticed in about 30 s — the lease it held is then released, and a
 * LISTEN connection learns it is dead — instead of the operating system's two hours.
 */
export function withNetworkDefaults(conninfo: string): string {
  if (!/^postgres(ql)?:\/\//i.test(conninfo)) return conninfo;
  const url = new URL(conninfo);
  const defaults: Record<string, string> = { connect_timeout: '10', keepalives_idle: '15', keepalives_interval: '5', keepalives_count: '3', tcp_user_timeout: '30000' };
  for (const [key, value] of Object.entries(defaults)) if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  return url.toString();
}

/** A PostgreSQL error, with its SQLSTATE. */
export class PgError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
  ) {
    super(message);
  }
}

/** Connections just finished, kept from the garbage collector until libuv has closed their watcher. */
const FINISHING = new Set<PQ>();

/**
 * Ends a connection. finish() hands the binding's socket watcher to libuv to close later; the
 * watcher lives inside the binding's object, which must not be collected before libuv has closed it
 * (the process aborts otherwise): it is held until a later turn of the event loop.
 */
function finish(pq: PQ): void {
  FINISHING.add(pq);
  pq.finish();
  setTimeout(() => FINISHING.delete(pq), 100).unref();
}

// Result types read as numbers (SQLite gives numbers for all of these); bool as 1/0.
const NUMERIC = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOL = 16;

/** `?` and `@name` placeholders (outside string literals and identifiers) as `$1…$n`. */
export function numberPlaceholders(sql: string): { text: string; names: string[] | null; count: number } {
  let out = '';
  let n = 0;
  const names: string[] = [];
  let named = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      named = true;
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i += name.length;
    } else out += c;
  }
  if (named && n > 0) throw new Error('a statement mixes ? and @name parameters');
  return { text: out, names: named ? names : null, count: named ? names.length : n };
}

function param(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  throw new TypeError(`cannot bind a ${typeof v} to a PostgreSQL parameter`);
}

class PgStatement<P extends unknown[], R> implements SqlStatement<P, R> {
  private name: string | undefined;
  private generation = -1;
  private asArrays = false;
  private readonly text: string;
  private readonly names: string[] | null;
  private readonly count: number;

  constructor(
    private readonly db: PgDb,
    sql: string,
  ) {
    const numbered = numberPlaceholders(sql);
    this.text = numbered.text;
    this.names = numbered.names;
    this.count = numbered.count;
  }

  raw(toggle = true): this {
    this.asArrays = toggle;
    return this;
  }

  private params(args: unknown[]): (string | null)[] {
    if (this.names) {
      const bag = (args[0] ?? {}) as Record<string, unknown>;
      return this.names.map((n) => param(bag[n]));
    }
    if (args.length !== this.count) throw new RangeError(`the statement takes ${this.count} parameters, ${args.length} given`);
    return args.map(param);
  }

  private execute(args: unknown[]): PQ {
    // Prepared on this connection (again after a reconnect: the server forgot it with the old one).
    this.db.connection(); // connects again first when the connection broke (a new generation)
    if (this.name === undefined || this.generation !== this.db.generation) {
      this.name = this.db.prepareNamed(this.text, this.count);
      this.generation = this.db.generation;
    }
    return this.db.run(this.name, this.params(args));
  }

  run(...args: P): { changes: number } {
    const pq = this.execute(args);
    const changes = Number(pq.cmdTuples() || 0);
    pq.clear();
    return { changes };
  }

  all(...args: P): R[] {
    const pq = this.execute(args);
    const rows = readRows(pq, this.asArrays) as R[];
    pq.clear();
    return rows;
  }

  get(...args: P): R | undefined {
    return this.all(...args)[0];
  }
}

function readRows(pq: PQ, asArrays: boolean): unknown[] {
  const fields = pq.nfields();
  const names: string[] = [];
  const kinds: number[] = [];
  for (let c = 0; c < fields; c++) {
    names.push(pq.fname(c));
    const type = pq.ftype(c);
    kinds.push(type === BOOL ? 2 : NUMERIC.has(type) ? 1 : 0);
  }
  const rows: unknown[] = [];
  const count = pq.ntuples();
  for (let r = 0; r < count; r++) {
    const values: unknown[] = [];
    for (let c = 0; c < fields; c++) {
      if (pq.getisnull(r, c)) {
        values.push(null);
        continue;
      }
      const text = pq.getvalue(r, c);
      values.push(kinds[c] === 1 ? Number(text) : kinds[c] === 2 ? (text === 't' ? 1 : 0) : text);
    }
    if (asArrays) rows.push(values);
    else {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < fields; c++) row[names[c]!] = values[c];
      rows.push(row);
    }
  }
  return rows;
}

export class PgDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  private pq: PQ;
  private statements = 0;
  private depth = 0;
  private closed = false;
  /** The connection broke: the next call outside a transaction connects again. */
  private broken = false;
  /** Counts connections: statements prepared on an earlier one are prepared again. */
  generation = 0;

  private readonly conninfo: string;

  constructor(conninfo: string) {
    this.conninfo = withNetworkDefaults(conninfo);
    this.pq = PgDb.connect(this.conninfo);
  }

  private static connect(conninfo: string): PQ {
    const Libpq = loadLibpq();
    const pq = new Libpq();
    try {
      pq.connectSync(conninfo);
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL: ${(err as Error).message.trim()}`);
    }
    // Warnings (e.g. "there is no transaction in progress") are not the controller's to print;
    // a lock held elsewhere (another controller's long transaction) is waited for, not forever.
    pq.exec("SET client_min_messages = warning; SET lock_timeout = '30s'");
    pq.clear();
    return pq;
  }

  /**
   * The connection, for a call: refused when closed (libpq would crash the process); connected
   * again when it broke (a restarted or failed-over server), between transactions only — a
   * transaction that lost its connection has failed, and its caller hears so.
   */
  connection(): PQ {
    if (this.closed) throw new PgError('the PostgreSQL store is closed', undefined);
    if (this.broken && this.depth === 0) {
      finish(this.pq);
      this.pq = PgDb.connect(this.conninfo);
      this.broken = false;
      this.generation++;
    }
    return this.pq;
  }

  /** Checks the last result; throws PgError (and clears it) on failure. */
  private check(what: string): PQ {
    const status = this.pq.resultStatus();
    if (status === 'PGRES_FATAL_ERROR' || status === 'PGRES_BAD_RESPONSE' || status === 'PGRES_NONFATAL_ERROR') {
      const message = this.pq.resultErrorMessage().trim() || this.pq.errorMessage().trim();
      const sqlState = this.pq.resultErrorFields()?.sqlState;
      this.pq.clear();
      if (this.pq.transactionStatus() === 4) this.broken = true;
      throw new PgError(`${message} (in ${what.replace(/\s+/g, ' ').slice(0, 200)})`, sqlState);
    }
    return this.pq;
  }

  /** Prepares `text` on the server under a new name. */
  prepareNamed(text: string, count: number): string {
    const name = `s${++this.statements}`;
    this.connection().prepare(name, text, count);
    this.check(text).clear();
    return name;
  }

  run(name: string, params: (string | null)[]): PQ {
    this.connection().execPrepared(name, params);
    return this.check(name);
  }

  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): SqlStatement<P extends unknown[] ? P : [P], R> {
    return new PgStatement<P extends unknown[] ? P : [P], R>(this, sql);
  }

  exec(sql: string): void {
    this.connection().exec(sql);
    this.check(sql).clear();
  }

  /** Rows of a one-off query (no server-side statement kept). */
  query<R>(sql: string, params: unknown[] = []): R[] {
    const { text } = numberPlaceholders(sql);
    this.connection().execParams(text, params.map(param));
    const pq = this.check(sql);
    const rows = readRows(pq, false) as R[];
    pq.clear();
    return rows;
  }

  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    return (...args: A) => {
      const outer = this.depth === 0;
      const savepoint = `sp${this.depth}`;
      this.exec(outer ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
      this.depth++;
      let result: T;
      try {
        result = fn(...args);
      } catch (err) {
        this.depth--;
        this.undo(outer, savepoint);
        throw err;
      }
      this.depth--;
      try {
        this.exec(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      } catch (err) {
        // A commit refused (a deferred constraint, a serialization failure, the server gone):
        // nothing of it landed; the connection is left out of the transaction.
        this.undo(outer, savepoint);
        throw err;
      }
      return result;
    };
  }

  private undo(outer: boolean, savepoint: string): void {
    try {
      this.exec(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
    } catch {
      // The connection is gone: the server rolled back for us.
    }
  }

  tables(): string[] {
    return this.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename COLLATE "C"').map((t) => t.tablename);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    finish(this.pq);
  }
}

/**
 * Opens the PostgreSQL store at `url` (a libpq connection URI, e.g.
 * `postgres://hostplane@db.example.net/hostplane`) and brings its schema up to date — one
 * controller at a time (an advisory lock), since several may start together on one database.
 */
export function openPostgres(url: string): PgDb {
  const db = new PgDb(url);
  db.exec('SELECT pg_advisory_lock(7204311)');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS hostplane_schema (version BIGINT NOT NULL)');
    const current = db.query<{ version: number }>('SELECT version FROM hostplane_schema')[0]?.version ?? 0;
    if (current > PG_MIGRATIONS.length) throw new Error(`the database is at schema version ${current}, newer than this controller (${PG_MIGRATIONS.length})`);
    for (let v = current; v < PG_MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(PG_MIGRATIONS[v]!);
        db.exec('DELETE FROM hostplane_schema');
        db.query('INSERT INTO hostplane_schema (version) VALUES (?)', [v + 1]);
      })();
    }
  } finally {
    db.exec('SELECT pg_advisory_unlock(7204311)');
  }
  return db;
}

/**
 * A connection that LISTENs on `channel` and hands each notification's payload to `onPayload`, read
 * as it arrives (libpq's socket watched by the event loop). A broken connection is reported once
 * to `onLost` and the listener is done; the caller starts another.
 */
export class PgListener {
  private readonly pq: PQ;
  private closed = false;

  constructor(url: string, channel: string, onPayload: (payload: string) => void, onLost: (err: Error) => void) {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel name '${channel}'`);
    const Libpq = loadLibpq();
    this.pq = new Libpq();
    try {
      this.pq.connectSync(withNetworkDefaults(url));
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL: ${(err as Error).message.trim()}`);
    }
    this.pq.exec(`LISTEN ${channel}`);
    const status = this.pq.resultStatus();
    this.pq.clear();
    if (status !== 'PGRES_COMMAND_OK') {
      this.close();
      throw new Error(`LISTEN ${channel} failed (${status})`);
    }
    this.pq.on('readable', () => {
      if (this.closed) return;
      if (!this.pq.consumeInput()) {
        const err = new Error(`the PostgreSQL connection of LISTEN ${channel} broke: ${this.pq.errorMessage().trim()}`);
        this.close();
        onLost(err);
        return;
      }
      for (let n = this.pq.notifies(); n; n = this.pq.notifies()) {
        try {
          onPayload(n.extra);
        } catch {
          // The handler's failure is its own (it logs): the feed goes on.
        }
      }
    });
    this.pq.startReader();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pq.stopReader();
    this.pq.removeAllListeners('readable');
    finish(this.pq);
  }
}
