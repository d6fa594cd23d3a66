/**
 * `hostplane sub create|show|list|suspend|activate|renew|delete`: subscriptions and their life
 * cycle. The verbs about a subscription's relation to its plan (sync, customize, unlock,
 * switch-plan, detach, addon) are in sub-plan.ts.
 */
import { Option, type Command } from 'commander';
import { formatSize } from '@hostplane/shared';
import { progressBar, withProgress } from '../progress.js';
import {
  ActivateSubscriptionRequest,
  CreateSubscriptionRequest,
  DeleteSubscriptionRequest,
  MoveSubscriptionRequest,
  GetSubscriptionRequest,
  ListSubscriptionsRequest,
  RenewSubscriptionRequest,
  SubscriptionState,
  SubscriptionView,
  SuspendSubscriptionRequest,
  SyncStatus,
  type Subscription,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { CliError, present, UsageError } from '../errors.js';
import { humanTime, renderList } from '../output.js';
import { collect, parseIsoDate } from '../options.js';
import { reasonWord, subscriptionJson } from '../shapes.js';
import { parseChanges } from '../values.js';
import { registerSubPlan } from './sub-plan.js';
import { displayName, emitSubscription, LIST_HEADERS, listRow, renderSubscription } from './sub-output.js';

const STATUSES = {
  synced: SyncStatus.SYNC_STATUS_SYNCED,
  unsynced: SyncStatus.SYNC_STATUS_UNSYNCED,
  locked: SyncStatus.SYNC_STATUS_LOCKED,
  custom: SyncStatus.SYNC_STATUS_CUSTOM,
} as const;
const STATES = { active: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE, suspended: SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED } as const;

interface CreateOptions extends VerbOptions {
  customer: string;
  plan?: string;
  custom?: boolean;
  addon?: string[];
  host?: string;
  expires?: Date;
  set?: string[];
}

export function registerSub(program: Command, ctx: Context): void {
  const sub = group(program, 'sub', 'subscriptions: a customer webspace on a host, following a plan or custom', [
    'hostplane sub list --status unsynced',
    'hostplane sub sync example.com',
  ]);

  verb(sub, 'create <name>', 'create a subscription (its name is the main domain) on a plan or custom, and place it on a host', [
    'hostplane sub create example.com --customer alice --plan Unlimited',
    "hostplane sub create shop.example.com --customer alice --plan Unlimited --addon 'Extra disk' --host web1 --expires 2026-12-31",
    'hostplane sub create deal.example.org --customer bob --custom --set limits.disk_space=50G --set hosting.php=true',
  ])
    .requiredOption('--customer <login>', 'the owning customer')
    .option('--plan <plan>', 'the service plan to follow')
    .option('--custom', 'no plan: the --set values are its own values')
    .option('--addon <addon>', 'an add-on plan to attach (repeatable)', collect)
    .option('--host <host>', 'the host to place it on (default: the controller chooses among ready hosts whose agent is connected)')
    .option('--expires <date>', "ISO 8601 date or date-time in the future (default: from the plan's limits.validity)", parseIsoDate)
    .option('--set <key=value>', 'a value of its own; with --plan, the subscription starts locked (repeatable)', collect)
    .action(async (name: string, opts: CreateOptions, cmd: Command) => {
      if ((opts.plan === undefined) === !opts.custom) throw new UsageError('sub create needs exactly one of --plan PLAN and --custom');
      if (opts.custom && opts.addon) throw new UsageError('--addon cannot be used with --custom: add-ons need a service plan');
      const { set } = parseChanges(opts.set ?? [], [], 'subscription');
      const request = CreateSubscriptionRequest.fromPartial({
        name,
        customer: opts.customer,
        plan: opts.plan ?? '',
        custom: opts.custom ?? false,
        addons: opts.addon ?? [],
        host: opts.host ?? '',
        expiresAt: opts.expires,
        values: set,
      });
      const res = await ctx.api(cmd).call('createSubscription', request);
      emitSubscription(ctx, opts.json, res.subscription, (s) => `Created subscription ${displayName(s)} on ${s.host || 'no host'}.`);
    });

  verb(sub, 'show <name>', 'show a subscription: plan, add-ons, host, statuses (sync, applied, state), system user, values and conflicts', [
    'hostplane sub show example.com',
    'hostplane sub show example.com --json',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('getSubscription', GetSubscriptionRequest.fromPartial({ name }));
    const s = present(res.subscription, 'subscription');
    ctx.emit(opts.json, subscriptionJson(s), () => renderSubscription(s));
  });

  verb(sub, 'list', 'list subscriptions with their sync status, whether their host applied them (ok, pending, failed), and state', [
    'hostplane sub list',
    'hostplane sub list --plan Unlimited --status unsynced',
    'hostplane sub list --customer alice --state suspended --json',
  ])
    .option('--customer <login>', 'only subscriptions of this customer')
    .option('--plan <plan>', 'only subscriptions on this plan or add-on')
    .option('--host <host>', 'only subscriptions placed on this host')
    .addOption(new Option('--status <status>', 'only subscriptions with this sync status').choices(Object.keys(STATUSES)))
    .addOption(new Option('--state <state>', 'only subscriptions in this state').choices(Object.keys(STATES)))
    .option('--full', 'with --json: include value maps and conflicts')
    .action(async (opts: VerbOptions & Record<'customer' | 'plan' | 'host', string | undefined> & ListFlags, cmd: Command) => {
      const subs: Subscription[] = [];
      const seen = new Set<string>();
      let pageToken = '';
      do {
        if (seen.has(pageToken)) throw new CliError(`the controller sent the page token '${pageToken}' twice; listing stopped`);
        seen.add(pageToken);
        const request = ListSubscriptionsRequest.fromPartial({
          customer: opts.customer ?? '',
          plan: opts.plan ?? '',
          host: opts.host ?? '',
          syncStatus: opts.status ? STATUSES[opts.status] : SyncStatus.SYNC_STATUS_UNSPECIFIED,
          state: opts.state ? STATES[opts.state] : SubscriptionState.SUBSCRIPTION_STATE_UNSPECIFIED,
          view: opts.full ? SubscriptionView.SUBSCRIPTION_VIEW_FULL : SubscriptionView.SUBSCRIPTION_VIEW_BASIC,
          pageToken,
        });
        const page = await ctx.api(cmd).call('listSubscriptions', request);
        subs.push(...page.subscriptions);
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      ctx.emit(opts.json, { subscriptions: subs.map((s) => subscriptionJson(s, opts.full ?? false)) }, () =>
        renderList(LIST_HEADERS, subs.map(listRow), 'No subscriptions.'),
      );
    });

  registerSubPlan(sub, ctx);

  verb(sub, 'suspend <name>', "suspend a subscription (reason 'manual'): its websites show a suspended page", [
    'hostplane sub suspend example.com',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('suspendSubscription', SuspendSubscriptionRequest.fromPartial({ name }));
    emitSubscription(ctx, opts.json, res.subscription, (s) => `Suspended ${s.name}.`);
  });

  verb(sub, 'activate <name>', "remove the suspension reason 'manual' (other reasons stay)", ['hostplane sub activate example.com']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('activateSubscription', ActivateSubscriptionRequest.fromPartial({ name }));
      emitSubscription(ctx, opts.json, res.subscription, (s) =>
        s.suspensionReasons.length > 0
          ? `Removed the manual suspension of ${s.name}; it stays suspended: ${s.suspensionReasons.map(reasonWord).join(', ')}.`
          : `Removed the manual suspension of ${s.name}: it is active.`,
      );
    },
  );

  verb(sub, 'renew <name>', "set a new expiry date and remove the suspension reason 'expired'", [
    'hostplane sub renew example.com --expires 2027-01-31',
    'hostplane sub renew example.com --never',
  ])
    .option('--expires <date>', 'the new expiry, an ISO 8601 date or date-time in the future', parseIsoDate)
    .option('--never', 'never expire')
    .action(async (name: string, opts: VerbOptions & { expires?: Date; never?: boolean }, cmd: Command) => {
      if ((opts.expires === undefined) === !opts.never) throw new UsageError('sub renew needs exactly one of --expires DATE and --never');
      const res = await ctx.api(cmd).call('renewSubscription', RenewSubscriptionRequest.fromPartial({ name, expiresAt: opts.expires }));
      emitSubscription(ctx, opts.json, res.subscription, (s) => `Renewed ${s.name}: expires ${s.expiresAt ? humanTime(s.expiresAt) : 'never'}.`);
    });

  verb(sub, 'move <name>', "move a subscription with its webspace content to another host (served from the old one until the new one has it all)", [
    'hostplane sub move example.com --host web2.example.net',
    'hostplane sub move example.com --host web2.example.net --allow-unsynced --json',
  ])
    .requiredOption('--host <host>', 'the host to move it to (its agent and the current host\'s must be connected)')
    .option('--allow-unsynced', 'move it even when the new host cannot provide all of its values (it becomes unsynced there)')
    .action(async (name: string, opts: VerbOptions & { host: string; allowUnsynced?: boolean }, cmd: Command) => {
      const api = ctx.api(cmd);
      const pending = api.call('moveSubscription', MoveSubscriptionRequest.fromPartial({ name, host: opts.host, allowUnsynced: opts.allowUnsynced ?? false }), {
        timeoutSeconds: MOVE_TIMEOUT_SECONDS,
      });
      // On a terminal, a bar of how far the content has come (asked of the controller as it goes).
      let moved = '';
      const poll = ctx.io.stderr.isTTY
        ? setInterval(() => {
            api.call('getSubscription', GetSubscriptionRequest.fromPartial({ name }), { timeoutSeconds: 5 }).then(
              (r) => {
                const m = r.subscription?.move;
                if (m) moved = ` ${progressBar(Number(m.bytes), Number(m.expectedBytes), formatSize)}`;
              },
              () => undefined,
            );
          }, 500)
        : undefined;
      let res: Awaited<typeof pending>;
      try {
        res = await withProgress(ctx.io.stderr, () => `Moving ${name} to ${opts.host}${moved}`, pending);
      } finally {
        if (poll) clearInterval(poll);
      }
      const s = present(res.subscription, 'subscription');
      ctx.emit(opts.json, { subscription: subscriptionJson(s), bytes: Number(res.bytes) }, () =>
        `Moved ${displayName(s)} to ${s.host} with its content (${formatSize(Number(res.bytes))} moved); the old host moves its copy aside.\n`,
      );
    });

  verb(sub, 'delete <name>', "delete a subscription; its host's agent removes its configuration", ['hostplane sub delete example.com']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('deleteSubscription', DeleteSubscriptionRequest.fromPartial({ name }));
      ctx.emit(opts.json, { name, deleted: true }, () => `Deleted subscription ${name}.\n`);
    },
  );

}

/** A move carries a whole webspace: its deadline is that of a long transfer, not of a call. */
const MOVE_TIMEOUT_SECONDS = 6 * 3600;

interface ListFlags {
  status?: keyof typeof STATUSES;
  state?: keyof typeof STATES;
  full?: boolean;
}
