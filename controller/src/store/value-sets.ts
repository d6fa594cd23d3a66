/**
 * Content-addressed storage of provided value maps: the many subscriptions of one plan on alike hosts
 * share a handful of them, so re-evaluating 100,000 subscriptions writes integers, not JSON.
 * `batch()` returns a memoizing view; use one per transaction (an id memoized in a transaction that
 * rolled back must not be reused).
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';

export interface ValueSets {
  /** The id of this JSON text, inserted when new. */
  idFor(json: string): number;
  /** The JSON text of a value set. */
  json(id: number): string;
}

export class ValueSetStore {
  private readonly byHashStmt;
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly gcStmt;

  constructor(db: Db) {
    this.byHashStmt = db.prepare<[string], { id: number }>('SELECT id FROM value_sets WHERE hash = ?');
    this.insertStmt = db.prepare<[string, string, number | null], { id: number }>(
      'INSERT INTO value_sets (hash, json, disk_bytes) VALUES (?, ?, ?) RETURNING id',
    );
    this.byIdStmt = db.prepare<[number], { json: string }>('SELECT json FROM value_sets WHERE id = ?');
    this.gcStmt = db.prepare('DELETE FROM value_sets WHERE id NOT IN (SELECT provided_set FROM subscriptions)');
  }

  batch(): ValueSets {
    const ids = new Map<string, number>();
    const texts = new Map<number, string>();
    return {
      idFor: (json) => {
        let id = ids.get(json);
        if (id === undefined) {
          const hash = createHash('sha256').update(json).digest('base64url');
          id = this.byHashStmt.get(hash)?.id;
          if (id === undefined) {
            const disk = (JSON.parse(json) as Record<string, unknown>)['limits.disk_space'];
            id = this.insertStmt.get(hash, json, typeof disk === 'number' ? disk : null)!.id;
          }
          ids.set(json, id);
          texts.set(id, json);
        }
        return id;
      },
      json: (id) => {
        let text = texts.get(id);
        if (text === undefined) {
          text = this.byIdStmt.get(id)?.json;
          if (text === undefined) throw new Error(`value set ${id} is missing`);
          texts.set(id, text);
        }
        return text;
      },
    };
  }

  /** Deletes value sets no subscription uses any more; returns how many. */
  collectGarbage(): number {
    return this.gcStmt.run().changes;
  }
}
