/**
 * Delivery to the agents, over the subscriptions and host_removals tables: what each host's agent
 * must realize (the subscriptions changed after the revision it holds, and the names that left the
 * host), and what the agents report back (applied generations, apply errors, system users).
 */
import type { SuspensionReason } from '../domain/index.js';
import type { Db } from './db.js';
import { parseReasons } from './json.js';

/** One subscription of a host's desired state, as pushed to its agent. */
export interface DesiredRow {
  readonly name: string;
  readonly generation: number;
  readonly suspensionReasons: SuspensionReason[];
  /** The value set of its provided values. */
  readonly providedSet: number;
}

export class DeliveryStore {
  private readonly desiredStmt;
  private readonly removalsStmt;
  private readonly recordRemovalStmt;
  private readonly clearRemovalStmt;
  private readonly clearRemovalOnHostStmt;
  private readonly applyResultStmt;
  private readonly markAppliedStmt;
  private readonly systemUserStmt;

  constructor(db: Db) {
    this.desiredStmt = db.prepare<[number, number], [string, number, string, number]>(
      `SELECT s.name, s.generation, s.suspension_reasons, s.provided_set FROM subscriptions s
        WHERE s.host_id = ? AND s.revision > ? ORDER BY s.name`,
    ).raw(true);
    this.removalsStmt = db.prepare<[number, number], { name: string }>(
      'SELECT name FROM host_removals WHERE host_id = ? AND revision > ? ORDER BY name',
    );
    this.recordRemovalStmt = db.prepare<[number, string, number]>(
      'INSERT INTO host_removals (host_id, name, revision) VALUES (?, ?, ?) ON CONFLICT (host_id, name) DO UPDATE SET revision = excluded.revision',
    );
    this.clearRemovalStmt = db.prepare<[string]>('DELETE FROM host_removals WHERE name = ?');
    this.clearRemovalOnHostStmt = db.prepare<[string, number]>('DELETE FROM host_removals WHERE name = ? AND host_id = ?');
    this.markAppliedStmt = db.prepare<[number, number]>(
      `UPDATE subscriptions SET applied_generation = generation, apply_error = NULL
        WHERE host_id = ? AND revision <= ? AND (applied_generation <> generation OR apply_error IS NOT NULL)`,
    );
    this.applyResultStmt = db.prepare<[{ gen: number; error: string | null; host: number; name: string }]>(
      `UPDATE subscriptions SET applied_generation = @gen, apply_error = @error
        WHERE name = @name AND host_id = @host AND (applied_generation <> @gen OR apply_error IS DISTINCT FROM @error)`,
    );
    this.systemUserStmt = db.prepare<[{ user: string; host: number; name: string }]>(
      // "system_user" quoted: PostgreSQL 16 made it a reserved word (a function) — the column, on both engines.
      'UPDATE subscriptions SET "system_user" = @user WHERE name = @name AND host_id = @host AND "system_user" IS DISTINCT FROM @user',
    );
  }

  /** What a host's agent must realize: subscriptions changed after `afterRevision` (0: all). */
  desiredForHost(hostId: number, afterRevision: number): DesiredRow[] {
    return this.desiredStmt.all(hostId, afterRevision).map(([name, generation, reasons, providedSet]) => ({
      name,
      generation,
      suspensionReasons: parseReasons(reasons),
      providedSet,
    }));
  }

  /** Names removed from a host after `afterRevision`. */
  removalsForHost(hostId: number, afterRevision: number): string[] {
    return this.removalsStmt.all(hostId, afterRevision).map((r) => r.name);
  }

  /** Remembers that `name` left the host at `revision`, for the agent's next delta. */
  recordRemoval(hostId: number, name: string, revision: number): void {
    this.recordRemovalStmt.run(hostId, name, revision);
  }

  /** A name used again is no longer a removal anywhere. */
  clearRemoval(name: string): void {
    this.clearRemovalStmt.run(name);
  }

  /** A name that comes back to a host is no longer a removal there (elsewhere it still is). */
  clearRemovalOnHost(hostId: number, name: string): void {
    this.clearRemovalOnHostStmt.run(name, hostId);
  }

  /** Every subscription of the host changed at or before `revision` is applied at its generation. */
  markApplied(hostId: number, revision: number): void {
    this.markAppliedStmt.run(hostId, revision);
  }

  /** Records what the agent applied for one of its subscriptions. */
  recordApplyResult(hostId: number, name: string, appliedGeneration: number, error: string | null): void {
    this.applyResultStmt.run({ gen: appliedGeneration, error, host: hostId, name });
  }

  /** Records the system user the host's agent runs one of its subscriptions as (unchanged: no write). */
  recordSystemUser(hostId: number, name: string, systemUser: string): void {
    this.systemUserStmt.run({ user: systemUser, host: hostId, name });
  }
}
