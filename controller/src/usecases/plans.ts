/** Plans: create, show, list, update ("Update & Sync"), delete. */
import { AlreadyExistsError, ConflictError, FailedPreconditionError, InvalidArgumentError, PROPERTIES, parseValues, validatePlanName } from '@hostplane/shared';
import { PLAN_KINDS, type Conflict, type PlanKind } from '../domain/index.js';
import { RevisionBumper, type Context } from './context.js';
import { findPlan } from './lookup.js';
import { reevaluateRows } from './reevaluate.js';
import { planView, type PlanView } from './views.js';

export interface CreatePlanInput {
  name: string;
  kind?: PlanKind;
  values?: Record<string, unknown>;
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
    const values = parseValues(input.values ?? {}, kind === 'addon' ? 'addon' : 'plan');
    if (ctx.plans.byName(name)) throw new AlreadyExistsError('plan', name);
    const plan = ctx.plans.insert(name, kind, values, ctx.nowIso());
    ctx.record('plan.created', name, { kind, version: plan.version });
    return planView(plan, 0);
  });
}

export function getPlan(ctx: Context, name: string): PlanView {
  const p = findPlan(ctx, name, 'name');
  return planView(p, ctx.plans.usageCount(p.id));
}

export function listPlans(ctx: Context, kind?: string): PlanView[] {
  return ctx.plans.list(kind ? parseKind(kind) : undefined).map((p) => planView(p, ctx.plans.usageCount(p.id)));
}

export interface UpdatePlanInput {
  set?: Record<string, unknown>;
  /** Keys to remove from the plan (they fall back to the catalogue default). */
  unset?: string[];
  /** Optimistic concurrency: refused (ABORTED) when the plan is at another version. */
  expectedVersion?: number;
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
  return ctx.tx(() => {
    const plan = findPlan(ctx, name, 'name');
    if (input.expectedVersion !== undefined && input.expectedVersion !== 0 && input.expectedVersion !== plan.version) {
      throw new ConflictError('plan', plan.name, input.expectedVersion, plan.version);
    }
    const set = parseValues(input.set ?? {}, plan.kind === 'addon' ? 'addon' : 'plan');
    const unset = input.unset ?? [];
    for (const key of unset) {
      if (!PROPERTIES.has(key)) throw new InvalidArgumentError(key, `unknown property '${key}'`);
    }
    const values = { ...plan.values, ...set };
    for (const key of unset) delete values[key];
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
    ctx.record('plan.updated', plan.name, {
      version: updated.version,
      set: Object.keys(set),
      unset,
      synced,
      unsynced: unsynced.length,
      skippedLocked: skipped.length,
    });
    return { plan: planView(updated, rows.length), synced, unsynced, skippedLocked: skipped, pushed };
  });
}

/** Deletes a plan that no subscription uses. */
export function deletePlan(ctx: Context, name: string): void {
  ctx.tx(() => {
    const plan = findPlan(ctx, name, 'name');
    const n = ctx.plans.usageCount(plan.id);
    if (n > 0) throw new FailedPreconditionError(`plan '${plan.name}' is used by ${n} subscription(s): switch or detach them first`);
    ctx.plans.delete(plan.id);
    ctx.record('plan.deleted', plan.name, { kind: plan.kind });
  });
}
