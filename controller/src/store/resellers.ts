/** The resellers table: reseller accounts, each on a reseller plan that caps their allocation. */
import type { Values } from '@hostplane/shared';
import type { Conflict, ResellerSyncStatus } from '../domain/index.js';
import type { Db } from './db.js';
import { parseConflictsJson, parseValuesJson } from './json.js';

export type ResellerState = 'active' | 'suspended';

export interface ResellerRecord {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly planId: number;
  readonly locked: boolean;
  readonly ownValues: Values | null;
  readonly syncStatus: ResellerSyncStatus;
  readonly conflicts: Conflict[];
  readonly state: ResellerState;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface ResellerRow {
  id: number;
  login: string;
  display_name: string;
  email: string;
  plan_id: number;
  locked: number;
  own_values: string | null;
  sync_status: ResellerSyncStatus;
  conflicts: string;
  state: ResellerState;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: ResellerRow): ResellerRecord => ({
  id: r.id,
  login: r.login,
  displayName: r.display_name,
  email: r.email,
  planId: r.plan_id,
  locked: r.locked === 1,
  ownValues: r.own_values === null ? null : parseValuesJson(r.own_values),
  syncStatus: r.sync_status,
  conflicts: parseConflictsJson(r.conflicts),
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** What a re-evaluation writes back. */
export interface ResellerSyncState {
  readonly planId: number;
  readonly locked: boolean;
  readonly ownValues: Values | null;
  readonly syncStatus: ResellerSyncStatus;
  readonly conflicts: readonly Conflict[];
}

export class ResellerStore {
  private readonly byLoginStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly byPlanStmt;
  private readonly insertStmt;
  private readonly saveStmt;
  private readonly setStateStmt;
  private readonly deleteStmt;
  private readonly anyStmt;
  private readonly countsStmt;
  private readonly customerIdsStmt;
  private readonly usingPlanStmt;

  constructor(db: Db) {
    this.byLoginStmt = db.prepare<[string], ResellerRow>('SELECT * FROM resellers WHERE login = ?');
    this.byIdStmt = db.prepare<[number], ResellerRow>('SELECT * FROM resellers WHERE id = ?');
    this.listStmt = db.prepare<[], ResellerRow>('SELECT * FROM resellers ORDER BY login');
    this.byPlanStmt = db.prepare<[number], ResellerRow>('SELECT * FROM resellers WHERE plan_id = ? ORDER BY login');
    this.insertStmt = db.prepare<[string, string, string, number, string, string, string, string], { id: number }>(
      `INSERT INTO resellers (login, display_name, email, plan_id, locked, own_values, sync_status, conflicts, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, NULL, ?, ?, 'active', ?, ?) RETURNING id`,
    );
    this.saveStmt = db.prepare<[number, number, string | null, string, string, string, number]>(
      'UPDATE resellers SET plan_id = ?, locked = ?, own_values = ?, sync_status = ?, conflicts = ?, updated_at = ? WHERE id = ?',
    );
    this.setStateStmt = db.prepare<[ResellerState, string, number]>('UPDATE resellers SET state = ?, updated_at = ? WHERE id = ?');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM resellers WHERE id = ?');
    this.anyStmt = db.prepare<[], { n: number }>('SELECT EXISTS (SELECT 1 FROM resellers) AS n');
    this.countsStmt = db.prepare<[number, number, number], { customers: number; plans: number; subscriptions: number }>(
      `SELECT (SELECT count(*) FROM customers WHERE reseller_id = ?) AS customers,
              (SELECT count(*) FROM plans WHERE reseller_id = ?) AS plans,
              (SELECT count(*) FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE c.reseller_id = ?) AS subscriptions`,
    );
    this.customerIdsStmt = db.prepare<[number], { id: number }>('SELECT id FROM customers WHERE reseller_id = ? ORDER BY id');
    this.usingPlanStmt = db.prepare<[number, number], { id: number }>(
      `SELECT DISTINCT c.reseller_id AS id FROM subscriptions s JOIN customers c ON c.id = s.customer_id
        WHERE c.reseller_id IS NOT NULL
          AND (s.plan_id = ? OR s.id IN (SELECT subscription_id FROM subscription_addons WHERE plan_id = ?))`,
    );
  }

  byLogin(login: string): ResellerRecord | undefined {
    const r = this.byLoginStmt.get(login);
    return r && toRecord(r);
  }

  byId(id: number): ResellerRecord | undefined {
    const r = this.byIdStmt.get(id);
    return r && toRecord(r);
  }

  list(): ResellerRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  byPlan(planId: number): ResellerRecord[] {
    return this.byPlanStmt.all(planId).map(toRecord);
  }

  insert(login: string, displayName: string, email: string, planId: number, sync: ResellerSyncState, now: string): ResellerRecord {
    const { id } = this.insertStmt.get(login, displayName, email, planId, sync.syncStatus, JSON.stringify(sync.conflicts), now, now)!;
    return this.byId(id)!;
  }

  save(id: number, sync: ResellerSyncState, now: string): void {
    this.saveStmt.run(
      sync.planId,
      sync.locked ? 1 : 0,
      sync.ownValues === null ? null : JSON.stringify(sync.ownValues),
      sync.syncStatus,
      JSON.stringify(sync.conflicts),
      now,
      id,
    );
  }

  setState(id: number, state: ResellerState, now: string): void {
    this.setStateStmt.run(state, now, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Whether any reseller exists: the provider-only fleet skips every allocation check. */
  any(): boolean {
    return this.anyStmt.get()!.n === 1;
  }

  counts(id: number): { customers: number; plans: number; subscriptions: number } {
    return this.countsStmt.get(id, id, id)!;
  }

  customerIds(id: number): number[] {
    return this.customerIdsStmt.all(id).map((r) => r.id);
  }

  /** Resellers having a subscription that uses the plan, as its plan or as an add-on. */
  usingPlan(planId: number): number[] {
    return this.usingPlanStmt.all(planId, planId).map((r) => r.id);
  }
}
