import { describe, expect, it } from 'vitest';
import { UNLIMITED, type Values } from '@hostplane/shared';
import { combinePlanValues, startingState, startingValues, type OwnerStates, type StartingState, type StartingValues } from '../../controller/src/domain/index.js';
import { GiB } from './fixtures.js';

const NOW = new Date('2026-01-15T12:00:00Z');
const ACTIVE: OwnerStates = { customerSuspended: false, resellerSuspended: false };
const PLAN = combinePlanValues({ 'limits.disk_space': 10 * GiB, 'hosting.php': true }, []);

describe('startingValues: one row per rule', () => {
  interface Row {
    rule: string;
    plan: Values | null;
    values: Values;
    /** Locked or not, own values, and what it asks for. */
    expected: Pick<StartingValues, 'locked'> & { ownValues: Values | null; requested: Values };
  }
  const ROWS: Row[] = [
    {
      rule: 'on a plan without values: follows its plan, not locked, no own values',
      plan: PLAN,
      values: {},
      expected: { locked: false, ownValues: null, requested: PLAN },
    },
    {
      rule: 'on a plan with values: locked, own values are the plan\'s with the given ones over them',
      plan: PLAN,
      values: { 'limits.disk_space': 20 * GiB },
      expected: { locked: true, ownValues: { ...PLAN, 'limits.disk_space': 20 * GiB }, requested: { ...PLAN, 'limits.disk_space': 20 * GiB } },
    },
    {
      rule: 'custom: never locked, its values are its own values (no defaults added)',
      plan: null,
      values: { 'limits.disk_space': GiB },
      expected: { locked: false, ownValues: { 'limits.disk_space': GiB }, requested: { 'limits.disk_space': GiB } },
    },
    {
      rule: 'custom without values: empty own values',
      plan: null,
      values: {},
      expected: { locked: false, ownValues: {}, requested: {} },
    },
  ];
  it.each(ROWS)('$rule', ({ plan, values, expected }) => {
    const out = startingValues(plan, values);
    expect(out.locked).toBe(expected.locked);
    expect(out.ownValues).toEqual(expected.ownValues);
    expect(out.requestedValues).toEqual(expected.requested);
  });

  it('does not change the plan values or the given values', () => {
    const plan = { ...PLAN };
    const values: Values = { 'limits.disk_space': 20 * GiB };
    startingValues(plan, values);
    expect(plan).toEqual(PLAN);
    expect(values).toEqual({ 'limits.disk_space': 20 * GiB });
  });
});

describe('startingState: one row per rule', () => {
  interface Row {
    rule: string;
    requested?: Values;
    expiresAt?: string;
    owners?: OwnerStates;
    expected: StartingState;
  }
  const ROWS: Row[] = [
    // ---- expiry ----
    { rule: 'no date and no validity: never expires, active', expected: { expiresAt: null, suspensionReasons: [] } },
    { rule: 'no date, unlimited validity: never expires', requested: { 'limits.validity': UNLIMITED }, expected: { expiresAt: null, suspensionReasons: [] } },
    { rule: 'no date: limits.validity from now decides it', requested: { 'limits.validity': '30d' }, expected: { expiresAt: '2026-02-14T12:00:00.000Z', suspensionReasons: [] } },
    { rule: 'a validity in months counts calendar months', requested: { 'limits.validity': '1mo' }, expected: { expiresAt: '2026-02-15T12:00:00.000Z', suspensionReasons: [] } },
    { rule: 'a given date wins over limits.validity', requested: { 'limits.validity': '30d' }, expiresAt: '2027-01-01T00:00:00Z', expected: { expiresAt: '2027-01-01T00:00:00.000Z', suspensionReasons: [] } },
    { rule: 'a given date already past: starts suspended for expired', expiresAt: '2026-01-01T00:00:00Z', expected: { expiresAt: '2026-01-01T00:00:00.000Z', suspensionReasons: ['expired'] } },
    { rule: 'a given date equal to now is past', expiresAt: NOW.toISOString(), expected: { expiresAt: NOW.toISOString(), suspensionReasons: ['expired'] } },

    // ---- owners ----
    { rule: 'a suspended customer: starts suspended for customer', owners: { customerSuspended: true, resellerSuspended: false }, expected: { expiresAt: null, suspensionReasons: ['customer'] } },
    { rule: 'a customer of a suspended reseller: starts suspended for customer', owners: { customerSuspended: false, resellerSuspended: true }, expected: { expiresAt: null, suspensionReasons: ['customer'] } },
    {
      rule: 'past and a suspended customer: both reasons, in canonical order',
      expiresAt: '2026-01-01T00:00:00Z',
      owners: { customerSuspended: true, resellerSuspended: false },
      expected: { expiresAt: '2026-01-01T00:00:00.000Z', suspensionReasons: ['expired', 'customer'] },
    },
  ];
  it.each(ROWS)('$rule', ({ requested = {}, expiresAt, owners = ACTIVE, expected }) => {
    expect(startingState({ requestedValues: requested, expiresAt: expiresAt === undefined ? null : new Date(expiresAt), now: NOW, owners })).toEqual(expected);
  });
});
