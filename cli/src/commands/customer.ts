/**
 * `hostplane customer create|show|list|suspend|activate|delete`: the owners of subscriptions.
 * Suspending a customer suspends its subscriptions (reason `customer`); activating it removes that
 * reason only, so subscriptions suspended for another reason stay suspended.
 */
import { Option, type Command } from 'commander';
import {
  ActivateCustomerRequest,
  CreateCustomerRequest,
  CustomerState,
  DeleteCustomerRequest,
  GetCustomerRequest,
  ListCustomersRequest,
  SuspendCustomerRequest,
  type Customer,
} from '@hostplane/proto/hostplane/v1/customer.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { present } from '../errors.js';
import { humanTime, plural, renderFields, renderList } from '../output.js';
import { customerJson, customerStateWord } from '../shapes.js';

const STATES = { active: CustomerState.CUSTOMER_STATE_ACTIVE, suspended: CustomerState.CUSTOMER_STATE_SUSPENDED } as const;

export function renderCustomer(c: Customer): string {
  return renderFields([
    ['Customer', c.login],
    ['Name', c.displayName],
    ['Email', c.email || '-'],
    ['State', customerStateWord(c.state)],
    ['Reseller', c.reseller],
    ['Subscriptions', String(c.subscriptionCount)],
    ['Created', c.createdAt ? humanTime(c.createdAt) : undefined],
  ]);
}

export function registerCustomer(program: Command, ctx: Context): void {
  const customer = group(program, 'customer', 'customers: the owners of subscriptions', [
    'hostplane customer list',
    'hostplane customer suspend alice',
  ]);

  verb(customer, 'create <login>', 'create a customer (active)', [
    "hostplane customer create alice --name 'Alice Martin' --email alice@example.com",
  ])
    .option('--name <display name>', 'the name shown to people (default: the login)')
    .requiredOption('--email <address>', 'contact e-mail address (required)')
    .option('--reseller <login>', 'the reseller that owns the customer (default: the provider)')
    .action(async (login: string, opts: VerbOptions & { name?: string; email?: string; reseller?: string }, cmd: Command) => {
      const request = CreateCustomerRequest.fromPartial({ login, displayName: opts.name ?? '', email: opts.email ?? '', reseller: opts.reseller });
      const created = present((await ctx.api(cmd).call('createCustomer', request)).customer, 'customer');
      ctx.emit(opts.json, customerJson(created), () => `Created customer ${created.login}.\n`);
    });

  verb(customer, 'show <login>', 'show a customer', ['hostplane customer show alice']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      const found = present((await ctx.api(cmd).call('getCustomer', GetCustomerRequest.fromPartial({ login }))).customer, 'customer');
      ctx.emit(opts.json, customerJson(found), () => renderCustomer(found));
    },
  );

  verb(customer, 'list', 'list customers, ordered by login', ['hostplane customer list', 'hostplane customer list --state suspended --json'])
    .addOption(new Option('--state <state>', 'only customers in this state').choices(Object.keys(STATES)))
    .action(async (opts: VerbOptions & { state?: keyof typeof STATES }, cmd: Command) => {
      const state = opts.state ? STATES[opts.state] : CustomerState.CUSTOMER_STATE_UNSPECIFIED;
      const { customers } = await ctx.api(cmd).call('listCustomers', ListCustomersRequest.fromPartial({ state }));
      ctx.emit(opts.json, { customers: customers.map(customerJson) }, () =>
        renderList(
          ['login', 'name', 'email', 'state', 'subscriptions'],
          customers.map((c) => [c.login, c.displayName, c.email || '-', customerStateWord(c.state), String(c.subscriptionCount)]),
          'No customers.',
        ),
      );
    });

  verb(customer, 'suspend <login>', "suspend a customer and its subscriptions (reason 'customer')", ['hostplane customer suspend alice']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('suspendCustomer', SuspendCustomerRequest.fromPartial({ login }));
      const c = present(res.customer, 'customer');
      ctx.emit(
        opts.json,
        { customer: customerJson(c), suspendedSubscriptionCount: res.suspendedSubscriptionCount },
        () => `Suspended customer ${c.login}: ${plural(res.suspendedSubscriptionCount, 'subscription')} suspended.\n`,
      );
    },
  );

  verb(customer, 'activate <login>', "activate a customer: removes the reason 'customer' from its subscriptions", [
    'hostplane customer activate alice',
  ]).action(async (login: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('activateCustomer', ActivateCustomerRequest.fromPartial({ login }));
    const c = present(res.customer, 'customer');
    ctx.emit(
      opts.json,
      { customer: customerJson(c), activatedSubscriptionCount: res.activatedSubscriptionCount },
      () =>
        `Activated customer ${c.login}: ${plural(res.activatedSubscriptionCount, 'subscription')} active again` +
        ' (subscriptions suspended for another reason stay suspended).\n',
    );
  });

  verb(customer, 'delete <login>', 'delete a customer that has no subscriptions', ['hostplane customer delete alice']).action(
    async (login: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('deleteCustomer', DeleteCustomerRequest.fromPartial({ login }));
      ctx.emit(opts.json, { login, deleted: true }, () => `Deleted customer ${login}.\n`);
    },
  );
}
