/** Admin RPCs for plans: proto ↔ core, nothing else. */
import { InvalidArgumentError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import type { SyncSummary } from '../../usecases/index.js';
import { conflictToProto, planKindFromProto, planToProto, requestValues } from '../convert.js';
import { unary, type ApiDeps } from '../pipeline.js';

/** Summaries list at most this many names; the counts are always exact. */
export const SUMMARY_LIST_LIMIT = 1000;

function kindOf(kind: PlanKind, field = 'kind') {
  if (kind === PlanKind.PLAN_KIND_UNSPECIFIED) return undefined;
  const k = planKindFromProto(kind);
  if (!k) throw new InvalidArgumentError(field, `${field}: unknown plan kind ${kind}`);
  return k;
}

export function summaryToProto(s: SyncSummary) {
  return {
    syncedCount: s.synced,
    unsyncedCount: s.unsynced.length,
    skippedLockedCount: s.skippedLocked.length,
    unsynced: s.unsynced.slice(0, SUMMARY_LIST_LIMIT).map((u) => ({ name: u.name, conflicts: u.conflicts.map(conflictToProto) })),
    skippedLocked: s.skippedLocked.slice(0, SUMMARY_LIST_LIMIT),
  };
}

export function planHandlers(deps: ApiDeps): Pick<AdminServer, 'createPlan' | 'updatePlan' | 'getPlan' | 'listPlans' | 'deletePlan'> {
  const { core } = deps;
  return {
    createPlan: unary(deps, 'CreatePlan', (req) => ({
      plan: planToProto(core.createPlan({ name: req.name, kind: kindOf(req.kind) ?? 'service', values: requestValues(req.values, 'values'), reseller: req.reseller })),
    })),
    updatePlan: unary(deps, 'UpdatePlan', (req) => {
      let expectedVersion: number | undefined;
      if (req.expectedVersion !== undefined) {
        expectedVersion = Number(req.expectedVersion);
        if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 1) {
          throw new InvalidArgumentError('expectedVersion', `expectedVersion: '${req.expectedVersion}' is not a plan version`);
        }
      }
      const summary = core.updatePlan(req.name, { set: requestValues(req.set, 'set'), unset: req.unset, expectedVersion, dryRun: req.dryRun });
      return { plan: planToProto(summary.plan), summary: summaryToProto(summary) };
    }),
    getPlan: unary(deps, 'GetPlan', (req) => ({ plan: planToProto(core.getPlan(req.name)) })),
    listPlans: unary(deps, 'ListPlans', (req) => ({ plans: core.listPlans(kindOf(req.kind)).map(planToProto) })),
    deletePlan: unary(deps, 'DeletePlan', (req) => {
      core.deletePlan(req.name);
      return {};
    }),
  };
}
