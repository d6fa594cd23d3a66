/** The events table: the outbox of every state change, read by WatchEvents and the NATS publisher. */
import type { Db } from './db.js';

export interface EventRecord {
  readonly id: number;
  /** `<entity>.<change>`, e.g. `subscription.unsynced`. */
  readonly type: string;
  readonly entityName: string;
  readonly time: string;
  readonly actor: string;
  readonly onBehalfOf: string | null;
  readonly data: Record<string, unknown>;
  readonly publishedAt: string | null;
  /** Why NATS could not take it, when it was set aside (parked) instead of published. */
  readonly parked: string | null;
}

interface EventRow {
  id: number;
  type: string;
  entity_name: string;
  time: string;
  actor: string;
  on_behalf_of: string | null;
  data: string;
  published_at: string | null;
  parked: string | null;
}

const toRecord = (r: EventRow): EventRecord => ({
  id: r.id,
  type: r.type,
  entityName: r.entity_name,
  time: r.time,
  actor: r.actor,
  onBehalfOf: r.on_behalf_of,
  data: JSON.parse(r.data) as Record<string, unknown>,
  publishedAt: r.published_at,
  parked: r.parked,
});

export class EventStore {
  private readonly insertStmt;
  private readonly afterStmt;
  private readonly unpublishedStmt;
  private readonly markStmt;
  private readonly maxStmt;
  private readonly minStmt;
  private readonly backlogStmt;
  private readonly gcStmt;
  private readonly parkStmt;
  private readonly parkedStmt;
  private readonly parkedCountStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare<[string, string, string, string, string | null, string], { id: number }>(
      db.dialect === 'postgres'
        ? // The id from the counter row, in this transaction (see the PostgreSQL schema): gap-free across controllers.
          `WITH n AS (UPDATE event_counter SET last_id = last_id + 1 RETURNING last_id)
           INSERT INTO events (id, type, entity_name, time, actor, on_behalf_of, data) SELECT last_id, ?, ?, ?, ?, ?, ? FROM n RETURNING id`
        : 'INSERT INTO events (type, entity_name, time, actor, on_behalf_of, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.afterStmt = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?');
    this.unpublishedStmt = db.prepare<[number], EventRow>('SELECT * FROM events WHERE published_at IS NULL AND parked IS NULL ORDER BY id LIMIT ?');
    this.parkStmt = db.prepare<[string, number]>('UPDATE events SET parked = ? WHERE id = ? AND published_at IS NULL');
    this.parkedStmt = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE parked IS NOT NULL AND id > ? ORDER BY id LIMIT ?');
    this.parkedCountStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events WHERE parked IS NOT NULL');
    this.markStmt = db.prepare<[string, number]>('UPDATE events SET published_at = ? WHERE id = ?');
    this.maxStmt = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM events');
    this.minStmt = db.prepare<[], { id: number | null }>('SELECT min(id) AS id FROM events');
    this.backlogStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events WHERE published_at IS NULL AND parked IS NULL');
    this.gcStmt = db.prepare<[string, number]>('DELETE FROM events WHERE time < ? AND (published_at IS NOT NULL OR ? = 0)');
  }

  insert(type: string, entityName: string, time: string, actor: string, onBehalfOf: string | null, data: Record<string, unknown>): number {
    return this.insertStmt.get(type, entityName, time, actor, onBehalfOf, JSON.stringify(data))!.id;
  }

  /**
   * Events after `afterId`, optionally of some types (`subscription` matches `subscription.*`): the
   * first `limit` of them, or with `newest` the last `limit` — always returned in id order.
   */
  after(afterId: number, limit: number, types: readonly string[] = [], newest = false): EventRecord[] {
    if (newest) {
      const { sql, params } = typeFilter(types);
      return this.db
        .prepare<unknown[], EventRow>(`SELECT * FROM events WHERE id > ?${sql ? ` AND (${sql})` : ''} ORDER BY id DESC LIMIT ?`)
        .all(afterId, ...params, limit)
        .reverse()
        .map(toRecord);
    }
    if (types.length === 0) return this.afterStmt.all(afterId, limit).map(toRecord);
    const { sql, params } = typeFilter(types);
    return this.db
      .prepare<unknown[], EventRow>(`SELECT * FROM events WHERE id > ? AND (${sql}) ORDER BY id LIMIT ?`)
      .all(afterId, ...params, limit)
      .map(toRecord);
  }

  unpublished(limit: number): EventRecord[] {
    return this.unpublishedStmt.all(limit).map(toRecord);
  }

  markPublished(id: number, now: string): void {
    this.markStmt.run(now, id);
  }

  /** Sets an event aside: not published, kept (garbage collection keeps unpublished events), listed. */
  park(id: number, reason: string): void {
    this.parkStmt.run(reason, id);
  }

  /** Parked events after `afterId`, oldest first. */
  parked(afterId: number, limit: number): EventRecord[] {
    return this.parkedStmt.all(afterId, limit).map(toRecord);
  }

  parkedCount(): number {
    return this.parkedCountStmt.get()!.n;
  }

  maxId(): number {
    return this.maxStmt.get()!.id ?? 0;
  }

  minId(): number {
    return this.minStmt.get()!.id ?? 0;
  }

  backlog(): number {
    return this.backlogStmt.get()!.n;
  }

  /** Deletes events older than `before` (only published ones if `onlyPublished`); returns how many. */
  collectGarbage(before: string, onlyPublished: boolean): number {
    return this.gcStmt.run(before, onlyPublished ? 1 : 0).changes;
  }
}

/** SQL matching event types exactly (`subscription.synced`) or by entity (`subscription` → `subscription.*`). */
function typeFilter(types: readonly string[]): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const exact = types.filter((t) => t.includes('.'));
  if (exact.length) {
    clauses.push(`type IN (${exact.map(() => '?').join(', ')})`);
    params.push(...exact);
  }
  for (const e of types.filter((t) => !t.includes('.'))) {
    clauses.push('type LIKE ?');
    params.push(`${e}.%`);
  }
  return { sql: clauses.join(' OR '), params };
}
