/** Finding entities by the names users give, with NOT_FOUND errors that name them. */
import { InvalidArgumentError, NotFoundError } from '@hostplane/shared';
import type { PlanKind } from '../domain/index.js';
import type { CustomerRecord, HostRecord, PlanRecord, ResellerRecord, SubscriptionRecord } from '../store/index.js';
import type { Context } from './context.js';

function required(value: string | undefined, field: string): string {
  if (value === undefined || value.trim() === '') throw new InvalidArgumentError(field, `${field} is required`);
  return value.trim();
}

export function findPlan(ctx: Context, name: string | undefined, field = 'plan'): PlanRecord {
  const n = required(name, field);
  const plan = ctx.plans.byName(n);
  if (!plan) throw new NotFoundError('plan', n);
  return plan;
}

/** A plan of the given kind; a plan of another kind is an INVALID_ARGUMENT naming both. */
export function findPlanOfKind(ctx: Context, name: string | undefined, kind: PlanKind, field: string): PlanRecord {
  const plan = findPlan(ctx, name, field);
  if (plan.kind !== kind) {
    const use = plan.kind === 'addon' ? 'it can only be attached as an add-on' : `it cannot be used as ${kind === 'addon' ? 'an add-on' : `a ${kind} plan`}`;
    throw new InvalidArgumentError(field, `${field}: '${plan.name}' is ${plan.kind === 'addon' ? 'an add-on' : `a ${plan.kind}`} plan; ${use}`);
  }
  return plan;
}

/**
 * A reseller's customers subscribe to that reseller's plans, and the provider's customers to the
 * provider's: a plan of another owner is an INVALID_ARGUMENT naming the field.
 */
export function checkPlanOwner(ctx: Context, plan: PlanRecord, customer: CustomerRecord, field: string): void {
  if (plan.resellerId === customer.resellerId) return;
  const owner = (id: number | null) => (id === null ? 'the provider' : `reseller '${ctx.resellers.byId(id)?.login ?? `#${id}`}'`);
  throw new InvalidArgumentError(
    field,
    `${field}: plan '${plan.name}' belongs to ${owner(plan.resellerId)}; customer '${customer.login}' belongs to ${owner(customer.resellerId)}`,
  );
}

export function findCustomer(ctx: Context, login: string | undefined, field = 'customer'): CustomerRecord {
  const l = required(login, field);
  const customer = ctx.customers.byLogin(l);
  if (!customer) throw new NotFoundError('customer', l);
  return customer;
}

export function findHost(ctx: Context, name: string | undefined, field = 'host'): HostRecord {
  const n = required(name, field).toLowerCase();
  const host = ctx.hosts.byName(n);
  if (!host) throw new NotFoundError('host', n);
  return host;
}

export function findSubscription(ctx: Context, name: string | undefined, field = 'name'): SubscriptionRecord {
  const n = required(name, field).toLowerCase().replace(/\.$/, '');
  const row = ctx.subscriptions.byName(n);
  if (!row) throw new NotFoundError('subscription', n);
  return row;
}

export function findReseller(ctx: Context, login: string | undefined, field = 'reseller'): ResellerRecord {
  const l = required(login, field);
  const reseller = ctx.resellers.byLogin(l);
  if (!reseller) throw new NotFoundError('reseller', l);
  return reseller;
}

/** The reseller named by an optional `reseller` field; null when the field is empty (the provider). */
export function optionalReseller(ctx: Context, login: string | undefined): ResellerRecord | null {
  return login === undefined || login.trim() === '' ? null : findReseller(ctx, login);
}
