/** Admin RPCs for customers: proto ↔ core, nothing else. */
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { CustomerState } from '@hostplane/proto/hostplane/v1/customer.js';
import { customerToProto, enumFilter } from '../convert.js';
import { unary, type ApiDeps } from '../pipeline.js';

type Names = 'createCustomer' | 'getCustomer' | 'listCustomers' | 'suspendCustomer' | 'activateCustomer' | 'deleteCustomer';

export function customerHandlers(deps: ApiDeps): Pick<AdminServer, Names> {
  const { core } = deps;
  return {
    createCustomer: unary(deps, 'CreateCustomer', (req) => ({
      customer: customerToProto(core.createCustomer({ login: req.login, displayName: req.displayName, email: req.email, reseller: req.reseller })),
    })),
    getCustomer: unary(deps, 'GetCustomer', (req) => ({ customer: customerToProto(core.getCustomer(req.login)) })),
    listCustomers: unary(deps, 'ListCustomers', (req) => {
      const state = enumFilter(
        req.state,
        (s) => (s === CustomerState.CUSTOMER_STATE_ACTIVE ? 'active' : s === CustomerState.CUSTOMER_STATE_SUSPENDED ? 'suspended' : undefined),
        'state',
      );
      return { customers: core.listCustomers().filter((c) => !state || c.state === state).map(customerToProto) };
    }),
    suspendCustomer: unary(deps, 'SuspendCustomer', (req) => {
      const c = core.suspendCustomer(req.login);
      return { customer: customerToProto(c), suspendedSubscriptionCount: c.subscriptions };
    }),
    activateCustomer: unary(deps, 'ActivateCustomer', (req) => {
      const c = core.activateCustomer(req.login);
      return { customer: customerToProto(c), activatedSubscriptionCount: c.subscriptions };
    }),
    deleteCustomer: unary(deps, 'DeleteCustomer', (req) => {
      core.deleteCustomer(req.login);
      return {};
    }),
  };
}
