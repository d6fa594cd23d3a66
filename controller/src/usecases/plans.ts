/** Plans: create, show, list, update ("Update & Sync"), delete. */
import {
  AlreadyExistsError,
  ConflictError,
  FailedPreconditionError,
  InvalidArgumentError,
  applyChanges,
  parseChanges,
  parseValues,
  validatePlanName,
  type Changes,
  type Values,
  type ValuesContext,
} from '@hostplane/shared';
import type { PlanRecord } from '../store/index.js';
import { PLAN_KINDS, type Conflict, type PlanKind } from '../domain/index.js';
import { RevisionBumper, type Context } from './context.js';
import { planAllocationGuard } from './allocation.js';
import { findPlan, optionalReseller } from './lookup.js';
import { syncResellersOfPlan } from './resellers.js';
import { reevaluateRows } from './reevaluate.js';
import { planView, resellerLogin, type PlanView } from './views.js';

export interface CreatePlanInput {
  name: string;
  kind?: PlanKind;
  values?: Record<string, unknown>;
  /** The reseller that owns the plan (service and add-on plans only); empty: the provider. */
  reseller?: string;
}

function valuesContext(kind: PlanKind): ValuesContext {
  return kind === 'reseller' ? 'reseller' : kind === 'addon' ? 'addon' : 'plan';
}

function parseKind(kind: string | undefined): PlanKind {
  const k = (kind ?? 'service') as PlanKind;
  if (!PLAN_KINDS.includes(k)) throw new InvalidArgumentError('kind', `kind: '${kind}' is not one of ${PLAN_KINDS.join(', ')}`);
  return k;
}

export function createPlan(ctx: Context, input: CreatePlanInput): PlanView {
  return ctx.tx(() => {
    const name = validatePlanName(input.name ?? '');
    const kind = parseKind(input.kind);
    const values = parseValues(input.values ?? {}, valuesContext(kind));
    const reseller = optionalReseller(ctx, input.reseller);
    if (reseller && kind === 'reseller') {
      throw new InvalidArgumentError('reseller', 'reseller: a reseller plan belongs to the provider; a reseller owns service and add-on plans only');
    }
    const taken = ctx.plans.byName(name);
    if (taken) throw new AlreadyExistsError('plan', name, taken.name === name ? undefined : `plan '${taken.name}' already exists: plan names ignore case`);
    const plan = ctx.plans.insert(name, kind, values, ctx.nowIso(), reseller?.id ?? null);
    ctx.record({ type: 'plan.created', entity: name, data: reseller ? { kind, version: plan.version, reseller: reseller.login } : { kind, version: plan.version } });
    return planView(plan, 0, reseller?.login ?? null);
  });
}

export function getPlan(ctx: Context, name: string): PlanView {
  const p = findPlan(ctx, name, 'name');
  return planView(p, ctx.plans.usageCount(p.id), resellerLogin(ctx, p.resellerId));
}

export function listPlans(ctx: Context, kind?: string): PlanView[] {
  const scope = ctx.actor.resellerId;
  return ctx.plans.list(kind ? parseKind(kind) : undefined).filter((p) => scope === undefined || p.resellerId === scope).map((p) => planView(p, ctx.plans.usageCount(p.id), resellerLogin(ctx, p.resellerId)));
}

export interface UpdatePlanInput {
  set?: Record<string, unknown>;
  /** Keys to remove from the plan (they fall back to the catalogue default). */
  unset?: string[];
  /** Optimistic concurrency: refused (ABORTED) when the plan is at another version. */
  expectedVersion?: number;
  /** Preview: the same summary, nothing written (no value, version, event or push). */
  dryRun?: boolean;
}

/** The "Update & Sync" summary. */
export interface SyncSummary {
  readonly plan: PlanView;
  /** Subscriptions synchronized with no conflict. */
  readonly synced: number;
  /** Subscriptions that follow the plan but whose host cannot provide all of it. */
  readonly unsynced: { name: string; conflicts: readonly Conflict[] }[];
  /** Locked subscriptions, excluded from synchronization. */
  readonly skippedLocked: string[];
  /** Subscriptions whose provided values changed (new generation pushed to their host). */
  readonly pushed: number;
}

/** Update & Sync: changes the plan and applies it, in the same transaction, to every subscription that follows it. */
export function updatePlan(ctx: Context, name: string, input: UpdatePlanInput): SyncSummary {
  if (input.dryRun) return ctx.preview(() => updatePlan(ctx, name, { ...input, dryRun: false }));
  return ctx.tx(() => {
    const plan = findPlan(ctx, name, 'name');
    if (input.expectedVersion !== undefined && input.expectedVersion !== 0 && input.expectedVersion !== plan.version) {
      throw new ConflictError('plan', plan.name, input.expectedVersion, plan.version);
    }
    const changes = parseChanges(input, valuesContext(plan.kind));
    const values = applyChanges(plan.values, changes);
    if (plan.kind === 'reseller') return updateResellerPlan(ctx, plan, values, changes);
    const guard = planAllocationGuard(ctx, plan.id);
    const updated = ctx.plans.update(plan.id, values, ctx.nowIso());
    const rows = plan.kind === 'addon' ? ctx.subscriptions.bulkByAddon(plan.id) : ctx.subscriptions.bulkByPlan(plan.id);
    const { outcomes, skipped } = reevaluateRows(ctx, rows, new RevisionBumper(ctx), { skipLocked: true });
    let synced = 0;
    let pushed = 0;
    const unsynced: SyncSummary['unsynced'] = [];
    for (const o of outcomes) {
      if (o.pushed) pushed++;
      if (o.syncStatus === 'synced') synced++;
      else unsynced.push({ name: o.name, conflicts: o.conflicts });
    }
    guard.check();
    ctx.record({
      type: 'plan.updated',
      entity: plan.name,
      data: {
        version: updated.version,
        set: Object.keys(changes.set),
        unset: changes.unset,
        synced,
        unsynced: unsynced.length,
        skippedLocked: skipped.length,
      },
    });
    return { plan: planView(updated, rows.length, resellerLogin(ctx, updated.resellerId)), synced, unsynced, skippedLocked: skipped, pushed };
  });
}

/** Update & Sync of a reseller plan: the summary counts resellers (synced, unsynced, skipped as locked). */
function updateResellerPlan(ctx: Context, plan: PlanRecord, values: Values, changes: Changes): SyncSummary {
  const updated = ctx.plans.update(plan.id, values, ctx.nowIso());
  const { synced, unsynced, skippedLocked } = syncResellersOfPlan(ctx, plan.id);
  ctx.record({ type: 'plan.updated', entity: plan.name, data: { version: updated.version, set: Object.keys(changes.set), unset: changes.unset, synced, unsynced: unsynced.length, skippedLocked: skippedLocked.length } });
  return { plan: planView(updated, ctx.plans.usageCount(plan.id)), synced, unsynced, skippedLocked, pushed: 0 };
}

/** Deletes a plan that no subscription uses. */
export function deletePlan(ctx: Context, name: string): void {
  ctx.tx(() => {
    const plan = findPlan(ctx, name, 'name');
    const n = ctx.plans.usageCount(plan.id);
    if (n > 0 && plan.kind === 'reseller') {
      throw new FailedPreconditionError(`plan '${plan.name}' is used by ${n} reseller(s): switch them to another plan first`);
    }
    if (n > 0) throw new FailedPreconditionError(`plan '${plan.name}' is used by ${n} subscription(s): switch or detach them first`);
    ctx.plans.delete(plan.id);
    ctx.record({ type: 'plan.deleted', entity: plan.name, data: { kind: plan.kind } });
  });
}
