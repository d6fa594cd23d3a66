/**
 * The verbs about a subscription's relation to its plan: `sub sync [--accept]` (the seed's Sync
 * and its conflict report, OK = accept), `sub customize [--as-customer]`, `sub unlock`,
 * `sub switch-plan`, `sub detach`, `sub addon add|remove`.
 */
import { status } from '@grpc/grpc-js';
import type { Command } from 'commander';
import {
  AcceptAvailableValuesRequest,
  AddSubscriptionAddonRequest,
  CustomizeSubscriptionRequest,
  DetachSubscriptionRequest,
  RemoveSubscriptionAddonRequest,
  SwitchSubscriptionPlanRequest,
  SyncSubscriptionRequest,
  UnlockSubscriptionRequest,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { present, UsageError } from '../errors.js';
import { collect } from '../options.js';
import { conflictJson, subscriptionJson } from '../shapes.js';
import { parseChanges } from '../values.js';
import { displayName, emitSubscription, renderOutcome, renderSyncReport } from './sub-output.js';

interface SyncOptions extends VerbOptions {
  accept?: boolean;
  fingerprint?: string;
}

/** `sub sync`: Sync, and with --accept, Accept with the fingerprint of the report just shown. */
async function syncVerb(ctx: Context, cmd: Command, name: string, opts: SyncOptions): Promise<void> {
  if (opts.fingerprint !== undefined && !opts.accept) throw new UsageError('--fingerprint is only used with --accept');
  const api = ctx.api(cmd);
  const accept = async (fingerprint: string) =>
    present(
      (
        await api.call('acceptAvailableValues', AcceptAvailableValuesRequest.fromPartial({ name, fingerprint }), {
          overrides: {
            [status.FAILED_PRECONDITION]: (details) =>
              `refused: ${details || 'the conflict report changed'}; nothing was accepted: review the current report with 'hostplane sub sync ${name}'`,
          },
        })
      ).subscription,
      'subscription',
    );

  if (opts.accept && opts.fingerprint !== undefined) {
    // Accept exactly the report the operator saw earlier; the controller refuses it if it changed.
    const s = await accept(opts.fingerprint);
    ctx.emit(
      opts.json,
      { accepted: true, fingerprint: opts.fingerprint, subscription: subscriptionJson(s) },
      () => renderOutcome(`Accepted the available values for ${s.name}.`, s),
    );
    return;
  }

  const res = await api.call('syncSubscription', SyncSubscriptionRequest.fromPartial({ name }));
  const synced = present(res.subscription, 'subscription');
  const conflicts = res.conflicts.map(conflictJson);
  const fingerprint = res.fingerprint === '' ? null : res.fingerprint;
  if (!opts.accept) {
    ctx.emit(opts.json, { conflicts, fingerprint, subscription: subscriptionJson(synced) }, () =>
      renderSyncReport(synced, res.conflicts, res.fingerprint),
    );
    return;
  }
  if (res.conflicts.length === 0) {
    ctx.emit(opts.json, { conflicts, fingerprint, accepted: false, subscription: subscriptionJson(synced) }, () =>
      `${renderSyncReport(synced, res.conflicts, res.fingerprint)}Nothing to accept.\n`,
    );
    return;
  }
  const accepted = await accept(res.fingerprint);
  ctx.emit(
    opts.json,
    { conflicts, fingerprint, accepted: true, subscription: subscriptionJson(accepted) },
    () =>
      `${renderSyncReport(synced, res.conflicts, res.fingerprint, false)}\n` +
      renderOutcome(`Accepted the available values for ${accepted.name}.`, accepted),
  );
}

export function registerSubPlan(sub: Command, ctx: Context): void {
  verb(sub, 'sync <name>', "retry synchronization now, have its host's agent apply it again, and show the conflict report (property, plan value, available value)", [
    'hostplane sub sync example.com',
    'hostplane sub sync example.com --accept',
    'hostplane sub sync example.com --accept --fingerprint 3f9c2a…',
  ])
    .option('--accept', 'use the available values of the report (the seed\'s OK): they become own values and the subscription is locked')
    .option('--fingerprint <fp>', 'with --accept: accept the report with this fingerprint, as shown by an earlier sync')
    .action((name: string, opts: SyncOptions, cmd: Command) => syncVerb(ctx, cmd, name, opts));

  verb(sub, 'customize <name>', "set a subscription's own values (it becomes locked), or --as-customer its delegated values", [
    'hostplane sub customize example.com --set limits.disk_space=20G',
    'hostplane sub customize example.com --unset limits.disk_space',
    'hostplane sub customize example.com --as-customer --set php.memory_limit=512M',
  ])
    .option('--set <key=value>', 'a value to set (repeatable)', collect)
    .option('--unset <key>', 'a value to remove (repeatable)', collect)
    .option('--as-customer', "act as the subscription's customer: only properties the plan delegates; the subscription is not locked")
    .action(async (name: string, opts: VerbOptions & { set?: string[]; unset?: string[]; asCustomer?: boolean }, cmd: Command) => {
      if (!opts.set && !opts.unset) throw new UsageError('sub customize needs at least one --set or --unset');
      const changes = parseChanges(opts.set ?? [], opts.unset ?? [], 'subscription');
      const request = CustomizeSubscriptionRequest.fromPartial({ name, ...changes, asCustomer: opts.asCustomer ?? false });
      const res = await ctx.api(cmd).call('customizeSubscription', request);
      emitSubscription(ctx, opts.json, res.subscription, (s) =>
        opts.asCustomer
          ? `Changed ${s.name} on behalf of its customer ${s.customer}.`
          : `Customized ${s.name}: plan changes no longer apply to it until 'hostplane sub unlock ${s.name}'.`,
      );
    });

  verb(sub, 'unlock <name>', 'drop the own values of a locked subscription and synchronize it with the plan (Unlock and Sync)', ['hostplane sub unlock example.com']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('unlockSubscription', UnlockSubscriptionRequest.fromPartial({ name }));
      emitSubscription(ctx, opts.json, res.subscription, (s) => `Unlocked ${s.name} and synchronized it with plan ${s.plan}.`);
    },
  );

  verb(sub, 'switch-plan <name> <plan>', 'move a subscription to another service plan, keeping its add-ons', [
    'hostplane sub switch-plan example.com Premium',
    'hostplane sub switch-plan example.com Premium --dry-run   # how it would come out; nothing changes',
  ])
    .option('--dry-run', 'preview: print how the subscription would come out on the new plan, and change nothing')
    .action(async (name: string, plan: string, opts: VerbOptions & { dryRun?: boolean }, cmd: Command) => {
      const dryRun = opts.dryRun ?? false;
      const res = await ctx.api(cmd).call('switchSubscriptionPlan', SwitchSubscriptionPlanRequest.fromPartial({ name, plan, dryRun }));
      emitSubscription(ctx, opts.json, res.subscription, (s) =>
        dryRun ? `Preview: nothing was changed. On plan ${s.plan || plan}, ${s.name} would be as follows.` : `Switched ${s.name} to plan ${s.plan || plan}.`,
      );
    });

  verb(sub, 'detach <name>', 'remove the plan and add-ons: the current values become its own (Custom)', [
    'hostplane sub detach example.com',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('detachSubscription', DetachSubscriptionRequest.fromPartial({ name }));
    emitSubscription(ctx, opts.json, res.subscription, (s) => `Detached ${s.name} from its plan: it is now ${displayName(s)}.`);
  });

  const addon = group(sub, 'addon', 'attach or remove add-on plans', ["hostplane sub addon add example.com 'Extra disk'"]);
  verb(addon, 'add <name> <addon>', 'attach an add-on plan to a subscription (once; not to a custom one)', [
    "hostplane sub addon add example.com 'Extra disk'",
  ]).action(async (name: string, addonName: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('addSubscriptionAddon', AddSubscriptionAddonRequest.fromPartial({ name, addon: addonName }));
    emitSubscription(ctx, opts.json, res.subscription, (s) => `Attached add-on ${addonName} to ${s.name}.`);
  });
  verb(addon, 'remove <name> <addon>', 'remove an attached add-on plan from a subscription', [
    "hostplane sub addon remove example.com 'Extra disk'",
  ]).action(async (name: string, addonName: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('removeSubscriptionAddon', RemoveSubscriptionAddonRequest.fromPartial({ name, addon: addonName }));
    emitSubscription(ctx, opts.json, res.subscription, (s) => `Removed add-on ${addonName} from ${s.name}.`);
  });
}
