/**
 * The skeleton every plan or value operation of a subscription runs in (mutateSubscription), on a
 * real SQLite file: its steps in their order — the operation's change, re-evaluation, the
 * operation's event before the transition events, save, and the reseller's allocation checked last
 * — and a refusal at any step leaving the database as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailedPreconditionError } from '@hostplane/shared';
import { mutateSubscription } from '../../controller/src/usecases/mutate-subscription.js';
import { STANDARD, expectRefused, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.createCustomer({ login: 'alice', email: 'alice@example.org' });
  c.createPlan({ name: 'Basic', values: { 'limits.disk_space': '10G', 'hosting.php': 'true' } });
  c.createPlan({ name: 'Miva', values: { 'hosting.miva': 'true' } });
  c.createSubscription({ name: 'example.com', customer: 'alice', plan: 'Basic', host: 'web1.example.net' });
});

afterEach(() => t.close());

const ctx = () => t.core.ctx;
/** The events recorded after `afterId`, as `type entity`. */
const eventsAfter = (afterId: number) => ctx().events.after(afterId, 100).map((e) => `${e.type} ${e.entityName}`);

const refused = (code: string, fn: () => unknown): Error => expectRefused(t, code, fn);

describe('mutateSubscription', () => {
  it('re-evaluates after the change: a plan the host cannot provide ends unsynced, with its conflicts', () => {
    const miva = ctx().plans.byName('Miva')!;
    const view = mutateSubscription(ctx(), 'example.com', ({ d }) => {
      d.planId = miva.id;
      return { update: { operation: 'switch-plan', plan: 'Miva' } };
    });
    expect(view).toMatchObject({ plan: 'Miva', syncStatus: 'unsynced' });
    expect(view.conflicts.map((c) => c.property)).toEqual(['hosting.miva']);
  });

  it("records the operation's event first, then the transition events it caused", () => {
    const last = ctx().events.maxId();
    mutateSubscription(ctx(), 'example.com', ({ d, evaluate }) => {
      d.ownValues = { ...evaluate().desiredValues, 'hosting.php': false };
      d.locked = true;
      return { update: { operation: 'customize', set: ['hosting.php'], unset: [] } };
    });
    expect(eventsAfter(last)).toEqual(['subscription.updated example.com', 'subscription.locked example.com']);
  });

  it('records the event on behalf of whom the operation names', () => {
    const last = ctx().events.maxId();
    mutateSubscription(ctx(), 'example.com', () => ({ update: { operation: 'customize-as-customer', set: [], unset: [] }, onBehalfOf: 'alice' }));
    expect(ctx().events.after(last, 10)).toMatchObject([{ type: 'subscription.updated', onBehalfOf: 'alice', data: { operation: 'customize-as-customer' } }]);
  });

  it('records no operation event when the operation returns none; its transitions still are', () => {
    mutateSubscription(ctx(), 'example.com', ({ d, evaluate }) => {
      d.ownValues = { ...evaluate().desiredValues };
      d.locked = true;
      return undefined;
    });
    expect(eventsAfter(0).slice(-1)).toEqual(['subscription.locked example.com']);
  });

  it('saves with a new generation when what the agent realizes changed, and returns the saved view', () => {
    const before = t.core.getSubscription('example.com');
    const view = mutateSubscription(ctx(), 'example.com', ({ d, evaluate }) => {
      d.ownValues = { ...evaluate().desiredValues, 'limits.disk_space': 5 * 1024 ** 3 };
      d.locked = true;
      return { update: { operation: 'customize', set: ['limits.disk_space'], unset: [] } };
    });
    expect(view.generation).toBe(before.generation + 1);
    expect(view).toEqual(t.core.getSubscription('example.com'));
  });

  it('an operation that refuses after writing changes nothing', () => {
    const extra = t.core.createPlan({ name: 'Extra', kind: 'addon', values: { 'limits.disk_space': '1G' } });
    refused('FAILED_PRECONDITION', () =>
      mutateSubscription(ctx(), 'example.com', ({ d }) => {
        d.locked = true;
        ctx().subscriptions.addAddon(d.id, ctx().plans.byName(extra.name)!.id);
        throw new FailedPreconditionError('refused after writing');
      }),
    );
  });

  it('an unknown subscription is NOT_FOUND, before the operation runs', () => {
    let ran = false;
    refused('NOT_FOUND', () =>
      mutateSubscription(ctx(), 'nope.example', () => {
        ran = true;
        return undefined;
      }),
    );
    expect(ran).toBe(false);
  });

  it("checks the reseller's allocation after saving: a change beyond it is refused and nothing is written", () => {
    t.core.createPlan({ name: 'Reseller S', kind: 'reseller', values: { 'limits.disk_space': '20G', 'reseller.customers': '2', 'reseller.subscriptions': '3' } });
    t.core.createReseller({ login: 'acme', email: 'ops@acme.example', plan: 'Reseller S' });
    t.core.createCustomer({ login: 'bob', email: 'bob@example.org', reseller: 'acme' });
    t.core.createPlan({ name: 'Acme Basic', reseller: 'acme', values: { 'limits.disk_space': '10G' } });
    t.core.createSubscription({ name: 'bob.example', customer: 'bob', plan: 'Acme Basic', host: 'web1.example.net' });
    let ranTo = '';
    refused('RESOURCE_EXHAUSTED', () =>
      mutateSubscription(ctx(), 'bob.example', ({ d, evaluate }) => {
        d.ownValues = { ...evaluate().desiredValues, 'limits.disk_space': 30 * 1024 ** 3 };
        d.locked = true;
        ranTo = 'change';
        return { update: { operation: 'customize', set: ['limits.disk_space'], unset: [] } };
      }),
    );
    expect(ranTo).toBe('change');
  });
});
