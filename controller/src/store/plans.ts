/** The plans table: service plans, add-on plans and reseller plans. */
import type { Values } from '@hostplane/shared';
import type { PlanKind } from '../domain/index.js';
import type { Db } from './db.js';
import { parseValuesJson } from './json.js';

export interface PlanRecord {
  readonly id: number;
  readonly name: string;
  readonly kind: PlanKind;
  readonly values: Values;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The reseller that owns the plan; null for the provider's plans. */
  readonly resellerId: number | null;
}

interface PlanRow {
  id: number;
  name: string;
  kind: PlanKind;
  values_json: string;
  version: number;
  created_at: string;
  updated_at: string;
  reseller_id: number | null;
}

function toRecord(r: PlanRow): PlanRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    values: parseValuesJson(r.values_json),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resellerId: r.reseller_id,
  };
}

export class PlanStore {
  private readonly byNameStmt;
  private readonly byNameAnyCaseStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly listKindStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly usageStmt;

  constructor(db: Db) {
    this.byNameStmt = db.prepare<[string], PlanRow>('SELECT * FROM plans WHERE name = ?');
    this.byNameAnyCaseStmt = db.prepare<[string], PlanRow>('SELECT * FROM plans WHERE lower(name) = lower(?) ORDER BY id LIMIT 1');
    this.byIdStmt = db.prepare<[number], PlanRow>('SELECT * FROM plans WHERE id = ?');
    this.listStmt = db.prepare<[], PlanRow>('SELECT * FROM plans ORDER BY kind, name');
    this.listKindStmt = db.prepare<[string], PlanRow>('SELECT * FROM plans WHERE kind = ? ORDER BY name');
    this.insertStmt = db.prepare<[string, string, string, string, string, number | null], { id: number }>(
      'INSERT INTO plans (name, kind, values_json, version, created_at, updated_at, reseller_id) VALUES (?, ?, ?, 1, ?, ?, ?) RETURNING id',
    );
    this.updateStmt = db.prepare<[string, string, number]>(
      'UPDATE plans SET values_json = ?, version = version + 1, updated_at = ? WHERE id = ?',
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM plans WHERE id = ?');
    this.usageStmt = db.prepare<[number, number, number], { n: number }>(
      `SELECT (SELECT count(*) FROM subscriptions WHERE plan_id = ?)
            + (SELECT count(*) FROM subscription_addons WHERE plan_id = ?)
            + (SELECT count(*) FROM resellers WHERE plan_id = ?) AS n`,
    );
  }

  /** Plan names ignore case (`basic` finds `Basic`); an exact match wins where old data has both. */
  byName(name: string): PlanRecord | undefined {
    const r = this.byNameStmt.get(name) ?? this.byNameAnyCaseStmt.get(name);
    return r && toRecord(r);
  }

  byId(id: number): PlanRecord | undefined {
    const r = this.byIdStmt.get(id);
    return r && toRecord(r);
  }

  list(kind?: PlanKind): PlanRecord[] {
    return (kind ? this.listKindStmt.all(kind) : this.listStmt.all()).map(toRecord);
  }

  insert(name: string, kind: PlanKind, values: Values, now: string, resellerId: number | null = null): PlanRecord {
    const { id } = this.insertStmt.get(name, kind, JSON.stringify(values), now, now, resellerId)!;
    return this.byId(id)!;
  }

  update(id: number, values: Values, now: string): PlanRecord {
    this.updateStmt.run(JSON.stringify(values), now, id);
    return this.byId(id)!;
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  /** How many subscriptions use the plan (as their plan or as an add-on), or resellers (a reseller plan). */
  usageCount(id: number): number {
    return this.usageStmt.get(id, id, id)!.n;
  }
}
