/**
 * The subscriptions table and their add-ons. Rows keep value maps as JSON text so that bulk
 * re-evaluation can compare and memoize them without parsing each one.
 */
import type { Values } from '@hostplane/shared';
import { SUSPENSION_REASONS, stateOf, type Conflict, type SubscriptionState, type SuspensionReason, type SyncStatus } from '../domain/index.js';
import type { Db } from './db.js';
import { idsOf } from './sql.js';
import { formatReasons, parseConflictsJson, parseReasons, parseValuesJson } from './json.js';
import type { ValueSets } from './value-sets.js';

/** A subscription row as stored (JSON columns as text), with its provided values and add-on plan ids. */
interface SubscriptionRow {
  id: number;
  name: string;
  customer_id: number;
  host_id: number;
  plan_id: number | null;
  locked: 0 | 1;
  own_values: string | null;
  subscriber_values: string;
  provided_set: number;
  /** The JSON text of the provided value set. */
  provided_values: string;
  conflicts: string;
  sync_status: SyncStatus;
  suspension_reasons: string;
  expires_at: string | null;
  generation: number;
  revision: number;
  applied_generation: number;
  apply_error: string | null;
  /** The system user its site runs as on its host, as the agent last reported it. */
  system_user: string | null;
  disk_bytes: number | null;
  traffic_bytes: number | null;
  traffic_month: string | null;
  usage_measured_at: string | null;
  overused: 0 | 1;
  certificate: string | null;
  created_at: string;
  updated_at: string;
  /** Comma-separated add-on plan ids, ascending; null without add-ons. */
  addon_ids: string | null;
}

/**
 * What bulk re-evaluation reads: no timestamps, provided values by value-set id, and JSON columns as
 * their stored text (compared and memoized without parsing each one).
 */
export interface BulkRow {
  readonly id: number;
  readonly name: string;
  readonly customerId: number;
  readonly hostId: number;
  readonly planId: number | null;
  readonly locked: boolean;
  /** JSON text of the own values (locked and custom subscriptions); null when following a plan. */
  readonly ownValues: string | null;
  readonly subscriberValues: string;
  readonly providedSet: number;
  readonly conflicts: string;
  readonly syncStatus: SyncStatus;
  readonly suspensionReasons: string;
  /** Comma-separated add-on plan ids, ascending; null without add-ons. */
  readonly addonIds: string | null;
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
  readonly systemUser: string | null;
  readonly createdAt: string;
  /** What it uses, as its agent last measured it; null before the first measurement. */
  readonly usage: MeasuredUsage | null;
  /** Over a limit at the last check (an overuse is announced once per crossing). */
  readonly overused: boolean;
  /** Its certificate (`hosting.ssl`) as its agent last reported it; null before any report. */
  readonly certificate: ReportedCertificate | null;
}

export interface ReportedCertificate {
  readonly status: 'valid' | 'failed';
  readonly names: readonly string[];
  readonly notAfter: string | null;
  readonly issuer: string;
  readonly error: string | null;
}

export interface MeasuredUsage {
  readonly diskBytes: number;
  readonly trafficBytes: number;
  /** `YYYY-MM` (UTC) of `trafficBytes`. */
  readonly trafficMonth: string;
  readonly measuredAt: string;
}

export function parseAddonIds(text: string | null): number[] {
  return text ? text.split(',').map(Number) : [];
}

/** A stored subscription, as the store returns it: its data, and when it last changed. */
export interface SubscriptionRecord extends Readonly<SubscriptionData> {
  readonly updatedAt: string;
}

/** A copy of a stored subscription that a use case may change and save (the record stays as read). */
export function editable(r: SubscriptionRecord): SubscriptionData {
  const { updatedAt: _, ...data } = r;
  return structuredClone(data);
}

function toRecord(r: SubscriptionRow): SubscriptionRecord {
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
    systemUser: r.system_user,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    usage:
      r.usage_measured_at === null
        ? null
        : { diskBytes: r.disk_bytes ?? 0, trafficBytes: r.traffic_bytes ?? 0, trafficMonth: r.traffic_month ?? '', measuredAt: r.usage_measured_at },
    overused: r.overused === 1,
    certificate: r.certificate === null ? null : (JSON.parse(r.certificate) as ReportedCertificate),
  };
}

const SELECT = 'SELECT s.*, v.json AS provided_values FROM subscriptions s JOIN value_sets v ON v.id = s.provided_set';
const BULK_SELECT = `SELECT s.id, s.name, s.customer_id, s.host_id, s.plan_id, s.locked, s.own_values, s.subscriber_values, s.provided_set,
  s.conflicts, s.sync_status, s.suspension_reasons FROM subscriptions s`;
/** The columns of BULK_SELECT, in order. */
type BulkTuple = [
  id: number,
  name: string,
  customer_id: number,
  host_id: number,
  plan_id: number | null,
  locked: 0 | 1,
  own_values: string | null,
  subscriber_values: string,
  provided_set: number,
  conflicts: string,
  sync_status: SyncStatus,
  suspension_reasons: string,
];
/**
 * SQL for "the subscription is active", from the domain's `stateOf` rather than a copy of it: the
 * stored text of every set of reasons (canonical order) that `stateOf` calls active. Anything else
 * is suspended, whatever the order of its reasons.
 */
function activeSql(): string {
  const sets = SUSPENSION_REASONS.reduce<SuspensionReason[][]>((acc, r) => [...acc, ...acc.map((set) => [...set, r])], [[]]);
  const texts = sets.filter((set) => stateOf(set) === 'active').map((set) => `'${formatReasons(set)}'`);
  return `s.suspension_reasons IN (${texts.join(', ')})`;
}
const ACTIVE_SQL = activeSql();

const ADDONS_SELECT = 'SELECT a.subscription_id AS sid, a.plan_id AS pid FROM subscription_addons a JOIN subscriptions s ON s.id = a.subscription_id';

export interface SubscriptionFilter {
  customerId?: number;
  /** Only subscriptions of this reseller's customers. */
  resellerId?: number;
  planId?: number;
  hostId?: number;
  syncStatus?: SyncStatus;
  state?: SubscriptionState;
  /** Keyset paging: only names after this one. */
  afterName?: string;
  limit?: number;
}

/**
 * What a bulk re-evaluation writes to a group of subscriptions that evaluated alike: the same
 * columns for all of them, and, when their provided values changed (`revision` given), their next
 * generation and the host's new revision.
 */
export interface EvaluationWrite {
  ids: readonly number[];
  subscriberValues: string;
  providedSet: number;
  conflicts: string;
  syncStatus: SyncStatus;
  /** The host's new revision when the provided values changed; null: generation and revision stay. */
  revision: number | null;
}

type Where = { sql: string; params: unknown[] };

/** A host's subscriptions: how many, and how many of them its agent last failed to apply. */
export interface HostCounts {
  readonly subscriptions: number;
  readonly failing: number;
}

/** The columns the controller never writes itself: the agent's reports. */
type AgentReported = 'appliedGeneration' | 'applyError' | 'systemUser' | 'usage' | 'overused' | 'certificate';

export class SubscriptionStore {
  private readonly db: Db;
  private readonly byNameStmt;
  private readonly byIdStmt;
  private readonly addonsOfStmt;
  private readonly insertStmt;
  private readonly saveStmt;
  private readonly evalStmt;
  private readonly evalPushStmt;
  private readonly usageStmt;
  private readonly certificateStmt;
  private readonly overusedStmt;
  private readonly usageByHostStmt;
  private readonly addAddonStmt;
  private readonly removeAddonStmt;
  private readonly clearAddonsStmt;
  private readonly deleteStmt;
  private readonly countByHostStmt;
  private readonly failingByHostStmt;
  private readonly countsStmt;
  private readonly failingCountsStmt;

  constructor(db: Db) {
    this.db = db;
    this.byNameStmt = db.prepare<[string], SubscriptionRow>(`${SELECT} WHERE s.name = ?`);
    this.byIdStmt = db.prepare<[number], SubscriptionRow>(`${SELECT} WHERE s.id = ?`);
    this.addonsOfStmt = db.prepare<[number], { pid: number }>(
      'SELECT plan_id AS pid FROM subscription_addons WHERE subscription_id = ? ORDER BY plan_id',
    );
    this.insertStmt = db.prepare<[Record<string, unknown>], { id: number }>(
      `INSERT INTO subscriptions (name, customer_id, host_id, plan_id, locked, own_values, subscriber_values,
         provided_set, conflicts, sync_status, suspension_reasons, expires_at, generation, revision, created_at, updated_at)
       VALUES (@name, @customerId, @hostId, @planId, @locked, @ownValues, @subscriberValues,
         @providedSet, @conflicts, @syncStatus, @reasons, @expiresAt, @generation, @revision, @now, @now)
       RETURNING id`,
    );
    this.saveStmt = db.prepare<[Record<string, unknown>]>(
      `UPDATE subscriptions SET host_id = @hostId, plan_id = @planId, locked = @locked, own_values = @ownValues,
         subscriber_values = @subscriberValues, provided_set = @providedSet, conflicts = @conflicts,
         sync_status = @syncStatus, suspension_reasons = @reasons, expires_at = @expiresAt,
         generation = @generation, revision = @revision, updated_at = @now
       WHERE id = @id`,
    );
    // One statement per group (ids as a JSON array): a plan update writes 100,000 rows in about a
    // thousand statements rather than one each, a third less time in the transaction.
    this.evalStmt = db.prepare<[string, number, string, string, string, string]>(
      `UPDATE subscriptions SET subscriber_values = ?, provided_set = ?, conflicts = ?, sync_status = ?, updated_at = ?
        WHERE id IN (${idsOf(db)})`,
    );
    this.usageStmt = db.prepare<[number, number, string, string, 0 | 1, number]>(
      'UPDATE subscriptions SET disk_bytes = ?, traffic_bytes = ?, traffic_month = ?, usage_measured_at = ?, overused = ? WHERE id = ?',
    );
    this.certificateStmt = db.prepare<[string, number]>('UPDATE subscriptions SET certificate = ? WHERE id = ?');
    this.overusedStmt = db.prepare<[0 | 1, number]>('UPDATE subscriptions SET overused = ? WHERE id = ?');
    this.usageByHostStmt = db.prepare<[], { host_id: number; disk: number; traffic: number; overused: number }>(
      `SELECT host_id, sum(disk_bytes) AS disk, sum(traffic_bytes) AS traffic, sum(overused) AS overused
         FROM subscriptions WHERE usage_measured_at IS NOT NULL GROUP BY host_id`,
    );
    this.evalPushStmt = db.prepare<[string, number, string, string, number, string, string]>(
      `UPDATE subscriptions SET subscriber_values = ?, provided_set = ?, conflicts = ?, sync_status = ?,
         generation = generation + 1, revision = ?, updated_at = ? WHERE id IN (${idsOf(db)})`,
    );
    this.addAddonStmt = db.prepare<[number, number]>('INSERT INTO subscription_addons (subscription_id, plan_id) VALUES (?, ?)');
    this.removeAddonStmt = db.prepare<[number, number]>('DELETE FROM subscription_addons WHERE subscription_id = ? AND plan_id = ?');
    this.clearAddonsStmt = db.prepare<[number]>('DELETE FROM subscription_addons WHERE subscription_id = ?');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?');
    this.countByHostStmt = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM subscriptions WHERE host_id = ?');
    // Both failing counts read the partial index subscriptions_failing: only failing rows.
    this.failingByHostStmt = db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM subscriptions WHERE host_id = ? AND apply_error IS NOT NULL',
    );
    this.countsStmt = db.prepare<[], { host_id: number; n: number }>('SELECT host_id, count(*) AS n FROM subscriptions GROUP BY host_id');
    this.failingCountsStmt = db.prepare<[], { host_id: number; n: number }>(
      'SELECT host_id, count(*) AS n FROM subscriptions WHERE apply_error IS NOT NULL GROUP BY host_id',
    );
  }

  byName(name: string): SubscriptionRecord | undefined {
    return this.withAddons(this.byNameStmt.get(name));
  }

  byId(id: number): SubscriptionRecord | undefined {
    return this.withAddons(this.byIdStmt.get(id));
  }

  /** Rows for bulk re-evaluation of a plan's subscriptions. */
  bulkByPlan(planId: number): BulkRow[] {
    return this.bulk({ sql: 's.plan_id = ?', params: [planId] });
  }

  /** Rows for bulk re-evaluation of the subscriptions that carry an add-on. */
  bulkByAddon(planId: number): BulkRow[] {
    return this.bulk({ sql: 's.id IN (SELECT subscription_id FROM subscription_addons WHERE plan_id = ?)', params: [planId] });
  }

  /** Rows for bulk re-evaluation of the subscriptions of a reseller's customers. */
  bulkByReseller(resellerId: number): BulkRow[] {
    return this.bulk({ sql: 's.customer_id IN (SELECT id FROM customers WHERE reseller_id = ?)', params: [resellerId] });
  }

  /** Rows for bulk re-evaluation of a host's subscriptions. */
  bulkByHost(hostId: number): BulkRow[] {
    return this.bulk({ sql: 's.host_id = ?', params: [hostId] });
  }

  /** Subscriptions counted by sync status and state (for metrics). */
  countsByStatus(): { sync_status: SyncStatus; state: SubscriptionState; n: number }[] {
    return this.db
      .prepare<[], { sync_status: SyncStatus; state: SubscriptionState; n: number }>(
        `SELECT s.sync_status, CASE WHEN ${ACTIVE_SQL} THEN 'active' ELSE 'suspended' END AS state, count(*) AS n
           FROM subscriptions s GROUP BY 1, 2`,
      )
      .all();
  }

  countByHost(hostId: number): number {
    return this.countByHostStmt.get(hostId)!.n;
  }

  countsOfHost(hostId: number): HostCounts {
    return { subscriptions: this.countByHostStmt.get(hostId)!.n, failing: this.failingByHostStmt.get(hostId)!.n };
  }

  /** The counts of every host carrying subscriptions, in two grouped queries (hosts without any are absent). */
  countsByHost(): Map<number, HostCounts> {
    const failing = new Map(this.failingCountsStmt.all().map((r) => [r.host_id, r.n]));
    return new Map(this.countsStmt.all().map((r) => [r.host_id, { subscriptions: r.n, failing: failing.get(r.host_id) ?? 0 }]));
  }

  byCustomer(customerId: number): SubscriptionRecord[] {
    return this.rows({ sql: 's.customer_id = ?', params: [customerId] });
  }

  /** Subscriptions past their expiry date and not yet suspended for it. */
  expiredAt(nowIso: string): SubscriptionRecord[] {
    return this.rows({
      sql: "s.expires_at IS NOT NULL AND s.expires_at <= ? AND s.suspension_reasons NOT LIKE '%expired%'",
      params: [nowIso],
    });
  }

  list(filter: SubscriptionFilter = {}): SubscriptionRecord[] {
    const parts: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      parts.push(sql);
      params.push(v);
    };
    if (filter.customerId !== undefined) add('s.customer_id = ?', filter.customerId);
    if (filter.resellerId !== undefined) add('s.customer_id IN (SELECT id FROM customers WHERE reseller_id = ?)', filter.resellerId);
    if (filter.planId !== undefined) add('s.plan_id = ?', filter.planId);
    if (filter.hostId !== undefined) add('s.host_id = ?', filter.hostId);
    if (filter.syncStatus !== undefined) add('s.sync_status = ?', filter.syncStatus);
    if (filter.state !== undefined) parts.push(filter.state === 'active' ? ACTIVE_SQL : `NOT (${ACTIVE_SQL})`);
    if (filter.afterName !== undefined) add('s.name > ?', filter.afterName);
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(1, Math.floor(filter.limit))}` : '';
    return this.rows({ sql: parts.length ? parts.join(' AND ') : 'TRUE', params }, `s.name${limit}`);
  }

  insert(d: Omit<SubscriptionData, 'id' | AgentReported | 'createdAt'>, sets: ValueSets, now: string): number {
    const { id } = this.insertStmt.get(this.params(d, sets, now))!;
    for (const addonId of d.addonIds) this.addAddonStmt.run(id, addonId);
    return id;
  }

  /** Writes every mutable column of `d` (add-ons are written with addAddon/removeAddon). */
  save(d: SubscriptionData, sets: ValueSets, now: string): void {
    this.saveStmt.run({ ...this.params(d, sets, now), id: d.id });
  }

  /** Stores what the agent measured, and whether that is over a limit. */
  recordUsage(id: number, u: MeasuredUsage, overused: boolean): void {
    this.usageStmt.run(u.diskBytes, u.trafficBytes, u.trafficMonth, u.measuredAt, overused ? 1 : 0, id);
  }

  setCertificate(id: number, certificate: ReportedCertificate): void {
    this.certificateStmt.run(JSON.stringify(certificate), id);
  }

  setOverused(id: number, overused: boolean): void {
    this.overusedStmt.run(overused ? 1 : 0, id);
  }

  /** Subscriptions whose agent measured their usage (for the overuse re-check). */
  measured(): SubscriptionRecord[] {
    return this.rows({ sql: 's.usage_measured_at IS NOT NULL', params: [] });
  }

  /** Sum of disk and traffic of each host's measured subscriptions, and how many are over a limit. */
  usageByHost(): { host_id: number; disk: number; traffic: number; overused: number }[] {
    return this.usageByHostStmt.all();
  }

  writeEvaluation(w: EvaluationWrite, now: string): void {
    if (w.ids.length === 0) return;
    const ids = JSON.stringify(w.ids);
    if (w.revision === null) this.evalStmt.run(w.subscriberValues, w.providedSet, w.conflicts, w.syncStatus, now, ids);
    else this.evalPushStmt.run(w.subscriberValues, w.providedSet, w.conflicts, w.syncStatus, w.revision, now, ids);
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

  private withAddons(row: SubscriptionRow | undefined): SubscriptionRecord | undefined {
    if (!row) return undefined;
    const ids = this.addonsOfStmt.all(row.id).map((r) => r.pid);
    row.addon_ids = ids.length ? ids.join(',') : null;
    return toRecord(row);
  }

  /** Add-on ids of the subscriptions matching `where`, in one query, as comma-separated text. */
  private addonsWhere(where: Where): Map<number, string> {
    const map = new Map<number, string>();
    const rows = this.db.prepare<unknown[], { sid: number; pid: number }>(`${ADDONS_SELECT} WHERE ${where.sql} ORDER BY 1, 2`).all(...where.params);
    for (const r of rows) {
      const prev = map.get(r.sid);
      map.set(r.sid, prev === undefined ? String(r.pid) : `${prev},${r.pid}`);
    }
    return map;
  }

  private rows(where: Where, orderBy = 's.id'): SubscriptionRecord[] {
    const rows = this.db.prepare<unknown[], SubscriptionRow>(`${SELECT} WHERE ${where.sql} ORDER BY ${orderBy}`).all(...where.params);
    const addons = this.addonsWhere(where);
    return rows.map((r) => {
      r.addon_ids = addons.get(r.id) ?? null;
      return toRecord(r);
    });
  }

  /**
   * Bulk rows are read as arrays (`raw`) and shaped here: for 100,000 rows that is about twice as
   * fast as letting the driver build an object per row.
   */
  private bulk(where: Where): BulkRow[] {
    const rows = this.db.prepare(`${BULK_SELECT} WHERE ${where.sql} ORDER BY s.id`).raw(true).all(...where.params) as BulkTuple[];
    const addons = this.addonsWhere(where);
    return rows.map((r) => ({
      id: r[0],
      name: r[1],
      customerId: r[2],
      hostId: r[3],
      planId: r[4],
      locked: r[5] === 1,
      ownValues: r[6],
      subscriberValues: r[7],
      providedSet: r[8],
      conflicts: r[9],
      syncStatus: r[10],
      suspensionReasons: r[11],
      addonIds: addons.get(r[0]) ?? null,
    }));
  }

  private params(d: Omit<SubscriptionData, 'id' | AgentReported | 'createdAt'>, sets: ValueSets, now: string) {
    return {
      name: d.name,
      customerId: d.customerId,
      hostId: d.hostId,
      planId: d.planId,
      locked: d.locked ? 1 : 0,
      ownValues: d.ownValues === null ? null : JSON.stringify(d.ownValues),
      subscriberValues: JSON.stringify(d.subscriberValues),
      providedSet: sets.idFor(JSON.stringify(d.providedValues)),
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
