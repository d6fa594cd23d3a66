/**
 * Reseller accounts — a reseller owns customers and plans, capped by a reseller plan: create, show,
 * list, suspend, activate, delete, switch plan, and the sync rules of subscriptions applied to
 * resellers — customize (locked), unlock, sync and accept.
 */
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  applyChanges,
  parseChanges,
  validateEmail,
  validateLogin,
  validateText,
  type Values,
} from '@hostplane/shared';
import { conflictsFingerprint, resellerValues, type Conflict, type ResellerSyncStatus } from '../domain/index.js';
import type { ResellerRecord } from '../store/index.js';
import { allocationFor, evaluateResellerRecord, refreshReseller } from './allocation.js';
import { RevisionBumper, type Context } from './context.js';
import { findPlanOfKind, findReseller } from './lookup.js';
import { applyOwnerStates } from './owner-suspension.js';
import { reevaluateRows } from './reevaluate.js';

export interface ResellerView {
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly plan: string;
  readonly state: 'active' | 'suspended';
  readonly syncStatus: ResellerSyncStatus;
  /** The reseller plan's values with defaults (totals, permissions, oversell). */
  readonly planValues: Values;
  /** Own values when locked (Customize or Accept); null otherwise. */
  readonly ownValues: Values | null;
  /** What caps the reseller: own values when locked, else the plan values. */
  readonly effectiveValues: Values;
  /** What the reseller has allocated: sums over its customers' subscriptions, and counts. */
  readonly allocation: Values;
  readonly conflicts: Conflict[];
  readonly customers: number;
  readonly plans: number;
  readonly subscriptions: number;
  readonly createdAt: string;
}

export function resellerView(ctx: Context, r: ResellerRecord): ResellerView {
  const allocation = allocationFor(ctx, r.id);
  const e = evaluateResellerRecord(ctx, r, allocation);
  const counts = ctx.resellers.counts(r.id);
  return {
    login: r.login,
    displayName: r.displayName,
    email: r.email,
    plan: e.plan.name,
    state: r.state,
    syncStatus: r.syncStatus,
    planValues: resellerValues(e.plan.values),
    ownValues: r.ownValues,
    effectiveValues: e.effectiveValues,
    allocation,
    conflicts: r.conflicts,
    customers: counts.customers,
    plans: counts.plans,
    subscriptions: counts.subscriptions,
    createdAt: r.createdAt,
  };
}

export interface CreateResellerInput {
  login: string;
  displayName?: string;
  email: string;
  plan: string;
}

export function createReseller(ctx: Context, input: CreateResellerInput): ResellerView {
  return ctx.tx(() => {
    const login = validateLogin(input.login ?? '');
    const email = validateEmail(input.email ?? '');
    const displayName = validateText(input.displayName ?? '', 'displayName') || login;
    const plan = findPlanOfKind(ctx, input.plan, 'reseller', 'plan');
    if (ctx.resellers.byLogin(login)) throw new AlreadyExistsError('reseller', login);
    const r = ctx.resellers.insert(login, displayName, email, plan.id, { planId: plan.id, locked: false, ownValues: null, syncStatus: 'synced', conflicts: [] }, ctx.nowIso());
    ctx.record({ type: 'reseller.created', entity: login, data: { plan: plan.name } });
    return resellerView(ctx, r);
  });
}

export function getReseller(ctx: Context, login: string): ResellerView {
  return resellerView(ctx, findReseller(ctx, login, 'login'));
}

export function listResellers(ctx: Context): ResellerView[] {
  return ctx.resellers.list().map((r) => resellerView(ctx, r));
}

/** Re-evaluates the subscriptions of a reseller's customers (its permission cap changed). */
function reevaluateResellerSubscriptions(ctx: Context, resellerId: number): void {
  reevaluateRows(ctx, ctx.subscriptions.bulkByReseller(resellerId), new RevisionBumper(ctx), { skipLocked: false });
}

function setResellerSuspended(ctx: Context, login: string, suspended: boolean): ResellerView {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const state = suspended ? 'suspended' : 'active';
    if (r.state === state) return resellerView(ctx, r);
    ctx.resellers.setState(r.id, state, ctx.nowIso());
    ctx.record({ type: suspended ? 'reseller.suspended' : 'reseller.activated', entity: r.login, data: {} });
    const bumper = new RevisionBumper(ctx);
    for (const customerId of ctx.resellers.customerIds(r.id)) {
      const customerSuspended = ctx.customers.byId(customerId)!.state === 'suspended';
      applyOwnerStates(ctx, customerId, { customerSuspended, resellerSuspended: suspended }, bumper);
    }
    return resellerView(ctx, ctx.resellers.byId(r.id)!);
  });
}

/** Suspends the reseller: every subscription of its customers gets the reason `customer`. */
export function suspendReseller(ctx: Context, login: string): ResellerView {
  return setResellerSuspended(ctx, login, true);
}

/** Activates the reseller: removes the reason `customer`, except from customers suspended themselves. */
export function activateReseller(ctx: Context, login: string): ResellerView {
  return setResellerSuspended(ctx, login, false);
}

/** Deletes a reseller that owns no customers and no plans. */
export function deleteReseller(ctx: Context, login: string): void {
  ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const { customers, plans } = ctx.resellers.counts(r.id);
    if (customers > 0 || plans > 0) {
      throw new FailedPreconditionError(`reseller '${r.login}' still owns ${customers} customer(s) and ${plans} plan(s): delete them first`);
    }
    ctx.tokens.deleteResellerTokens(r.id); // its tokens go with it
    ctx.resellers.delete(r.id);
    ctx.record({ type: 'reseller.deleted', entity: r.login, data: {} });
  });
}

/**
 * Switches the reseller to another reseller plan: own values dropped, it follows the new plan, and
 * ends unsynced when its current allocation exceeds it (without oversell) — as a plan change does.
 */
export function switchResellerPlan(ctx: Context, login: string, planName: string): ResellerView {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const plan = findPlanOfKind(ctx, planName, 'reseller', 'plan');
    refreshReseller(ctx, r, { planId: plan.id, locked: false, ownValues: null });
    ctx.record({ type: 'reseller.updated', entity: r.login, data: { operation: 'switch-plan', plan: plan.name } });
    reevaluateResellerSubscriptions(ctx, r.id);
    return resellerView(ctx, ctx.resellers.byId(r.id)!);
  });
}

export interface CustomizeResellerInput {
  set?: Record<string, unknown>;
  unset?: string[];
}

/** Customize: own values (the plan's, changed) and the reseller is locked. */
export function customizeReseller(ctx: Context, login: string, input: CustomizeResellerInput): ResellerView {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const changes = parseChanges(input, 'reseller', { required: true });
    const own = applyChanges(evaluateResellerRecord(ctx, r, {}).effectiveValues, changes);
    refreshReseller(ctx, r, { locked: true, ownValues: own });
    ctx.record({ type: 'reseller.updated', entity: r.login, data: { operation: 'customize', set: Object.keys(changes.set), unset: changes.unset } });
    reevaluateResellerSubscriptions(ctx, r.id);
    return resellerView(ctx, ctx.resellers.byId(r.id)!);
  });
}

/** Unlock and Sync: drop own values and follow the reseller plan again; may end unsynced. */
export function unlockReseller(ctx: Context, login: string): ResellerView {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    if (!r.locked) {
      throw new FailedPreconditionError(`reseller '${r.login}' is not locked: there is nothing to unlock ('hostplane reseller sync ${r.login}' checks it again)`);
    }
    refreshReseller(ctx, r, { locked: false, ownValues: null });
    reevaluateResellerSubscriptions(ctx, r.id);
    return resellerView(ctx, ctx.resellers.byId(r.id)!);
  });
}

export interface ResellerSyncReport {
  readonly login: string;
  readonly syncStatus: ResellerSyncStatus;
  /** {property, planValue, availableValue = currently allocated}; empty when synced. */
  readonly conflicts: readonly Conflict[];
  readonly fingerprint: string;
}

/** Sync: re-evaluates the reseller against its plan and returns the conflict report. */
export function syncReseller(ctx: Context, login: string): ResellerSyncReport {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const { syncStatus, conflicts } = refreshReseller(ctx, r);
    return { login: r.login, syncStatus, conflicts, fingerprint: conflictsFingerprint(conflicts) };
  });
}

/** Accept: the reported totals take their allocated values as own values, and the reseller is locked. */
export function acceptResellerValues(ctx: Context, login: string, fingerprint: string): ResellerView {
  return ctx.tx(() => {
    const r = findReseller(ctx, login, 'login');
    const allocation = allocationFor(ctx, r.id);
    const e = evaluateResellerRecord(ctx, r, allocation);
    if (!fingerprint) throw new InvalidArgumentError('fingerprint', 'fingerprint is required: take it from the sync report');
    if (e.conflicts.length === 0) throw new FailedPreconditionError(`reseller '${r.login}' has no conflicts to accept`);
    if (conflictsFingerprint(e.conflicts) !== fingerprint) {
      throw new FailedPreconditionError(`the conflicts of reseller '${r.login}' changed since the report: run sync again and review them`);
    }
    const own = { ...e.effectiveValues };
    for (const c of e.conflicts) if (c.availableValue !== null) own[c.property] = c.availableValue;
    refreshReseller(ctx, r, { locked: true, ownValues: own }, allocation);
    ctx.record({ type: 'reseller.updated', entity: r.login, data: { operation: 'accept', properties: e.conflicts.map((c) => c.property) } });
    return resellerView(ctx, ctx.resellers.byId(r.id)!);
  });
}

/** Update & Sync of a reseller plan: every reseller on it that is not locked follows it. */
export function syncResellersOfPlan(ctx: Context, planId: number): { synced: number; unsynced: { name: string; conflicts: readonly Conflict[] }[]; skippedLocked: string[] } {
  let synced = 0;
  const unsynced: { name: string; conflicts: readonly Conflict[] }[] = [];
  const skippedLocked: string[] = [];
  for (const r of ctx.resellers.byPlan(planId)) {
    if (r.locked) {
      skippedLocked.push(r.login);
      continue;
    }
    const out = refreshReseller(ctx, r);
    if (out.syncStatus === 'synced') synced++;
    else unsynced.push({ name: r.login, conflicts: out.conflicts });
    reevaluateResellerSubscriptions(ctx, r.id);
  }
  return { synced, unsynced, skippedLocked };
}
