/**
 * `hostplane reseller create|show|list|suspend|activate|delete|switch-plan|customize|unlock|sync [--accept]`:
 * reseller accounts on reseller plans (totals and permissions their customers' plans may not exceed). A reseller follows its plan with the same
 * synced / locked / unsynced rules as a subscription; its conflicts are totals it has allocated
 * beyond its plan (plan value, allocated value).
 */
import { status } from '@grpc/grpc-js';
import type { Command } from 'commander';
import {
  AcceptResellerValuesRequest,
  ActivateResellerRequest,
  CreateResellerRequest,
  CreateResellerTokenRequest,
  CustomizeResellerRequest,
  DeleteResellerRequest,
  GetResellerRequest,
  ListResellersRequest,
  SuspendResellerRequest,
  SwitchResellerPlanRequest,
  SyncResellerRequest,
  UnlockResellerRequest,
  type Reseller,
} from '@hostplane/proto/hostplane/v1/reseller.js';
import type { Conflict } from '@hostplane/proto/hostplane/v1/values.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { present, UsageError } from '../errors.js';
import { humanTime, renderFields, renderList, renderTable } from '../output.js';
import { collect } from '../options.js';
import { conflictJson, resellerJson, resellerStateWord, syncStatusWord } from '../shapes.js';
import { formatProtoValue, orderedKeys, parseChanges } from '../values.js';

function renderConflicts(conflicts: readonly Conflict[]): string {
  const rows = conflicts.map((c) => [c.property, formatProtoValue(c.property, c.planValue), formatProtoValue(c.property, c.availableValue), c.reason]);
  return renderTable(['property', 'plan value', 'allocated', 'reason'], rows);
}

export function renderReseller(r: Reseller): string {
  const head = renderFields([
    ['Reseller', r.login],
    ['Name', r.displayName],
    ['Email', r.email || '-'],
    ['Plan', r.plan],
    ['State', resellerStateWord(r.state)],
    ['Sync status', syncStatusWord(r.syncStatus)],
    ['Customers', String(r.customerCount)],
    ['Plans', String(r.planCount)],
    ['Subscriptions', String(r.subscriptionCount)],
    ['Created', r.createdAt ? humanTime(r.createdAt) : undefined],
  ]);
  const keys = orderedKeys(r.effectiveValues, r.allocation);
  const rows = keys.map((key) => [key, formatProtoValue(key, r.effectiveValues[key]), formatProtoValue(key, r.allocation[key])]);
  let out = `${head}\n${renderTable(['property', 'limit', 'allocated'], rows)}`;
  if (r.conflicts.length > 0) out += `\nConflicts (allocated beyond the plan):\n${renderConflicts(r.conflicts)}`;
  return out;
}

function emit(ctx: Context, json: boolean | undefined, r: Reseller | undefined, sentence: (r: Reseller) => string): void {
  const found = present(r, 'reseller');
  ctx.emit(json, resellerJson(found), () => `${sentence(found)}\n\n${renderReseller(found)}`);
}

interface SyncOptions extends VerbOptions {
  accept?: boolean;
  fingerprint?: string;
}

export function registerReseller(program: Command, ctx: Context): void {
  const reseller = group(program, 'reseller', 'reseller accounts: their plans cap what they sell to their customers', [
    'hostplane reseller list',
    'hostplane reseller show acme',
  ]);

  verb(reseller, 'create <login>', 'create a reseller on a reseller plan', [
    "hostplane reseller create acme --plan 'Reseller S' --email ops@acme.example",
  ])
    .requiredOption('--plan <plan>', 'a plan of kind reseller')
    .option('--name <display name>', 'the name shown to people (default: the login)')
    .option('--email <address>', 'contact e-mail address')
    .action(async (login: string, opts: VerbOptions & { plan: string; name?: string; email?: string }, cmd: Command) => {
      const request = CreateResellerRequest.fromPartial({ login, plan: opts.plan, displayName: opts.name ?? '', email: opts.email ?? '' });
      emit(ctx, opts.json, (await ctx.api(cmd).call('createReseller', request)).reseller, (r) => `Created reseller ${r.login} on plan ${r.plan}.`);
    });

  verb(reseller, 'show <login>', 'show a reseller: its limits and what it has allocated', ['hostplane reseller show acme']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      const found = present((await ctx.api(cmd).call('getReseller', GetResellerRequest.fromPartial({ login }))).reseller, 'reseller');
      ctx.emit(opts.json, resellerJson(found), () => renderReseller(found));
    },
  );

  verb(reseller, 'list', 'list resellers, ordered by login', ['hostplane reseller list --json']).action(
    async (opts: VerbOptions, cmd: Command) => {
      const { resellers } = await ctx.api(cmd).call('listResellers', ListResellersRequest.fromPartial({}));
      ctx.emit(opts.json, { resellers: resellers.map(resellerJson) }, () =>
        renderList(
          ['login', 'plan', 'state', 'sync status', 'customers', 'subscriptions'],
          resellers.map((r) => [r.login, r.plan, resellerStateWord(r.state), syncStatusWord(r.syncStatus), String(r.customerCount), String(r.subscriptionCount)]),
          'No resellers.',
        ),
      );
    },
  );

  verb(reseller, 'suspend <login>', "suspend a reseller and its customers' subscriptions (reason 'customer')", ['hostplane reseller suspend acme']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      emit(ctx, opts.json, (await ctx.api(cmd).call('suspendReseller', SuspendResellerRequest.fromPartial({ login }))).reseller, (r) => `Suspended reseller ${r.login}.`);
    },
  );

  verb(reseller, 'activate <login>', 'activate a reseller', ['hostplane reseller activate acme']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      emit(ctx, opts.json, (await ctx.api(cmd).call('activateReseller', ActivateResellerRequest.fromPartial({ login }))).reseller, (r) => `Activated reseller ${r.login}.`);
    },
  );

  verb(reseller, 'delete <login>', 'delete a reseller that owns no customers and no plans', ['hostplane reseller delete acme']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('deleteReseller', DeleteResellerRequest.fromPartial({ login }));
      ctx.emit(opts.json, { login, deleted: true }, () => `Deleted reseller ${login}.\n`);
    },
  );

  verb(reseller, 'switch-plan <login> <plan>', 'move a reseller to another reseller plan', ["hostplane reseller switch-plan acme 'Reseller L'"]).action(
    async (login: string, plan: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('switchResellerPlan', SwitchResellerPlanRequest.fromPartial({ login, plan }));
      emit(ctx, opts.json, res.reseller, (r) => `Switched reseller ${r.login} to plan ${r.plan}.`);
    },
  );

  verb(reseller, 'customize <login>', "set a reseller's own values (it becomes locked)", [
    'hostplane reseller customize acme --set reseller.customers=50',
  ])
    .option('--set <key=value>', 'a value to set (repeatable)', collect)
    .option('--unset <key>', 'a value to remove (repeatable)', collect)
    .action(async (login: string, opts: VerbOptions & { set?: string[]; unset?: string[] }, cmd: Command) => {
      if (!opts.set && !opts.unset) throw new UsageError('reseller customize needs at least one --set or --unset');
      const changes = parseChanges(opts.set ?? [], opts.unset ?? [], 'reseller');
      const res = await ctx.api(cmd).call('customizeReseller', CustomizeResellerRequest.fromPartial({ login, ...changes }));
      emit(ctx, opts.json, res.reseller, (r) => `Customized reseller ${r.login}: plan changes no longer apply to it until 'hostplane reseller unlock ${r.login}'.`);
    });

  verb(reseller, 'unlock <login>', 'drop the own values of a locked reseller and synchronize it with the reseller plan', ['hostplane reseller unlock acme']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('unlockReseller', UnlockResellerRequest.fromPartial({ login }));
      emit(ctx, opts.json, res.reseller, (r) => `Unlocked reseller ${r.login} and synchronized it with plan ${r.plan}.`);
    },
  );

  verb(reseller, 'sync <login>', 'synchronize with the reseller plan and show the conflict report (plan value, allocated)', [
    'hostplane reseller sync acme',
    'hostplane reseller sync acme --accept',
  ])
    .option('--accept', 'take the allocated values as own values (the reseller is locked)')
    .option('--fingerprint <fp>', 'with --accept: accept the report with this fingerprint, as shown by an earlier sync')
    .action(async (login: string, opts: SyncOptions, cmd: Command) => {
      if (opts.fingerprint !== undefined && !opts.accept) throw new UsageError('--fingerprint is only used with --accept');
      const api = ctx.api(cmd);
      const accept = async (fingerprint: string) =>
        present(
          (
            await api.call('acceptResellerValues', AcceptResellerValuesRequest.fromPartial({ login, fingerprint }), {
              overrides: {
                [status.FAILED_PRECONDITION]: (details) =>
                  `refused: ${details || 'the conflict report changed'}; nothing was accepted: review the current report with 'hostplane reseller sync ${login}'`,
              },
            })
          ).reseller,
          'reseller',
        );
      if (opts.accept && opts.fingerprint !== undefined) {
        const r = await accept(opts.fingerprint);
        ctx.emit(opts.json, { accepted: true, fingerprint: opts.fingerprint, reseller: resellerJson(r) }, () => `Accepted the allocated values for reseller ${r.login}.\n`);
        return;
      }
      const res = await api.call('syncReseller', SyncResellerRequest.fromPartial({ login }));
      const synced = present(res.reseller, 'reseller');
      const conflicts = res.conflicts.map(conflictJson);
      const fingerprint = res.conflicts.length === 0 ? null : res.fingerprint;
      const report =
        res.conflicts.length === 0
          ? `Reseller ${synced.login} is ${syncStatusWord(synced.syncStatus)}: no conflicts.\n`
          : `Reseller ${synced.login} is ${syncStatusWord(synced.syncStatus)}: it has allocated beyond its plan.\n${renderConflicts(res.conflicts)}` +
            `Fingerprint: ${res.fingerprint}\n`;
      if (!opts.accept || res.conflicts.length === 0) {
        ctx.emit(opts.json, { conflicts, fingerprint, ...(opts.accept ? { accepted: false } : {}), reseller: resellerJson(synced) }, () =>
          opts.accept ? `${report}Nothing to accept.\n` : report,
        );
        return;
      }
      const accepted = await accept(res.fingerprint);
      ctx.emit(opts.json, { conflicts, fingerprint, accepted: true, reseller: resellerJson(accepted) }, () =>
        `${report}\nAccepted the allocated values for reseller ${accepted.login}: it is locked.\n`,
      );
    });

  const token = group(reseller, 'token', "bearer tokens of resellers: with one, hostplane acts as the reseller (HOSTPLANE_TOKEN)", [
    'hostplane reseller token create acme --json',
  ]);
  verb(token, 'create <login>', "create a reseller's token (shown once); it sees and changes only the reseller's own customers, plans and subscriptions", [
    'hostplane reseller token create acme',
  ])
    .option('--name <name>', 'the token name (default: reseller-<login>); a token of the same name is replaced')
    .action(async (login: string, opts: VerbOptions & { name?: string }, cmd: Command) => {
      const res = await ctx.api(cmd).call('createResellerToken', CreateResellerTokenRequest.fromPartial({ login, name: opts.name ?? '' }));
      ctx.emit(opts.json, { token: res.token, name: res.name }, () =>
        `Created token ${res.name} for reseller ${login} (shown once; keep it secret):\n${res.token}\n`,
      );
    });
}
