import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PROPERTIES, isResellerOnly, PROPERTY_KEYS, UNLIMITED, type Value, type Values } from '@hostplane/shared';
import { combinePlanValues } from '../../controller/src/domain/index.js';
import { GiB, MiB } from './fixtures.js';

/** SPEC §2 defaults: what a plan that sets nothing stands for. */
const DEFAULT_PLAN_VALUES: Values = {
  'limits.disk_space': UNLIMITED,
  'limits.traffic': UNLIMITED,
  'limits.websites': UNLIMITED,
  'limits.subdomains': UNLIMITED,
  'limits.domain_aliases': UNLIMITED,
  'limits.web_users': UNLIMITED,
  'limits.mailing_lists': UNLIMITED,
  'limits.mailboxes': 0,
  'limits.mailbox_size': UNLIMITED,
  'limits.databases': 0,
  'limits.ftp_accounts': 0,
  'limits.validity': UNLIMITED,
  'limits.overuse': 'notify',
  'hosting.web': true,
  'hosting.php': false,
  'hosting.php_handler': 'fpm',
  'hosting.perl': false,
  'hosting.python': false,
  'hosting.nodejs': false,
  'hosting.miva': false,
  'hosting.cgi': false,
  'hosting.hard_quota': false,
  'hosting.ssi': false,
  'hosting.ssl': false,
  'hosting.webstat': 'none',
  'permissions.manage_php_settings': false,
  'permissions.manage_php_version': false,
  'permissions.manage_hosting': false,
  'permissions.manage_dns': false,
  'permissions.manage_mail': false,
  'permissions.manage_databases': false,
  'permissions.manage_subdomains': false,
  'permissions.manage_ftp': false,
};

describe('combinePlanValues: defaults', () => {
  it('a plan that sets nothing has exactly the SPEC §2 defaults (php.* and the PHP version unset)', () => {
    const values = combinePlanValues({}, []);
    expect(values).toEqual(DEFAULT_PLAN_VALUES);
    for (const key of ['hosting.php_version', 'php.memory_limit', 'php.upload_max_filesize', 'php.post_max_size', 'php.max_execution_time', 'php.display_errors']) {
      expect(key in values, key).toBe(false);
    }
  });

  it('set values win over defaults, including false and 0', () => {
    const values = combinePlanValues({ 'hosting.web': false, 'limits.websites': 0, 'hosting.php_handler': 'cgi', 'hosting.php_version': '8.1' }, []);
    expect(values).toEqual({
      ...DEFAULT_PLAN_VALUES,
      'hosting.web': false,
      'limits.websites': 0,
      'hosting.php_handler': 'cgi',
      'hosting.php_version': '8.1',
    });
  });

  it('add-ons that set nothing change nothing', () => {
    expect(combinePlanValues({ 'limits.disk_space': 10 * GiB }, [{}, {}])).toEqual({ ...DEFAULT_PLAN_VALUES, 'limits.disk_space': 10 * GiB });
  });
});

interface Row {
  rule: string;
  key: string;
  plan: Value | undefined;
  addons: (Value | undefined)[];
  expected: Value | undefined;
}

const ROWS: Row[] = [
  // sum
  { rule: 'sizes add up', key: 'limits.disk_space', plan: 10 * GiB, addons: [5 * GiB, 1 * GiB], expected: 16 * GiB },
  { rule: 'traffic adds up', key: 'limits.traffic', plan: 100 * GiB, addons: [50 * GiB], expected: 150 * GiB },
  { rule: 'counts add up', key: 'limits.websites', plan: 1, addons: [2, 3], expected: 6 },
  { rule: 'subdomains add up', key: 'limits.subdomains', plan: 10, addons: [5], expected: 15 },
  { rule: 'domain aliases add up', key: 'limits.domain_aliases', plan: 0, addons: [4], expected: 4 },
  { rule: 'web users add up', key: 'limits.web_users', plan: 2, addons: [2], expected: 4 },
  { rule: 'mailing lists add up', key: 'limits.mailing_lists', plan: 1, addons: [1, 1], expected: 3 },
  { rule: 'mailboxes add up', key: 'limits.mailboxes', plan: 5, addons: [10, 20], expected: 35 },
  { rule: 'databases add up', key: 'limits.databases', plan: 1, addons: [2], expected: 3 },
  { rule: 'FTP accounts add up', key: 'limits.ftp_accounts', plan: 1, addons: [1], expected: 2 },
  { rule: 'an add-on adds to the default 0 of mailboxes', key: 'limits.mailboxes', plan: undefined, addons: [10], expected: 10 },
  { rule: 'an add-on adds to the default 0 of databases', key: 'limits.databases', plan: undefined, addons: [3], expected: 3 },
  { rule: 'an add-on adds to the default 0 of FTP accounts', key: 'limits.ftp_accounts', plan: undefined, addons: [2], expected: 2 },
  { rule: 'an add-on of 0 changes nothing', key: 'limits.disk_space', plan: 10 * GiB, addons: [0], expected: 10 * GiB },
  { rule: 'an add-on that does not set the key changes nothing', key: 'limits.websites', plan: 3, addons: [undefined, 2, undefined], expected: 5 },
  // unlimited absorbs
  { rule: 'unlimited plan absorbs an add-on', key: 'limits.disk_space', plan: UNLIMITED, addons: [5 * GiB], expected: UNLIMITED },
  { rule: 'unlimited add-on absorbs the plan', key: 'limits.disk_space', plan: 10 * GiB, addons: [UNLIMITED], expected: UNLIMITED },
  { rule: 'unlimited add-on absorbs the others', key: 'limits.websites', plan: 1, addons: [2, UNLIMITED, 3], expected: UNLIMITED },
  { rule: 'default unlimited absorbs', key: 'limits.traffic', plan: undefined, addons: [GiB], expected: UNLIMITED },
  { rule: 'unlimited mailboxes absorb', key: 'limits.mailboxes', plan: 10, addons: [UNLIMITED], expected: UNLIMITED },
  // max
  { rule: 'mailbox size takes the max', key: 'limits.mailbox_size', plan: 1 * GiB, addons: [512 * MiB, 2 * GiB], expected: 2 * GiB },
  { rule: 'mailbox size: a smaller add-on does not lower it', key: 'limits.mailbox_size', plan: 2 * GiB, addons: [512 * MiB], expected: 2 * GiB },
  { rule: 'mailbox size: not a sum', key: 'limits.mailbox_size', plan: 1 * GiB, addons: [1 * GiB, 1 * GiB], expected: 1 * GiB },
  { rule: 'mailbox size: unlimited wins', key: 'limits.mailbox_size', plan: 1 * GiB, addons: [UNLIMITED], expected: UNLIMITED },
  { rule: 'mailbox size: default unlimited wins', key: 'limits.mailbox_size', plan: undefined, addons: [1 * GiB], expected: UNLIMITED },
  { rule: 'php memory limit takes the max', key: 'php.memory_limit', plan: 128 * MiB, addons: [512 * MiB, 256 * MiB], expected: 512 * MiB },
  { rule: 'php memory limit set only by an add-on', key: 'php.memory_limit', plan: undefined, addons: [256 * MiB], expected: 256 * MiB },
  { rule: 'upload size takes the max', key: 'php.upload_max_filesize', plan: 2 * MiB, addons: [64 * MiB], expected: 64 * MiB },
  { rule: 'post size takes the max', key: 'php.post_max_size', plan: 100 * MiB, addons: [8 * MiB], expected: 100 * MiB },
  { rule: 'max_execution_time takes the max', key: 'php.max_execution_time', plan: 30, addons: [120, 60], expected: 120 },
  { rule: 'php settings stay unset when nobody sets them', key: 'php.memory_limit', plan: undefined, addons: [undefined], expected: undefined },
  // or
  { rule: 'an add-on turns a flag on', key: 'hosting.miva', plan: false, addons: [true], expected: true },
  { rule: 'an add-on turns a default-false flag on', key: 'hosting.nodejs', plan: undefined, addons: [true], expected: true },
  { rule: 'an add-on cannot turn a flag off', key: 'hosting.php', plan: true, addons: [false], expected: true },
  { rule: 'an add-on cannot turn web hosting off', key: 'hosting.web', plan: undefined, addons: [false], expected: true },
  { rule: 'false or false is false', key: 'hosting.ssl', plan: false, addons: [false, false], expected: false },
  { rule: 'an add-on grants a permission', key: 'permissions.manage_php_settings', plan: false, addons: [true], expected: true },
  { rule: 'display_errors set only by an add-on (false)', key: 'php.display_errors', plan: undefined, addons: [false], expected: false },
  { rule: 'display_errors or', key: 'php.display_errors', plan: false, addons: [true], expected: true },
  // not in add-ons: an add-on carrying them (refused on write) never changes the plan value
  { rule: 'validity is not combined', key: 'limits.validity', plan: '1y', addons: ['30d'], expected: '1y' },
  { rule: 'validity default stays', key: 'limits.validity', plan: undefined, addons: ['30d'], expected: UNLIMITED },
  { rule: 'PHP version is not combined', key: 'hosting.php_version', plan: '8.2', addons: ['7.4'], expected: '8.2' },
  { rule: 'unset PHP version stays unset', key: 'hosting.php_version', plan: undefined, addons: ['7.4'], expected: undefined },
  { rule: 'PHP handler is not combined', key: 'hosting.php_handler', plan: 'fpm', addons: ['cgi'], expected: 'fpm' },
  { rule: 'the overuse policy is the plan\'s (not in add-ons)', key: 'limits.overuse', plan: 'suspend', addons: [undefined], expected: 'suspend' },
  { rule: 'the overuse policy defaults to notify', key: 'limits.overuse', plan: undefined, addons: [undefined], expected: 'notify' },
  { rule: 'webstat is not combined', key: 'hosting.webstat', plan: undefined, addons: ['awstats'], expected: 'none' },
];

describe('combinePlanValues: one row per combine rule', () => {
  it.each(ROWS)('$rule ($key)', ({ key, plan, addons, expected }) => {
    const planValues: Values = plan === undefined ? {} : { [key]: plan };
    const addonValues: Values[] = addons.map((a) => (a === undefined ? {} : { [key]: a }));
    const out = combinePlanValues(planValues, addonValues);
    expect(out[key]).toBe(expected);
    expect(key in out).toBe(expected !== undefined);
    // the other keys are untouched
    for (const other of PROPERTY_KEYS) if (other !== key) expect(out[other]).toBe(DEFAULT_PLAN_VALUES[other]);
  });

  it('combines several keys of a realistic plan and two add-ons at once', () => {
    const plan: Values = {
      'limits.disk_space': 10 * GiB,
      'limits.traffic': 100 * GiB,
      'limits.websites': 1,
      'limits.mailboxes': 10,
      'limits.mailbox_size': 1 * GiB,
      'limits.databases': 1,
      'hosting.php': true,
      'hosting.php_version': '8.2',
      'php.memory_limit': 128 * MiB,
      'limits.validity': '1y',
    };
    const extraDisk: Values = { 'limits.disk_space': 5 * GiB, 'limits.traffic': UNLIMITED };
    const developer: Values = {
      'limits.websites': 4,
      'limits.databases': 5,
      'limits.mailbox_size': 512 * MiB,
      'hosting.miva': true,
      'php.memory_limit': 512 * MiB,
      'permissions.manage_php_settings': true,
    };
    expect(combinePlanValues(plan, [extraDisk, developer])).toEqual({
      ...DEFAULT_PLAN_VALUES,
      'limits.disk_space': 15 * GiB,
      'limits.traffic': UNLIMITED,
      'limits.websites': 5,
      'limits.mailboxes': 10,
      'limits.mailbox_size': 1 * GiB,
      'limits.databases': 6,
      'limits.validity': '1y',
      'hosting.php': true,
      'hosting.php_version': '8.2',
      'hosting.miva': true,
      'php.memory_limit': 512 * MiB,
      'permissions.manage_php_settings': true,
    });
  });

  it('does not modify its inputs', () => {
    const plan: Values = { 'limits.disk_space': 10 * GiB };
    const addon: Values = { 'limits.disk_space': 5 * GiB, 'hosting.miva': true };
    combinePlanValues(plan, [addon]);
    expect(plan).toEqual({ 'limits.disk_space': 10 * GiB });
    expect(addon).toEqual({ 'limits.disk_space': 5 * GiB, 'hosting.miva': true });
  });
});

// ---- property-based ----

const ADDON_KEYS = PROPERTY_KEYS.filter((k) => PROPERTIES.get(k)!.inAddons);

function valueArb(key: string): fc.Arbitrary<Value> {
  const type = PROPERTIES.get(key)!.type;
  const finite = fc.integer({ min: 0, max: 2 ** 40 });
  switch (type.kind) {
    case 'size':
    case 'count':
      return type.unlimited ? fc.oneof({ weight: 5, arbitrary: finite }, { weight: 1, arbitrary: fc.constant(UNLIMITED) }) : finite;
    case 'seconds':
      return fc.integer({ min: 0, max: 100_000 });
    case 'bool':
      return fc.boolean();
    case 'duration':
      return fc.constantFrom('30d', '1y', UNLIMITED);
    case 'version':
      return fc.constantFrom('7.4', '8.1', '8.2');
    case 'enum':
      return fc.constantFrom(...type.values);
  }
}

const valuesArb = (keys: readonly string[]): fc.Arbitrary<Values> =>
  fc.record(Object.fromEntries(keys.map((k) => [k, valueArb(k)])), { requiredKeys: [] }) as fc.Arbitrary<Values>;

const planArb = valuesArb(PROPERTY_KEYS);
const addonArb = valuesArb(ADDON_KEYS);
const planWithAddonsAndPermutation = fc
  .tuple(planArb, fc.array(addonArb, { maxLength: 6 }))
  .chain(([plan, addons]) =>
    fc.tuple(fc.constant(plan), fc.constant(addons), fc.shuffledSubarray(addons, { minLength: addons.length, maxLength: addons.length })),
  );

describe('combinePlanValues: properties', () => {
  it('is order-free: any permutation of the add-ons gives the same plan values', () => {
    fc.assert(
      fc.property(planWithAddonsAndPermutation, ([plan, addons, permuted]) => {
        expect(permuted).toHaveLength(addons.length);
        expect(combinePlanValues(plan, permuted)).toEqual(combinePlanValues(plan, addons));
      }),
      { numRuns: 300 },
    );
  });

  it('sum keys: plan (or default) + Σ add-ons, unless something is unlimited', () => {
    fc.assert(
      fc.property(planArb, fc.array(addonArb, { maxLength: 5 }), (plan, addons) => {
        const out = combinePlanValues(plan, addons);
        for (const key of PROPERTY_KEYS.filter((k) => PROPERTIES.get(k)!.combine === 'sum')) {
          const parts = [plan[key] ?? PROPERTIES.get(key)!.default, ...addons.map((a) => a[key])].filter((v) => v !== undefined);
          const expected = parts.includes(UNLIMITED) ? UNLIMITED : parts.reduce<number>((s, v) => s + (v as number), 0);
          expect(out[key]).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('max and or keys: never below the plan, never below any add-on', () => {
    fc.assert(
      fc.property(planArb, fc.array(addonArb, { maxLength: 5 }), (plan, addons) => {
        const out = combinePlanValues(plan, addons);
        for (const key of PROPERTY_KEYS) {
          if (isResellerOnly(key)) continue; // reseller plans only: never in a subscription's plan values
          const def = PROPERTIES.get(key)!;
          const parts = [plan[key] ?? def.default, ...addons.map((a) => a[key])].filter((v) => v !== undefined);
          if (def.combine === 'max') {
            expect(out[key]).toBe(parts.length === 0 ? undefined : parts.includes(UNLIMITED) ? UNLIMITED : Math.max(...(parts as number[])));
          } else if (def.combine === 'or') {
            expect(out[key]).toBe(parts.length === 0 ? undefined : parts.some((v) => v === true));
          } else if (def.combine === 'none') {
            expect(out[key]).toBe(plan[key] ?? def.default);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is incremental: attaching add-ons one at a time gives the same result as all at once', () => {
    fc.assert(
      fc.property(planArb, addonArb, addonArb, (plan, a, b) => {
        expect(combinePlanValues(combinePlanValues(plan, [a]), [b])).toEqual(combinePlanValues(plan, [a, b]));
      }),
      { numRuns: 200 },
    );
  });
});
