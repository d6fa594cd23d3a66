/**
 * What a reseller token may do on the Admin API: the plan, customer and subscription RPCs and
 * GetReseller, on the reseller's own entities only (another owner's answers NOT_FOUND, like a missing one). Creations are
 * made on the reseller's behalf (its customers, its service and add-on plans). Listings are
 * filtered by the use cases through the acting principal (`Actor.resellerId`).
 */
import { NotFoundError, PermissionDeniedError } from '@hostplane/shared';
import type { Context } from './context.js';
import type { ResellerRecord } from '../store/index.js';

/** Checks (and may complete) a reseller's request; throws PermissionDeniedError. */
type Check = (ctx: Context, reseller: ResellerRecord, request: Record<string, unknown>) => void;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * Another owner's entity answers exactly like a missing one: a reseller cannot even learn that a
 * name is taken by another tenant.
 */
function hidden(kind: 'plan' | 'customer' | 'subscription' | 'reseller', name: string): never {
  throw new NotFoundError(kind, name);
}

const ownPlan =
  (field: string): Check =>
  (ctx, r, req) => {
    const name = str(req[field]);
    const plan = name ? ctx.plans.byName(name) : undefined;
    if (plan && plan.resellerId !== r.id) hidden('plan', plan.name);
  };

const ownCustomer =
  (field: string): Check =>
  (ctx, r, req) => {
    const login = str(req[field]);
    const customer = login ? ctx.customers.byLogin(login) : undefined;
    if (customer && customer.resellerId !== r.id) hidden('customer', customer.login);
  };

const ownSubscription: Check = (ctx, r, req) => {
  const name = str(req['name']).toLowerCase().replace(/\.$/, '');
  const row = name ? ctx.subscriptions.byName(name) : undefined;
  if (row && ctx.customers.byId(row.customerId)?.resellerId !== r.id) hidden('subscription', row.name);
};

const all =
  (...checks: Check[]): Check =>
  (ctx, r, req) => {
    for (const c of checks) c(ctx, r, req);
  };

/** Created on the reseller's behalf: `reseller` must be empty or its own login, and becomes it. */
const onBehalf: Check = (_ctx, r, req) => {
  const given = str(req['reseller']);
  if (given && given !== r.login) hidden('reseller', given);
  req['reseller'] = r.login;
};

const none: Check = () => {};

/** The RPCs a reseller token may call, each with its ownership check. */
export const RESELLER_RPCS: Readonly<Record<string, Check>> = {
  CreatePlan: (ctx, r, req) => {
    if (req['kind'] === 3) throw new PermissionDeniedError(`reseller '${r.login}' may not create reseller plans`);
    onBehalf(ctx, r, req);
  },
  UpdatePlan: ownPlan('name'),
  GetPlan: ownPlan('name'),
  ListPlans: none,
  DeletePlan: ownPlan('name'),
  CreateCustomer: onBehalf,
  GetCustomer: ownCustomer('login'),
  ListCustomers: none,
  SuspendCustomer: ownCustomer('login'),
  ActivateCustomer: ownCustomer('login'),
  DeleteCustomer: ownCustomer('login'),
  CreateSubscription: all(ownCustomer('customer'), ownPlan('plan')),
  GetSubscription: ownSubscription,
  ListSubscriptions: all(ownCustomer('customer'), ownPlan('plan')),
  SyncSubscription: ownSubscription,
  AcceptAvailableValues: ownSubscription,
  CustomizeSubscription: ownSubscription,
  UnlockSubscription: ownSubscription,
  SwitchSubscriptionPlan: all(ownSubscription, ownPlan('plan')),
  DetachSubscription: ownSubscription,
  AddSubscriptionAddon: all(ownSubscription, ownPlan('addon')),
  RemoveSubscriptionAddon: ownSubscription,
  SuspendSubscription: ownSubscription,
  ActivateSubscription: ownSubscription,
  RenewSubscription: ownSubscription,
  DeleteSubscription: ownSubscription,
  WhoAmI: none,
  GetReseller: (_ctx, r, req) => {
    if (str(req['login']) !== r.login) hidden('reseller', str(req['login']));
  },
};

/**
 * Authorizes a reseller's call of `method`: returns the reseller, after the ownership check (which
 * may complete the request). PERMISSION_DENIED for any other RPC or another owner's entity.
 */
export function authorizeReseller(ctx: Context, login: string | null, method: string, request: unknown): ResellerRecord {
  const reseller = login ? ctx.resellers.byLogin(login) : undefined;
  if (!reseller) throw new PermissionDeniedError(`the reseller of this token ('${login ?? ''}') no longer exists`);
  const check = RESELLER_RPCS[method];
  if (!check) throw new PermissionDeniedError(`a reseller token may not call ${method}`);
  check(ctx, reseller, request as Record<string, unknown>);
  return reseller;
}
