/** Subscription lifecycle: create (with placement), show, list, delete. */
import { connectedElsewhere } from './agents.js';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  parseIsoDate,
  parseValues,
  validateDomainName,
  type Values,
} from '@hostplane/shared';
import { choosePlacement, combinePlanValues, startingState, startingValues, takesNewSubscriptions, type SubscriptionState, type SyncStatus } from '../domain/index.js';
import type { HostRecord, SubscriptionData } from '../store/index.js';
import { RevisionBumper, type Context } from './context.js';
import { allocationGuard, customerAllocationGuard } from './allocation.js';
import { checkPlanOwner, findCustomer, findHost, findPlan, findPlanOfKind, findSubscription } from './lookup.js';
import { refresh } from './persist.js';
import { SubscriptionViews, type SubscriptionView } from './views.js';

export interface CreateSubscriptionInput {
  name: string;
  customer: string;
  /** The service plan; omit (with `custom: true`) for a custom subscription. */
  plan?: string;
  custom?: boolean;
  addons?: string[];
  /** Place on this host; without it the controller chooses a ready host that provides every desired value. */
  host?: string;
  /** ISO 8601; without it, `limits.validity` of the desired values decides. */
  expiresAt?: string;
  /** Own values: with a plan they customize it (locked); for a custom subscription they are its values. */
  values?: Record<string, unknown>;
}

/**
 * An expiry date given by a caller (create, renew): an ISO 8601 date (midnight UTC) or date-time with
 * Z or an offset, read by the CLI's parser from shared/; a date of the calendar, later than now.
 */
export function futureExpiry(ctx: Context, raw: string): Date {
  const when = parseIsoDate(raw, 'expiresAt');
  if (when.getTime() <= ctx.clock.now().getTime()) {
    throw new InvalidArgumentError('expiresAt', `expiresAt: ${when.toISOString()} is not in the future`);
  }
  return when;
}

function placeOn(ctx: Context, input: CreateSubscriptionInput, desired: Values): HostRecord {
  if (input.host !== undefined) {
    const host = findHost(ctx, input.host);
    if (!takesNewSubscriptions(host.state)) {
      throw new FailedPreconditionError(`host '${host.name}' is in ${host.state}: it takes no new subscriptions`);
    }
    return host;
  }
  return pickHost(ctx, desired);
}

/**
 * Where placement puts a subscription of these desired values: a ready host whose agent is
 * connected and that can provide them (the one with the most room). `exclude`: a host not to use
 * (the one being drained).
 */
export function pickHost(ctx: Context, desired: Values, exclude?: number): HostRecord {
  const hosts = ctx.hosts.list().filter((h) => h.id !== exclude);
  const allocated = ctx.hosts.allocatedBytes();
  const candidates = hosts.map((h) => ({
    id: h.id,
    name: h.name,
    state: h.state,
    report: h.report,
    allocatedBytes: allocated.get(h.id) ?? 0,
    // Connected here, or to another controller on the same store (as it recorded, lately).
    connected: ctx.agentPresence ? ctx.agentPresence.hasSession(h.id) || connectedElsewhere(ctx, h, ctx.agentPresence.controllerId) : true,
  }));
  const choice = choosePlacement(desired, candidates);
  if (!choice) {
    const gone = candidates.filter((c) => c.state === 'ready' && c.report !== null && !c.connected).map((c) => c.name);
    if (gone.length > 0) {
      throw new FailedPreconditionError(
        `no host whose agent is connected can take the subscription (ready, agent not connected: ${gone.slice(0, 5).join(', ')}${gone.length > 5 ? ', …' : ''}): start its agent, or name a host`,
      );
    }
    throw new FailedPreconditionError('no host is ready to take the subscription: enroll a host or end a maintenance');
  }
  return hosts.find((h) => h.id === choice.host.id)!;
}

export function createSubscription(ctx: Context, input: CreateSubscriptionInput): SubscriptionView {
  return ctx.tx(() => {
    const name = validateDomainName(input.name ?? '', 'name');
    const customer = findCustomer(ctx, input.customer);
    const addonNames = input.addons ?? [];
    if (input.custom && input.plan !== undefined) {
      throw new InvalidArgumentError('plan', 'a subscription has either a plan or is custom, not both');
    }
    if (!input.custom && input.plan === undefined) {
      throw new InvalidArgumentError('plan', 'plan is required (or make the subscription custom)');
    }
    if (input.custom && addonNames.length > 0) {
      throw new FailedPreconditionError(`custom subscription '${name}' cannot have add-ons: add-ons need a service plan`);
    }
    const plan = input.custom ? null : findPlanOfKind(ctx, input.plan, 'service', 'plan');
    const addons = addonNames.map((a) => findPlanOfKind(ctx, a, 'addon', 'addon'));
    if (plan) checkPlanOwner(ctx, plan, customer, 'plan');
    for (const a of addons) checkPlanOwner(ctx, a, customer, 'addon');
    const seen = new Set<number>();
    for (const a of addons) {
      if (seen.has(a.id)) throw new AlreadyExistsError('addon', a.name, `add-on '${a.name}' is given twice: an add-on is attached once`);
      seen.add(a.id);
    }
    const values = parseValues(input.values ?? {}, 'subscription');
    if (ctx.subscriptions.byName(name)) throw new AlreadyExistsError('subscription', name);
    const guard = allocationGuard(ctx, customer.resellerId);
    const reseller = customer.resellerId === null ? undefined : ctx.resellers.byId(customer.resellerId);

    const start = startingValues(plan ? combinePlanValues(plan.values, addons.map((a) => a.values)) : null, values);
    const host = placeOn(ctx, input, start.requestedValues);
    const now = ctx.clock.now();
    const state = startingState({
      requestedValues: start.requestedValues,
      expiresAt: input.expiresAt !== undefined && input.expiresAt !== '' ? futureExpiry(ctx, input.expiresAt) : null,
      now,
      owners: { customerSuspended: customer.state === 'suspended', resellerSuspended: reseller?.state === 'suspended' },
    });

    const d: SubscriptionData = {
      id: 0,
      name,
      customerId: customer.id,
      hostId: host.id,
      planId: plan?.id ?? null,
      addonIds: addons.map((a) => a.id).sort((a, b) => a - b),
      locked: start.locked,
      ownValues: start.ownValues,
      subscriberValues: {},
      providedValues: {},
      conflicts: [],
      syncStatus: 'synced',
      suspensionReasons: state.suspensionReasons,
      expiresAt: state.expiresAt,
      generation: 1,
      revision: 0,
      appliedGeneration: 0,
      applyError: null,
      systemUser: null,
      usage: null,
      overused: false,
      certificate: null,
      createdAt: now.toISOString(),
    };
    refresh(ctx, d);
    d.revision = new RevisionBumper(ctx).revisionFor(host.id);
    ctx.delivery.clearRemoval(name);
    const id = ctx.subscriptions.insert(d, ctx.valueSets.batch(), now.toISOString());
    guard.check();
    ctx.record({
      type: 'subscription.created',
      entity: name,
      data: {
        customer: customer.login,
        plan: plan?.name ?? null,
        addons: addons.map((a) => a.name),
        host: host.name,
        syncStatus: d.syncStatus,
        conflicts: d.conflicts,
      },
    });
    if (d.syncStatus === 'unsynced') ctx.record({ type: 'subscription.unsynced', entity: name, data: { conflicts: d.conflicts } });
    if (d.suspensionReasons.length > 0) ctx.record({ type: 'subscription.suspended', entity: name, data: { reasons: d.suspensionReasons } });
    return new SubscriptionViews(ctx).view(ctx.subscriptions.byId(id)!);
  });
}

export function getSubscription(ctx: Context, name: string): SubscriptionView {
  return new SubscriptionViews(ctx).view(findSubscription(ctx, name));
}

export interface SubscriptionListFilter {
  customer?: string;
  plan?: string;
  host?: string;
  syncStatus?: SyncStatus;
  state?: SubscriptionState;
  /** At most this many (default all). */
  limit?: number;
  /** Continue after this subscription name (keyset paging). */
  after?: string;
  /** Compute plan and desired values (default true); basic listings skip it. */
  withDerived?: boolean;
}

export function listSubscriptions(ctx: Context, filter: SubscriptionListFilter = {}): SubscriptionView[] {
  const rows = ctx.subscriptions.list({
    customerId: filter.customer ? findCustomer(ctx, filter.customer).id : undefined,
    resellerId: ctx.actor.resellerId,
    planId: filter.plan ? findPlan(ctx, filter.plan).id : undefined,
    hostId: filter.host ? findHost(ctx, filter.host).id : undefined,
    syncStatus: filter.syncStatus,
    state: filter.state,
    afterName: filter.after,
    limit: filter.limit,
  });
  const views = new SubscriptionViews(ctx);
  return rows.map((r) => views.view(r, filter.withDerived ?? true));
}

export function deleteSubscription(ctx: Context, name: string): void {
  ctx.tx(() => {
    const row = findSubscription(ctx, name);
    const guard = customerAllocationGuard(ctx, row.customerId);
    ctx.subscriptions.delete(row.id);
    guard.check();
    ctx.delivery.recordRemoval(row.hostId, row.name, new RevisionBumper(ctx).revisionFor(row.hostId));
    ctx.record({ type: 'subscription.deleted', entity: row.name, data: {} });
  });
}
