/**
 * `hostplane plan create|update|show|list|delete`: hosting plans (service, add-on, reseller).
 * `plan update` is the seed's "Update & Sync": it prints how the plan's subscriptions came out.
 */
import { Option, type Command } from 'commander';
import {
  CreatePlanRequest,
  DeletePlanRequest,
  GetPlanRequest,
  ListPlansRequest,
  PlanKind,
  UpdatePlanRequest,
  type Plan,
  type SyncSummary,
} from '@hostplane/proto/hostplane/v1/plan.js';
import { status } from '@grpc/grpc-js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { present, UsageError } from '../errors.js';
import { humanTime, plural, renderFields, renderList, renderTable } from '../output.js';
import { collect, parseInt64 } from '../options.js';
import { planJson, planKindWord, summaryJson } from '../shapes.js';
import { formatProtoValue, orderedKeys, parseChanges } from '../values.js';

/** Plan update synchronizes every subscription of the plan in one transaction: give it time. */
const UPDATE_TIMEOUT_SECONDS = 300;

const KINDS = { service: PlanKind.PLAN_KIND_SERVICE, addon: PlanKind.PLAN_KIND_ADDON, reseller: PlanKind.PLAN_KIND_RESELLER } as const;
type KindWord = keyof typeof KINDS;
const kindOption = (description: string) => new Option('--kind <kind>', description).choices(Object.keys(KINDS));

export function renderPlan(plan: Plan): string {
  const head = renderFields([
    ['Plan', plan.name],
    ['Kind', planKindWord(plan.kind)],
    ['Reseller', plan.reseller],
    ['Version', plan.version],
    // A reseller plan is followed by resellers, not subscriptions: its count says so.
    plan.kind === PlanKind.PLAN_KIND_RESELLER ? ['Resellers', String(plan.subscriptionCount)] : ['Subscriptions', String(plan.subscriptionCount)],
    ['Created', plan.createdAt ? humanTime(plan.createdAt) : undefined],
    ['Updated', plan.updatedAt ? humanTime(plan.updatedAt) : undefined],
  ]);
  const keys = orderedKeys(plan.values);
  if (keys.length === 0) return `${head}\nNo values set: every property takes the catalogue default.\n`;
  const rows = keys.map((key) => [key, formatProtoValue(key, plan.values[key])]);
  return `${head}\n${renderTable(['property', 'value'], rows)}Properties not listed take the catalogue defaults.\n`;
}

/** The Update & Sync summary: counts, then the unsynced subscriptions with their conflicts. */
export function renderSummary(plan: Plan, s: SyncSummary, dryRun = false): string {
  let out = dryRun
    ? `Preview: nothing was changed. Updating plan ${plan.name} would make it version ${plan.version}.\n`
    : `Updated plan ${plan.name} to version ${plan.version}.\n`;
  out += `Update & Sync${dryRun ? ' would give' : ''}: ${s.syncedCount} synced, ${s.unsyncedCount} unsynced, ${s.skippedLockedCount} skipped as locked.\n`;
  if (s.unsynced.length > 0) {
    const rows = s.unsynced.flatMap((u) =>
      u.conflicts.map((c, i) => [
        i === 0 ? u.name : '',
        c.property,
        formatProtoValue(c.property, c.planValue),
        formatProtoValue(c.property, c.availableValue),
        c.reason,
      ]),
    );
    out += `\nUnsynced:\n${renderTable(['subscription', 'property', 'plan value', 'available value', 'reason'], rows)}`;
    const hidden = s.unsyncedCount - s.unsynced.length;
    if (hidden > 0) out += `… and ${plural(hidden, 'more unsynced subscription')} (hostplane sub list --plan '${plan.name}' --status unsynced).\n`;
  }
  if (s.skippedLocked.length > 0) {
    const hidden = s.skippedLockedCount - s.skippedLocked.length;
    out += `\nSkipped as locked: ${s.skippedLocked.join(', ')}${hidden > 0 ? `, and ${hidden} more` : ''}.\n`;
  }
  return out;
}

export function registerPlan(program: Command, ctx: Context): void {
  const plan = group(program, 'plan', 'hosting plans: service plans, add-ons and reseller plans', [
    'hostplane plan list',
    'hostplane plan update Unlimited --set limits.disk_space=20G',
  ]);

  verb(plan, 'create <name>', 'create a plan with the given values (unset properties take the catalogue defaults); plan names ignore case', [
    "hostplane plan create Unlimited --set limits.disk_space=10G --set hosting.php=true --set hosting.php_version=8.2",
    "hostplane plan create 'Extra disk' --kind addon --set limits.disk_space=5G",
  ])
    .addOption(kindOption('what the plan is for').default('service'))
    .option('--set <key=value>', 'a property value, e.g. limits.disk_space=10G (repeatable)', collect)
    .option('--reseller <login>', 'the reseller that owns the plan (service and add-on plans; default: the provider)')
    .action(async (name: string, opts: VerbOptions & { kind: KindWord; set?: string[]; reseller?: string }, cmd: Command) => {
      const { set } = parseChanges(opts.set ?? [], [], opts.kind === 'service' ? 'plan' : opts.kind);
      const request = CreatePlanRequest.fromPartial({ name, kind: KINDS[opts.kind], values: set, reseller: opts.reseller });
      const res = await ctx.api(cmd).call('createPlan', request);
      const created = present(res.plan, 'plan');
      ctx.emit(opts.json, planJson(created), () => `Created ${opts.kind === 'addon' ? 'add-on' : opts.kind} plan ${created.name}.\n\n${renderPlan(created)}`);
    });

  verb(plan, 'update <name>', "change a plan's values and synchronize its subscriptions (Update & Sync)", [
    'hostplane plan update Unlimited --set limits.disk_space=20G',
    'hostplane plan update Unlimited --unset hosting.php_version --expected-version 3',
    'hostplane plan update Unlimited --set hosting.php_version=8.3 --dry-run   # what would happen; nothing changes',
  ])
    .option('--set <key=value>', 'a property value to set (repeatable)', collect)
    .option('--unset <key>', 'a property to reset to its catalogue default (repeatable)', collect)
    .option('--expected-version <n>', 'refuse the update unless the plan is still at this version', parseInt64)
    .option('--dry-run', 'preview: print the Update & Sync summary it would give, and change nothing')
    .action(async (name: string, opts: VerbOptions & { set?: string[]; unset?: string[]; expectedVersion?: string; dryRun?: boolean }, cmd: Command) => {
      if (!opts.set && !opts.unset) throw new UsageError('plan update needs at least one --set or --unset');
      const changes = parseChanges(opts.set ?? [], opts.unset ?? []);
      const dryRun = opts.dryRun ?? false;
      const request = UpdatePlanRequest.fromPartial({ name, expectedVersion: opts.expectedVersion, ...changes, dryRun });
      const res = await ctx.api(cmd).call('updatePlan', request, {
        timeoutSeconds: UPDATE_TIMEOUT_SECONDS,
        progress: dryRun ? `Previewing the update of plan ${name}` : `Updating plan ${name} and synchronizing its subscriptions`,
        overrides: {
          [status.ABORTED]: (details) =>
            `stale version: ${details || `plan ${name} changed since version ${opts.expectedVersion}`}; nothing was changed`,
        },
      });
      const updated = present(res.plan, 'plan');
      const summary = res.summary ?? { syncedCount: 0, unsyncedCount: 0, skippedLockedCount: 0, unsynced: [], skippedLocked: [] };
      ctx.emit(opts.json, { plan: planJson(updated), summary: summaryJson(summary), dryRun }, () => renderSummary(updated, summary, dryRun));
    });

  verb(plan, 'show <name>', "show a plan's kind, version and values", ['hostplane plan show Unlimited', 'hostplane plan show Unlimited --json'])
    .action(async (name: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('getPlan', GetPlanRequest.fromPartial({ name }));
      const found = present(res.plan, 'plan');
      ctx.emit(opts.json, planJson(found), () => renderPlan(found));
    });

  verb(plan, 'list', 'list plans, ordered by kind then name', ['hostplane plan list', 'hostplane plan list --kind addon --json'])
    .addOption(kindOption('only plans of this kind'))
    .action(async (opts: VerbOptions & { kind?: KindWord }, cmd: Command) => {
      const kind = opts.kind ? KINDS[opts.kind] : PlanKind.PLAN_KIND_UNSPECIFIED;
      const { plans } = await ctx.api(cmd).call('listPlans', ListPlansRequest.fromPartial({ kind }));
      ctx.emit(opts.json, { plans: plans.map(planJson) }, () =>
        renderList(
          ['name', 'kind', 'version', 'used by'],
          plans.map((p) => [p.name, planKindWord(p.kind), p.version, plural(p.subscriptionCount, p.kind === PlanKind.PLAN_KIND_RESELLER ? 'reseller' : 'subscription')]),
          'No plans.',
        ),
      );
    });

  verb(plan, 'delete <name>', 'delete a plan that no subscription uses', ["hostplane plan delete 'Extra disk'"]).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('deletePlan', DeletePlanRequest.fromPartial({ name }));
      ctx.emit(opts.json, { name, deleted: true }, () => `Deleted plan ${name}.\n`);
    },
  );
}
