/** Customers: create, show, list, suspend (cascades to subscriptions), activate, delete. */
import { AlreadyExistsError, FailedPreconditionError, validateEmail, validateLogin, validateText } from '@hostplane/shared';
import { RevisionBumper, type Context } from './context.js';
import { allocationGuard } from './allocation.js';
import { findCustomer, optionalReseller } from './lookup.js';
import { applyOwnerStates } from './owner-suspension.js';
import { customerView, resellerLogin, type CustomerView } from './views.js';

export interface CreateCustomerInput {
  login: string;
  displayName?: string;
  email: string;
  /** The reseller that owns the customer; empty: the provider. */
  reseller?: string;
}

export function createCustomer(ctx: Context, input: CreateCustomerInput): CustomerView {
  return ctx.tx(() => {
    const login = validateLogin(input.login ?? '');
    const email = validateEmail(input.email ?? '');
    const displayName = validateText(input.displayName ?? '', 'displayName') || login;
    const reseller = optionalReseller(ctx, input.reseller);
    if (ctx.customers.byLogin(login)) throw new AlreadyExistsError('customer', login);
    const guard = allocationGuard(ctx, reseller?.id);
    const customer = ctx.customers.insert(login, displayName, email, ctx.nowIso(), reseller?.id ?? null);
    guard.check();
    ctx.record({ type: 'customer.created', entity: login, data: reseller ? { reseller: reseller.login } : {} });
    return customerView(customer, 0, reseller?.login ?? null);
  });
}

export function getCustomer(ctx: Context, login: string): CustomerView {
  const c = findCustomer(ctx, login, 'login');
  return customerView(c, ctx.customers.subscriptionCount(c.id), resellerLogin(ctx, c.resellerId));
}

export function listCustomers(ctx: Context): CustomerView[] {
  const scope = ctx.actor.resellerId;
  return ctx.customers.list().filter((c) => scope === undefined || c.resellerId === scope).map((c) => customerView(c, ctx.customers.subscriptionCount(c.id), resellerLogin(ctx, c.resellerId)));
}

function setCustomerSuspended(ctx: Context, login: string, suspended: boolean): CustomerView {
  return ctx.tx(() => {
    const c = findCustomer(ctx, login, 'login');
    ctx.customers.setState(c.id, suspended ? 'suspended' : 'active');
    if (c.state !== (suspended ? 'suspended' : 'active')) ctx.record({ type: suspended ? 'customer.suspended' : 'customer.activated', entity: c.login, data: {} });
    const resellerSuspended = c.resellerId !== null && ctx.resellers.byId(c.resellerId)?.state === 'suspended';
    const count = applyOwnerStates(ctx, c.id, { customerSuspended: suspended, resellerSuspended }, new RevisionBumper(ctx));
    return customerView(ctx.customers.byId(c.id)!, count, resellerLogin(ctx, c.resellerId));
  });
}

/** Suspends the customer and each of its subscriptions (reason `customer`). */
export function suspendCustomer(ctx: Context, login: string): CustomerView {
  return setCustomerSuspended(ctx, login, true);
}

/** Activates the customer: removes only the `customer` reason; individual suspensions survive. */
export function activateCustomer(ctx: Context, login: string): CustomerView {
  return setCustomerSuspended(ctx, login, false);
}

/** Deletes a customer that has no subscriptions left. */
export function deleteCustomer(ctx: Context, login: string): void {
  ctx.tx(() => {
    const c = findCustomer(ctx, login, 'login');
    const n = ctx.customers.subscriptionCount(c.id);
    if (n > 0) throw new FailedPreconditionError(`customer '${c.login}' still has ${n} subscription(s): delete them first`);
    const guard = allocationGuard(ctx, c.resellerId);
    ctx.customers.delete(c.id);
    guard.check();
    ctx.record({ type: 'customer.deleted', entity: c.login, data: {} });
  });
}
