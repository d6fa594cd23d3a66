/**
 * Re-evaluation of stored subscriptions: load → pure evaluation → write what changed. Identical inputs
 * (same host, plan, add-ons and values) are evaluated once, which keeps a plan update over 100,000
 * subscriptions close to the cost of writing the rows. A subscription whose provided values change
 * gets a new generation and its host a new revision.
 */
import type { CapabilityReport, Values } from '@hostplane/shared';
import { evaluateReseller, evaluateSubscription, type Conflict, type Evaluation, type SyncStatus } from '../domain/index.js';
import { JsonCache, parseAddonIds, parseReasons, type BulkRow, type SubscriptionData } from '../store/index.js';
import type { Context, RevisionBumper } from './context.js';
import { recordTransitions } from './events.js';

export interface Outcome {
  readonly name: string;
  readonly syncStatus: SyncStatus;
  readonly conflicts: readonly Conflict[];
  /** The provided values changed: the agent has something new to apply. */
  readonly pushed: boolean;
}

interface Computed {
  evaluation: Evaluation;
  providedSet: number;
  conflictsJson: string;
  subscriberJson: string;
  /** The rows of this group whose stored evaluation changed: written together at the end. */
  changedIds: number[];
  hostId: number;
  pushed: boolean;
}

/** Loads plan values and host reports once per id during one batch. */
export class Lookups {
  private readonly planValues = new Map<number, Values>();
  private readonly reports = new Map<number, CapabilityReport | null>();
  private readonly caps = new Map<number, Values | null>();
  private anyReseller: boolean | undefined;
  constructor(private readonly ctx: Context) {}

  /**
   * The permission cap of a customer's subscriptions: the effective values of the reseller that
   * owns the customer, or null for the provider's customers (and when there is no reseller at all).
   */
  cap(customerId: number): Values | null {
    this.anyReseller ??= this.ctx.resellers.any();
    if (!this.anyReseller) return null;
    let v = this.caps.get(customerId);
    if (v === undefined) {
      const resellerId = this.ctx.customers.byId(customerId)?.resellerId ?? null;
      const reseller = resellerId === null ? undefined : this.ctx.resellers.byId(resellerId);
      v = reseller ? evaluateReseller(this.plan(reseller.planId), reseller.ownValues, reseller.locked, {}).effectiveValues : null;
      this.caps.set(customerId, v);
    }
    return v;
  }

  plan(id: number): Values {
    let v = this.planValues.get(id);
    if (!v) {
      const plan = this.ctx.plans.byId(id);
      if (!plan) throw new Error(`plan id ${id} vanished`);
      v = plan.values;
      this.planValues.set(id, v);
    }
    return v;
  }

  report(hostId: number): CapabilityReport | null {
    if (!this.reports.has(hostId)) this.reports.set(hostId, this.ctx.hosts.byId(hostId)?.report ?? null);
    return this.reports.get(hostId)!;
  }
}

/** Evaluates one subscription's current data against its plan(s) and its host. */
export function evaluateData(d: SubscriptionData, lookups: Lookups): Evaluation {
  return evaluateSubscription(
    {
      planValues: d.planId === null ? null : lookups.plan(d.planId),
      addonValues: d.addonIds.map((id) => lookups.plan(id)),
      ownValues: d.ownValues,
      locked: d.locked,
      subscriberValues: d.subscriberValues,
      currentProvided: d.providedValues,
      permissionCap: lookups.cap(d.customerId),
    },
    lookups.report(d.hostId),
  );
}

/**
 * Re-evaluates stored rows in bulk and writes the changes. Must run inside a transaction.
 * `skipLocked`: locked and custom rows are not re-evaluated (plan synchronization); they are
 * returned in `skipped`.
 */
export function reevaluateRows(
  ctx: Context,
  rows: readonly BulkRow[],
  bumper: RevisionBumper,
  options: { skipLocked: boolean; lookups?: Lookups },
): { outcomes: Outcome[]; skipped: string[] } {
  const lookups = options.lookups ?? new Lookups(ctx);
  const sets = ctx.valueSets.batch();
  const values = new JsonCache<Values>();
  const memo = new Map<string, Computed>();
  const outcomes: Outcome[] = [];
  const skipped: string[] = [];
  const now = ctx.nowIso();
  for (const row of rows) {
    if (options.skipLocked && (row.locked || row.planId === null)) {
      skipped.push(row.name);
      continue;
    }
    const cap = lookups.cap(row.customerId);
    const key = `${row.hostId}|${cap === null ? '' : row.customerId}|${row.planId}|${row.addonIds}|${row.locked}|${row.providedSet}|${row.subscriberValues}|${row.ownValues}`;
    let c = memo.get(key);
    if (!c) {
      const evaluation = evaluateSubscription(
        {
          planValues: row.planId === null ? null : lookups.plan(row.planId),
          addonValues: parseAddonIds(row.addonIds).map((id) => lookups.plan(id)),
          ownValues: row.ownValues === null ? null : values.parse(row.ownValues),
          locked: row.locked,
          subscriberValues: values.parse(row.subscriberValues),
          currentProvided: values.parse(sets.json(row.providedSet)),
          permissionCap: cap,
        },
        lookups.report(row.hostId),
      );
      c = {
        evaluation,
        providedSet: sets.idFor(JSON.stringify(evaluation.providedValues)),
        conflictsJson: JSON.stringify(evaluation.conflicts),
        subscriberJson: JSON.stringify(evaluation.subscriberValues),
        changedIds: [],
        hostId: row.hostId,
        pushed: false,
      };
      c.pushed = c.providedSet !== row.providedSet; // the provided set is part of the key: the same for the whole group
      memo.set(key, c);
    }
    const pushed = c.pushed;
    const changed =
      pushed || c.conflictsJson !== row.conflicts || c.evaluation.syncStatus !== row.syncStatus || c.subscriberJson !== row.subscriberValues;
    if (changed) {
      if (c.evaluation.syncStatus !== row.syncStatus || c.conflictsJson !== row.conflicts) {
        const reasons = parseReasons(row.suspensionReasons);
        recordTransitions(
          ctx,
          row.name,
          { syncStatus: row.syncStatus, conflictsJson: row.conflicts, reasons },
          { syncStatus: c.evaluation.syncStatus, conflictsJson: c.conflictsJson, reasons },
          c.evaluation.conflicts,
        );
      }
      c.changedIds.push(row.id);
    }
    outcomes.push({ name: row.name, syncStatus: c.evaluation.syncStatus, conflicts: c.evaluation.conflicts, pushed });
  }
  // Rows that evaluated alike get the same columns: one write per group.
  for (const c of memo.values()) {
    if (c.changedIds.length === 0) continue;
    ctx.subscriptions.writeEvaluation(
      {
        ids: c.changedIds,
        subscriberValues: c.subscriberJson,
        providedSet: c.providedSet,
        conflicts: c.conflictsJson,
        syncStatus: c.evaluation.syncStatus,
        revision: c.pushed ? bumper.revisionFor(c.hostId) : null,
      },
      now,
    );
  }
  return { outcomes, skipped };
}
