/** The pure diff between desired and applied state, the delta merge, and their invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Values } from '@hostplane/shared';
import {
  applyDelta,
  applyDiff,
  desiredMap,
  diff,
  isEmptyDiff,
  sameValues,
  type AppliedState,
  type AppliedSubscription,
  type DesiredSubscription,
  type SubscriptionContent,
} from '../../../agent/src/realize/index.js';

const sub = (name: string, generation = 1, values: Values = {}, state: 'active' | 'suspended' = 'active'): DesiredSubscription => ({
  name,
  generation,
  state,
  values,
});
const applied = (revision: number, subs: DesiredSubscription[]): AppliedState => ({
  revision,
  subscriptions: new Map(subs.map((s): [string, AppliedSubscription] => [s.name, { generation: s.generation, state: s.state, values: s.values, files: [] }])),
});
const names = (subs: readonly { name: string }[]) => subs.map((s) => s.name);

describe('diff', () => {
  const php82 = { 'hosting.php': true, 'hosting.php_version': '8.2' };
  const table: { case: string; desired: DesiredSubscription[]; applied: DesiredSubscription[]; expected: Record<'create' | 'update' | 'remove' | 'unchanged', string[]> }[] = [
    { case: 'nothing desired, nothing applied', desired: [], applied: [], expected: { create: [], update: [], remove: [], unchanged: [] } },
    { case: 'a new subscription is created', desired: [sub('a.com')], applied: [], expected: { create: ['a.com'], update: [], remove: [], unchanged: [] } },
    { case: 'an applied one no longer desired is removed', desired: [], applied: [sub('a.com')], expected: { create: [], update: [], remove: ['a.com'], unchanged: [] } },
    { case: 'same generation, state and values: unchanged', desired: [sub('a.com', 3, php82)], applied: [sub('a.com', 3, php82)], expected: { create: [], update: [], remove: [], unchanged: ['a.com'] } },
    { case: 'values in another key order: unchanged', desired: [sub('a.com', 3, { 'hosting.php_version': '8.2', 'hosting.php': true })], applied: [sub('a.com', 3, php82)], expected: { create: [], update: [], remove: [], unchanged: ['a.com'] } },
    { case: 'a new generation is an update', desired: [sub('a.com', 4, php82)], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    { case: 'an older generation is an update too (desired is the truth)', desired: [sub('a.com', 2, php82)], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    { case: 'same generation, another value: update', desired: [sub('a.com', 3, { ...php82, 'hosting.php_version': '8.3' })], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    { case: 'same generation, a key added: update', desired: [sub('a.com', 3, { ...php82, 'php.memory_limit': 268435456 })], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    { case: 'same generation, a key dropped: update', desired: [sub('a.com', 3, { 'hosting.php': true })], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    { case: 'suspension is an update', desired: [sub('a.com', 3, php82, 'suspended')], applied: [sub('a.com', 3, php82)], expected: { create: [], update: ['a.com'], remove: [], unchanged: [] } },
    {
      case: 'all four at once, each bucket sorted by name',
      desired: [sub('d.com'), sub('c.com', 2), sub('b.com'), sub('e.com')],
      applied: [sub('a.com'), sub('b.com'), sub('c.com'), sub('z.com')],
      expected: { create: ['d.com', 'e.com'], update: ['c.com'], remove: ['a.com', 'z.com'], unchanged: ['b.com'] },
    },
  ];
  it.each(table)('$case', ({ desired, applied: was, expected }) => {
    const d = diff(desiredMap(desired), applied(7, was));
    expect({ create: names(d.create), update: names(d.update), remove: d.remove, unchanged: names(d.unchanged) }).toEqual(expected);
    expect(isEmptyDiff(d)).toBe(expected.create.length + expected.update.length + expected.remove.length === 0);
  });

  it('carries the desired subscriptions themselves', () => {
    const wanted = sub('a.com', 5, { 'hosting.ssl': true });
    const d = diff(desiredMap([wanted]), applied(1, [sub('a.com', 4)]));
    expect(d.update[0]).toBe(wanted);
  });

  it('is pure: its inputs are left as they were', () => {
    const desired = desiredMap([sub('a.com', 2), sub('b.com')]);
    const was = applied(1, [sub('a.com'), sub('c.com')]);
    const before = JSON.stringify([[...desired], [...was.subscriptions]]);
    diff(desired, was);
    expect(JSON.stringify([[...desired], [...was.subscriptions]])).toBe(before);
  });
});

describe('sameValues', () => {
  it.each([
    [{}, {}, true],
    [{ a: 1 }, { a: 1 }, true],
    [{ a: 1, b: 'x' }, { b: 'x', a: 1 }, true],
    [{ a: 1 }, { a: '1' }, false],
    [{ a: true }, { a: 1 }, false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1, c: 2 }, false],
  ] as [Values, Values, boolean][])('%j vs %j → %s', (a, b, same) => {
    expect(sameValues(a, b)).toBe(same);
    expect(sameValues(b, a)).toBe(same);
  });
});

describe('applyDelta', () => {
  const start = desiredMap([sub('a.com'), sub('b.com'), sub('c.com')]);

  it.each([
    { case: 'an upsert adds a subscription', delta: { revision: 2, upserts: [sub('d.com')], removals: [] }, expected: ['a.com:1', 'b.com:1', 'c.com:1', 'd.com:1'] },
    { case: 'an upsert replaces one', delta: { revision: 2, upserts: [sub('b.com', 2)], removals: [] }, expected: ['a.com:1', 'b.com:2', 'c.com:1'] },
    { case: 'a removal drops one', delta: { revision: 2, upserts: [], removals: ['a.com'] }, expected: ['b.com:1', 'c.com:1'] },
    { case: 'removing an unknown name is harmless', delta: { revision: 2, upserts: [], removals: ['x.com'] }, expected: ['a.com:1', 'b.com:1', 'c.com:1'] },
    { case: 'removed and placed again in one delta: kept, new state', delta: { revision: 2, upserts: [sub('a.com', 9)], removals: ['a.com'] }, expected: ['a.com:9', 'b.com:1', 'c.com:1'] },
  ])('$case', ({ delta, expected }) => {
    const out = applyDelta(start, delta);
    expect([...out.values()].map((s) => `${s.name}:${s.generation}`).sort()).toEqual(expected);
    expect([...start.values()].map((s) => `${s.name}:${s.generation}`)).toEqual(['a.com:1', 'b.com:1', 'c.com:1']); // pure
  });
});

// ---- properties -------------------------------------------------------------------------------

const nameArb = fc.constantFrom('a.com', 'b.com', 'c.org', 'd.net', 'e.example.com', 'f.io');
const valuesArb: fc.Arbitrary<Values> = fc.dictionary(
  fc.constantFrom('hosting.php', 'hosting.php_version', 'hosting.ssl', 'php.memory_limit', 'limits.disk_space'),
  fc.oneof(fc.boolean(), fc.constantFrom('8.1', '8.2', 'unlimited'), fc.nat({ max: 4 }).map((n) => n * 1024 ** 2)),
  { maxKeys: 4 },
);
const contentArb = fc.record({
  generation: fc.nat({ max: 3 }),
  state: fc.constantFrom('active' as const, 'suspended' as const),
  values: valuesArb,
});
const subsArb = fc
  .dictionary(nameArb, contentArb, { maxKeys: 6 })
  .map((d) => Object.entries(d).map(([name, c]): DesiredSubscription => ({ name, ...c })));

const contents = (m: ReadonlyMap<string, SubscriptionContent>) =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, c]) => [n, { generation: c.generation, state: c.state, values: c.values }]));

describe('properties', () => {
  it('the diff applied to its source yields its target', () => {
    fc.assert(
      fc.property(subsArb, subsArb, (source, target) => {
        const was = applied(1, source);
        const d = diff(desiredMap(target), was);
        expect(contents(applyDiff(was.subscriptions, d))).toEqual(contents(desiredMap(target)));
      }),
    );
  });

  it('every name is in exactly one bucket, and after applying there is nothing left to do', () => {
    fc.assert(
      fc.property(subsArb, subsArb, (source, target) => {
        const was = applied(1, source);
        const d = diff(desiredMap(target), was);
        const all = [...names(d.create), ...names(d.update), ...d.remove, ...names(d.unchanged)];
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(new Set([...source, ...target].map((s) => s.name)));
        const after = applyDiff(was.subscriptions, d);
        const again = diff(desiredMap(target), { revision: 2, subscriptions: new Map([...after].map(([n, c]) => [n, { ...c, files: [] }])) });
        expect(isEmptyDiff(again)).toBe(true);
        expect(names(again.unchanged).sort()).toEqual(target.map((s) => s.name).sort());
      }),
    );
  });

  it('a delta of upserts and removals between two desired states turns the first into the second', () => {
    fc.assert(
      fc.property(subsArb, subsArb, fc.subarray(['a.com', 'b.com', 'x.org']), (from, to, extraRemovals) => {
        const target = desiredMap(to);
        const delta = {
          revision: 2,
          upserts: to,
          removals: [...from.map((s) => s.name).filter((n) => !target.has(n)), ...extraRemovals.filter((n) => !target.has(n))],
        };
        expect(contents(applyDelta(desiredMap(from), delta))).toEqual(contents(target));
      }),
    );
  });
});
