/**
 * The subscriptions table and their add-ons. Rows keep value maps as JSON text so that bulk
 * re-evaluation can compare and memoize them without parsing each one.
 */
import type { Values } from '@hostplane/shared';
import type { Conflict, SuspensionReason, SyncStatus } from '../domain/index.js';
import type { Db } from './db.js';
import { formatReasons, parseConflictsJson, parseReasons, parseValuesJson } from './json.js';

/** A subscription row as stored (JSON columns as text) with its add-on plan ids. */
export interface SubscriptionRow {
  id: number;
  name: string;
  customer_id: number;
  host_id: number;
  plan_id: number | null;
  locked: 0 | 1;
  own_values: string | null;
  subscriber_values: string;
  provided_values: string;
  conflicts: string;
  sync_status: SyncStatus;
  suspension_reasons: string;
  expires_at: string | null;
  generation: number;
  revision: number;
  applied_generation: number;
  apply_error: string | null;
  created_at: string;
  updated_at: string;
  /** Comma-separated add-on plan ids, ascending; null without add-ons. */
  addon_ids: string | null;
}

/** A subscription with its JSON columns parsed: what single-entity use cases work on. */
export interface SubscriptionData {
  readonly id: number;
  readonly name: string;
  readonly customerId: number;
  hostId: number;
  planId: number | null;
  addonIds: number[];
  locked: boolean;
  ownValues: Values | null;
  subscriberValues: Values;
  providedValues: Values;
  conflicts: Conflict[];
  syncStatus: SyncStatus;
  suspensionReasons: SuspensionReason[];
  expiresAt: string | null;
  generation: number;
  revision: number;
  readonly appliedGeneration: number;
  readonly applyError: string | null;
  readonly createdAt: string;
}

export function parseAddonIds(text: string | null): number[] {
  return text ? text.split(',').map(Number) : [];
}

export function toData(r: SubscriptionRow): SubscriptionData {
  return {
    id: r.id,
    name: r.name,
    customerId: r.customer_id,
    hostId: r.host_id,
    planId: r.plan_id,
    addonIds: parseAddonIds(r.addon_ids),
    locked: r.locked === 1,
    ownValues: r.own_values === null ? null : parseValuesJson(r.own_values),
    subscriberValues: parseValuesJson(r.subscriber_values),
    providedValues: parseValuesJson(r.provided_values),
    conflicts: parseConflictsJson(r.conflicts),
    syncStatus: r.sync_status,
    suspensionReasons: parseReasons(r.suspension_reasons),
    expiresAt: r.expires_at,
    generation: r.generation,
    revision: r.revision,
    appliedGeneration: r.applied_generation,
    applyError: r.apply_error,
    createdAt: r.created_at,
  };
}

const SELECT = `SELECT s.*, (SELECT group_concat(plan_id) FROM (SELECT plan_id FROM subscription_addons a
                 WHERE a.subscription_id = s.id ORDER BY plan_id)) AS addon_ids FROM subscriptions s`;

export interface SubscriptionFilter {
  customerId?: number;
  planId?: number;
  hostId?: number;
  syncStatus?: SyncStatus;
}

/** The columns written by a bulk re-evaluation. */
export interface EvaluationWrite {
  id: number;
  subscriberValues: string;
  providedValues: string;
  conflicts: string;
  syncStatus: SyncStatus;
  generation: number;
  revision: number;
}

export class SubscriptionStore {
  private readonly db: Db;
  private readonly byNameStmt;
  private readonly byIdStmt;
  private readonly byPlanStmt;
  private readonly byAddonStmt;
  private readonly byHostStmt;
  private readonly byCustomerStmt;
  private readonly expiredStmt;
  private readonly insertStmt;
  private readonly saveStmt;
  private readonly evalStmt;
  private readonly addAddonStmt;
  private readonly removeAddonStmt;
  private readonly clearAddonsStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.db = db;
    this.byNameStmt = db.prepare<[string], SubscriptionRow>(`${SELECT} WHERE s.name = ?`);
    this.byIdStmt = db.prepare<[number], SubscriptionRow>(`${SELECT} WHERE s.id = ?`);
    this.byPlanStmt = db.prepare<[number], SubscriptionRow>(`${SELECT} WHERE s.plan_id = ? ORDER BY s.id`);
    this.byAddonStmt = db.prepare<[number], SubscriptionRow>(
      `${SELECT} WHERE s.id IN (SELECT subscription_id FROM subscription_addons WHERE plan_id = ?) ORDER BY s.id`,
    );
    this.byHostStmt = db.prepare<[number], SubscriptionRow>(`${SELECT} WHERE s.host_id = ? ORDER BY s.id`);
    this.byCustomerStmt = db.prepare<[number], SubscriptionRow>(`${SELECT} WHERE s.customer_id = ? ORDER BY s.id`);
    this.expiredStmt = db.prepare<[string], SubscriptionRow>(
      `${SELECT} WHERE s.expires_at IS NOT NULL AND s.expires_at <= ? AND instr(s.suspension_reasons, 'expired') = 0 ORDER BY s.id`,
    );
    this.insertStmt = db.prepare<[Record<string, unknown>], { id: number }>(
      `INSERT INTO subscriptions (name, customer_id, host_id, plan_id, locked, own_values, subscriber_values,
         provided_values, conflicts, sync_status, suspension_reasons, expires_at, generation, revision, created_at, updated_at)
       VALUES (@name, @customerId, @hostId, @planId, @locked, @ownValues, @subscriberValues,
         @providedValues, @conflicts, @syncStatus, @reasons, @expiresAt, @generation, @revision, @now, @now)
       RETURNING id`,
    );
    this.saveStmt = db.prepare<[Record<string, unknown>]>(
      `UPDATE subscriptions SET host_id = @hostId, plan_id = @planId, locked = @locked, own_values = @ownValues,
         subscriber_values = @subscriberValues, provided_values = @providedValues, conflicts = @conflicts,
         sync_status = @syncStatus, suspension_reasons = @reasons, expires_at = @expiresAt,
         generation = @generation, revision = @revision, updated_at = @now
       WHERE id = @id`,
    );
    this.evalStmt = db.prepare<[string, string, string, string, number, number, string, number]>(
      `UPDATE subscriptions SET subscriber_values = ?, provided_values = ?, conflicts = ?, sync_status = ?,
         generation = ?, revision = ?, updated_at = ? WHERE id = ?`,
    );
    this.addAddonStmt = db.prepare<[number, number]>('INSERT INTO subscription_addons (subscription_id, plan_id) VALUES (?, ?)');
    this.removeAddonStmt = db.prepare<[number, number]>('DELETE FROM subscription_addons WHERE subscription_id = ? AND plan_id = ?');
    this.clearAddonsStmt = db.prepare<[number]>('DELETE FROM subscription_addons WHERE subscription_id = ?');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?');
  }

  byName(name: string): SubscriptionRow | undefined {
    return this.byNameStmt.get(name);
  }

  byId(id: number): SubscriptionRow | undefined {
    return this.byIdStmt.get(id);
  }

  byPlan(planId: number): SubscriptionRow[] {
    return this.byPlanStmt.all(planId);
  }

  byAddon(planId: number): SubscriptionRow[] {
    return this.byAddonStmt.all(planId);
  }

  byHost(hostId: number): SubscriptionRow[] {
    return this.byHostStmt.all(hostId);
  }

  byCustomer(customerId: number): SubscriptionRow[] {
    return this.byCustomerStmt.all(customerId);
  }

  /** Subscriptions past their expiry date and not yet suspended for it. */
  expiredAt(nowIso: string): SubscriptionRow[] {
    return this.expiredStmt.all(nowIso);
  }

  list(filter: SubscriptionFilter = {}): SubscriptionRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      params.push(v);
    };
    if (filter.customerId !== undefined) add('s.customer_id = ?', filter.customerId);
    if (filter.planId !== undefined) add('s.plan_id = ?', filter.planId);
    if (filter.hostId !== undefined) add('s.host_id = ?', filter.hostId);
    if (filter.syncStatus !== undefined) add('s.sync_status = ?', filter.syncStatus);
    const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY s.name`;
    return this.db.prepare<unknown[], SubscriptionRow>(sql).all(...params);
  }

  insert(d: Omit<SubscriptionData, 'id' | 'appliedGeneration' | 'applyError' | 'createdAt'>, now: string): number {
    const { id } = this.insertStmt.get(this.params(d, now))!;
    for (const addonId of d.addonIds) this.addAddonStmt.run(id, addonId);
    return id;
  }

  /** Writes every mutable column of `d` (add-ons are written with addAddon/removeAddon). */
  save(d: SubscriptionData, now: string): void {
    this.saveStmt.run({ ...this.params(d, now), id: d.id });
  }

  writeEvaluation(w: EvaluationWrite, now: string): void {
    this.evalStmt.run(w.subscriberValues, w.providedValues, w.conflicts, w.syncStatus, w.generation, w.revision, now, w.id);
  }

  addAddon(subscriptionId: number, planId: number): void {
    this.addAddonStmt.run(subscriptionId, planId);
  }

  removeAddon(subscriptionId: number, planId: number): void {
    this.removeAddonStmt.run(subscriptionId, planId);
  }

  clearAddons(subscriptionId: number): void {
    this.clearAddonsStmt.run(subscriptionId);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  private params(d: Omit<SubscriptionData, 'id' | 'appliedGeneration' | 'applyError' | 'createdAt'>, now: string) {
    return {
      name: d.name,
      customerId: d.customerId,
      hostId: d.hostId,
      planId: d.planId,
      locked: d.locked ? 1 : 0,
      ownValues: d.ownValues === null ? null : JSON.stringify(d.ownValues),
      subscriberValues: JSON.stringify(d.subscriberValues),
      providedValues: JSON.stringify(d.providedValues),
      conflicts: JSON.stringify(d.conflicts),
      syncStatus: d.syncStatus,
      reasons: formatReasons(d.suspensionReasons),
      expiresAt: d.expiresAt,
      generation: d.generation,
      revision: d.revision,
      now,
    };
  }
}
