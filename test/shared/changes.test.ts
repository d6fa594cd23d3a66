/**
 * The change parser (set/unset) shared by the controller's Update & Sync and Customize and the CLI's
 * `--set`/`--unset` flags: one row per rule, for the API form and the flag form; and applying a
 * change, with properties.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges, isHostplaneError, parseChangeFlags, parseChanges, type ChangeContext, type ChangeInput, type Changes, type Values } from '@hostplane/shared';

const GiB = 1024 ** 3;

/** Runs `fn`; expects INVALID_ARGUMENT naming `field`, with every one of `mentions` in its message. */
function refused(fn: () => unknown, field: string, ...mentions: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isHostplaneError(caught), String(caught)).toBe(true);
  expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', field });
  for (const m of mentions) expect((caught as Error).message).toContain(m);
}

describe('parseChanges (the API: a map of values, a list of keys)', () => {
  const ACCEPTED: { rule: string; input: ChangeInput; context: ChangeContext; changes: Changes }[] = [
    { rule: 'values are parsed by the catalogue', input: { set: { 'limits.disk_space': '10G', 'hosting.php': 'yes' } }, context: 'plan', changes: { set: { 'limits.disk_space': 10 * GiB, 'hosting.php': true }, unset: [] } },
    { rule: 'typed values are taken as they are', input: { set: { 'limits.mailboxes': 5, 'hosting.php': false } }, context: 'subscription', changes: { set: { 'limits.mailboxes': 5, 'hosting.php': false }, unset: [] } },
    { rule: 'known keys may be unset', input: { unset: ['hosting.php_version'] }, context: 'plan', changes: { set: {}, unset: ['hosting.php_version'] } },
    { rule: 'no change at all is a change when not required (Update & Sync)', input: {}, context: 'plan', changes: { set: {}, unset: [] } },
    { rule: 'a reseller account takes totals and reseller.* keys', input: { set: { 'reseller.customers': '5' } }, context: 'reseller', changes: { set: { 'reseller.customers': 5 }, unset: [] } },
  ];
  it.each(ACCEPTED)('$rule', ({ input, context, changes }) => {
    expect(parseChanges(input, context)).toEqual(changes);
  });

  const REFUSED: { rule: string; input: ChangeInput; context: ChangeContext; required?: boolean; field: string; mentions: string[] }[] = [
    { rule: 'an unknown key to set', input: { set: { 'limits.disk': '1G' } }, context: 'plan', field: 'limits.disk', mentions: ["unknown property 'limits.disk'"] },
    { rule: 'a bad value, naming it', input: { set: { 'limits.disk_space': '12X' } }, context: 'plan', field: 'limits.disk_space', mentions: ['12X'] },
    { rule: 'an unknown key to unset', input: { unset: ['hosting.nope'] }, context: 'plan', field: 'hosting.nope', mentions: ["unknown property 'hosting.nope'"] },
    { rule: 'a key an add-on cannot carry', input: { set: { 'hosting.php_version': '8.2' } }, context: 'addon', field: 'hosting.php_version', mentions: ['add-on'] },
    { rule: 'a reseller key on a subscription', input: { set: { 'reseller.customers': '5' } }, context: 'subscription', field: 'reseller.customers', mentions: ['reseller'] },
    { rule: 'a key both set and unset (as the CLI refuses it)', input: { set: { 'hosting.php': 'true' }, unset: ['hosting.php'] }, context: 'plan', field: 'hosting.php', mentions: ['both set and unset'] },
    { rule: 'no change at all, when one is required (Customize)', input: { set: {}, unset: [] }, context: 'subscription', required: true, field: 'set', mentions: ['nothing to change'] },
  ];
  it.each(REFUSED)('refuses $rule', ({ input, context, required, field, mentions }) => {
    refused(() => parseChanges(input, context, { required }), field, ...mentions);
  });
});

describe('parseChangeFlags (the CLI: --set key=value, --unset key)', () => {
  const ACCEPTED: { rule: string; sets: string[]; unsets?: string[]; context?: ChangeContext; changes: Changes }[] = [
    { rule: 'key=value pairs, parsed by the catalogue', sets: ['limits.disk_space=10G', 'limits.traffic=unlimited'], changes: { set: { 'limits.disk_space': 10 * GiB, 'limits.traffic': 'unlimited' }, unset: [] } },
    { rule: 'an unset key is taken without the blanks around it', sets: ['hosting.php=true'], unsets: [' hosting.php_version '], changes: { set: { 'hosting.php': true }, unset: ['hosting.php_version'] } },
    { rule: 'an unset key given twice is unset once', sets: [], unsets: ['hosting.php', 'hosting.php'], changes: { set: {}, unset: ['hosting.php'] } },
    { rule: "without a context ('any', a plan of unknown kind) only keys are checked", sets: ['hosting.php_version=8.2'], changes: { set: { 'hosting.php_version': '8.2' }, unset: [] } },
  ];
  it.each(ACCEPTED)('$rule', ({ sets, unsets, context, changes }) => {
    expect(parseChangeFlags(sets, unsets, context)).toEqual(changes);
  });

  const REFUSED: { rule: string; sets: string[]; unsets?: string[]; context?: ChangeContext; field: string; mentions: string[] }[] = [
    { rule: 'a missing =', sets: ['limits.disk_space'], field: 'set', mentions: ['key=value'] },
    { rule: 'a bad value, naming it', sets: ['limits.disk_space=12X'], field: 'limits.disk_space', mentions: ['12X'] },
    { rule: 'a key set twice', sets: ['hosting.php=true', 'hosting.php=false'], field: 'hosting.php', mentions: ['twice'] },
    { rule: 'a key both set and unset', sets: ['hosting.php=true'], unsets: ['hosting.php'], field: 'hosting.php', mentions: ['both set and unset'] },
    { rule: 'an unknown key to unset, naming the flag', sets: [], unsets: ['nope'], field: 'nope', mentions: ['--unset'] },
    { rule: 'a key an add-on cannot carry', sets: ['hosting.php_version=8.2'], context: 'addon', field: 'hosting.php_version', mentions: ['add-on'] },
  ];
  it.each(REFUSED)('refuses $rule', ({ sets, unsets, context, field, mentions }) => {
    refused(() => parseChangeFlags(sets, unsets, context), field, ...mentions);
  });

  it('parses a flag to the value the API form parses its text to', () => {
    const texts = { 'limits.disk_space': '512M', 'hosting.php': 'on', 'limits.validity': '030d', 'hosting.php_version': '08.2' };
    const flags = parseChangeFlags(Object.entries(texts).map(([k, v]) => `${k}=${v}`), [], 'plan');
    expect(flags).toEqual(parseChanges({ set: texts }, 'plan'));
  });
});

describe('applyChanges', () => {
  it('sets, then unsets; the rest stays', () => {
    const values: Values = { 'limits.disk_space': GiB, 'hosting.php': true, 'limits.mailboxes': 3 };
    expect(applyChanges(values, { set: { 'limits.disk_space': 2 * GiB, 'hosting.ssl': true }, unset: ['hosting.php'] })).toEqual({
      'limits.disk_space': 2 * GiB,
      'limits.mailboxes': 3,
      'hosting.ssl': true,
    });
    expect(values).toEqual({ 'limits.disk_space': GiB, 'hosting.php': true, 'limits.mailboxes': 3 });
  });

  const KEYS = ['a', 'b', 'c', 'd', 'e'];
  const values = fc.dictionary(fc.constantFrom(...KEYS), fc.integer(), { maxKeys: KEYS.length });
  const changes = fc.record({ set: values, unset: fc.uniqueArray(fc.constantFrom(...KEYS)) });

  it('property: every set key not unset has its new value, no unset key is left, other keys are untouched', () => {
    fc.assert(
      fc.property(values, changes, (before, c) => {
        const after = applyChanges(before, c);
        for (const key of KEYS) {
          if (c.unset.includes(key)) expect(after).not.toHaveProperty(key);
          else if (key in c.set) expect(after[key]).toBe(c.set[key]);
          else expect(after[key]).toBe(before[key]);
        }
      }),
    );
  });

  it('property: applying the same changes twice is applying them once', () => {
    fc.assert(
      fc.property(values, changes, (before, c) => {
        expect(applyChanges(applyChanges(before, c), c)).toEqual(applyChanges(before, c));
      }),
    );
  });
});
