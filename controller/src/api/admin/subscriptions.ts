/** Admin RPCs for subscriptions: proto ↔ core, nothing else. */
import { FailedPreconditionError, InvalidArgumentError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { SubscriptionView as ProtoView } from '@hostplane/proto/hostplane/v1/subscription.js';
import { conflictsFingerprint } from '../../domain/index.js';
import type { MovePlan, SubscriptionView } from '../../usecases/index.js';
import { conflictToProto, enumFilter, requestValues, subscriptionStateFromProto, subscriptionToProto, syncStatusFromProto } from '../convert.js';
import { unary, type ApiDeps } from '../pipeline.js';

type Names =
  | 'createSubscription'
  | 'getSubscription'
  | 'listSubscriptions'
  | 'syncSubscription'
  | 'acceptAvailableValues'
  | 'customizeSubscription'
  | 'unlockSubscription'
  | 'switchSubscriptionPlan'
  | 'detachSubscription'
  | 'addSubscriptionAddon'
  | 'removeSubscriptionAddon'
  | 'suspendSubscription'
  | 'activateSubscription'
  | 'renewSubscription'
  | 'deleteSubscription'
  | 'moveSubscription';

const DEFAULT_PAGE = 1000;
const MAX_PAGE = 5000;

/**
 * Moves one subscription: its content first (served from the source meanwhile), then the switch.
 * A switch that fails leaves the target's staged copy discarded (never adopted later). The relay
 * refuses more than twice the webspace's measured size (a sparse file, a hostile source).
 */
export async function moveOne(deps: ApiDeps, plan: MovePlan): Promise<{ subscription: ReturnType<typeof one>['subscription']; bytes: string }> {
  const agents = deps.agents!;
  const measured = deps.core.getSubscription(plan.name).usage?.diskBytes;
  const limit = measured ? 2 * measured + 64 * 1024 * 1024 : undefined;
  const { bytes, moveId } = await agents.moveContent(plan.name, plan.source, plan.target, limit);
  try {
    return { ...one(deps.core.completeMove(plan, bytes)), bytes: String(bytes) };
  } catch (err) {
    agents.discardMove(moveId, plan.target);
    throw err;
  }
}

const one = (s: SubscriptionView) => ({ subscription: subscriptionToProto(s, conflictsFingerprint(s.conflicts)) });

function decodePageToken(token: string): string | undefined {
  if (!token) return undefined;
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!name || Buffer.from(name, 'utf8').toString('base64url') !== token) throw new InvalidArgumentError('pageToken', 'pageToken: not a token from a previous page');
  return name;
}

export function subscriptionHandlers(deps: ApiDeps): Pick<AdminServer, Names> {
  const { core } = deps;
  return {
    createSubscription: unary(deps, 'CreateSubscription', (req) =>
      one(
        core.createSubscription({
          name: req.name,
          customer: req.customer,
          plan: req.plan || undefined,
          custom: req.custom,
          addons: req.addons,
          host: req.host || undefined,
          expiresAt: req.expiresAt?.toISOString(),
          values: requestValues(req.values, 'values'),
        }),
      ),
    ),
    getSubscription: unary(deps, 'GetSubscription', (req) => {
      const view = core.getSubscription(req.name);
      const res = one(view);
      // A move under way shows how far its content has come (what `sub move` draws its bar from).
      const moving = deps.agents?.moveProgress(view.name);
      if (moving) res.subscription.move = { to: moving.to, bytes: String(moving.bytes), expectedBytes: String(view.usage?.diskBytes ?? 0) };
      return res;
    }),
    listSubscriptions: unary(deps, 'ListSubscriptions', (req) => {
      if (req.pageSize < 0) throw new InvalidArgumentError('pageSize', `pageSize: ${req.pageSize} is negative`);
      const size = Math.min(req.pageSize || DEFAULT_PAGE, MAX_PAGE);
      const state = enumFilter(req.state, subscriptionStateFromProto, 'state');
      const full = req.view === ProtoView.SUBSCRIPTION_VIEW_FULL;
      const items = core.listSubscriptions({
        customer: req.customer || undefined,
        plan: req.plan || undefined,
        host: req.host || undefined,
        syncStatus: enumFilter(req.syncStatus, syncStatusFromProto, 'syncStatus'),
        state,
        after: decodePageToken(req.pageToken),
        limit: size + 1,
        withDerived: full,
      });
      const page = items.slice(0, size);
      return {
        subscriptions: page.map((s) => subscriptionToProto(s, conflictsFingerprint(s.conflicts), full)),
        nextPageToken: items.length > size ? Buffer.from(page.at(-1)!.name, 'utf8').toString('base64url') : '',
      };
    }),
    syncSubscription: unary(deps, 'SyncSubscription', (req) => {
      const report = core.syncSubscription(req.name);
      const s = core.getSubscription(report.name);
      // Sync also retries the host side now: the agent re-applies a fresh snapshot, so an
      // apply error does not wait for the agent's backoff.
      deps.agents?.resync(s.host);
      return { subscription: subscriptionToProto(s, report.fingerprint), conflicts: report.conflicts.map(conflictToProto), fingerprint: report.fingerprint };
    }),
    acceptAvailableValues: unary(deps, 'AcceptAvailableValues', (req) => one(core.acceptConflicts(req.name, req.fingerprint))),
    customizeSubscription: unary(deps, 'CustomizeSubscription', (req) =>
      one(core.customizeSubscription(req.name, { set: requestValues(req.set, 'set'), unset: req.unset, asCustomer: req.asCustomer })),
    ),
    unlockSubscription: unary(deps, 'UnlockSubscription', (req) => one(core.unlockSubscription(req.name))),
    switchSubscriptionPlan: unary(deps, 'SwitchSubscriptionPlan', (req) => one(core.switchPlan(req.name, req.plan, req.dryRun))),
    detachSubscription: unary(deps, 'DetachSubscription', (req) => one(core.detachSubscription(req.name))),
    addSubscriptionAddon: unary(deps, 'AddSubscriptionAddon', (req) => one(core.addAddon(req.name, req.addon))),
    removeSubscriptionAddon: unary(deps, 'RemoveSubscriptionAddon', (req) => one(core.removeAddon(req.name, req.addon))),
    suspendSubscription: unary(deps, 'SuspendSubscription', (req) => one(core.suspendSubscription(req.name))),
    activateSubscription: unary(deps, 'ActivateSubscription', (req) => one(core.activateSubscription(req.name))),
    renewSubscription: unary(deps, 'RenewSubscription', (req) => {
      if (!req.expiresAt) throw new InvalidArgumentError('expiresAt', 'expiresAt is required');
      return one(core.renewSubscription(req.name, req.expiresAt.toISOString()));
    }),
    deleteSubscription: unary(deps, 'DeleteSubscription', (req) => {
      core.deleteSubscription(req.name);
      return {};
    }),
    moveSubscription: unary(deps, 'MoveSubscription', async (req) => {
      const plan = core.planMove(req.name, req.host, req.allowUnsynced);
      if (!deps.agents) throw new FailedPreconditionError('this controller has no agent sessions: a move needs the source and target agents connected');
      // The content first (the site is served from the source meanwhile), then the switch.
      return { ...(await moveOne(deps, plan)), };
    }),
  };
}
