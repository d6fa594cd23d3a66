import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InvalidArgumentError,
  PROPERTIES,
  PROPERTY_KEYS,
  UNLIMITED,
  formatSize,
  formatValue,
  parseAssignment,
  parseSize,
  parseValue,
  parseValues,
  sameValue,
  type Value,
  isResellerOnly,
} from '@hostplane/shared';
import { expectInvalid } from './helpers.js';

const K = 1024;
const M = 1024 ** 2;
const G = 1024 ** 3;
const T = 1024 ** 4;
const P = 1024 ** 5;

const SIZE_KEYS = ['limits.disk_space', 'limits.traffic', 'limits.mailbox_size', 'php.memory_limit', 'php.upload_max_filesize', 'php.post_max_size'];
const UNLIMITED_SIZE_KEYS = ['limits.disk_space', 'limits.traffic', 'limits.mailbox_size'];
const FINITE_SIZE_KEYS = ['php.memory_limit', 'php.upload_max_filesize', 'php.post_max_size'];
const COUNT_KEYS = [
  'limits.websites',
  'limits.subdomains',
  'limits.domain_aliases',
  'limits.web_users',
  'limits.mailing_lists',
  'limits.mailboxes',
  'limits.databases',
  'limits.ftp_accounts',
];
const BOOL_KEYS = PROPERTY_KEYS.filter((k) => PROPERTIES.get(k)!.type.kind === 'bool');

describe('parseValue: sizes', () => {
  it.each([
    ['512M', 512 * M],
    ['10G', 10 * G],
    ['1T', T],
    ['1P', P],
    ['1K', K],
    ['4096', 4096],
    ['0', 0],
    ['1', 1],
    ['512m', 512 * M],
    ['10g', 10 * G],
    ['512MB', 512 * M],
    ['512MiB', 512 * M],
    ['10GiB', 10 * G],
    ['100B', 100],
    [' 512M ', 512 * M],
    ['512 M', 512 * M],
    ['1.5G', 1.5 * G],
    ['0.5K', 512],
    ['2.25M', 2.25 * M],
    ['1.0', 1],
    ['unlimited', UNLIMITED],
    [' unlimited ', UNLIMITED],
    ['Unlimited', UNLIMITED],
  ])('limits.disk_space %j → %j', (raw, expected) => {
    expect(parseValue('limits.disk_space', raw)).toBe(expected);
  });

  it.each(SIZE_KEYS)('%s accepts typed numbers of bytes', (key) => {
    expect(parseValue(key, 536870912)).toBe(512 * M);
    expect(parseValue(key, 0)).toBe(0);
    expect(Object.is(parseValue(key, -0), 0)).toBe(true);
    expect(parseValue(key, Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(UNLIMITED_SIZE_KEYS)('%s accepts unlimited', (key) => {
    expect(parseValue(key, 'unlimited')).toBe(UNLIMITED);
  });

  it.each(FINITE_SIZE_KEYS)('%s refuses unlimited, naming key and value', (key) => {
    expectInvalid(() => parseValue(key, 'unlimited'), key, 'unlimited');
  });

  it.each([
    ['12X', '12X'],
    ['-1', '-1'],
    ['-512M', '-512M'],
    ['1.5', '1.5'], // fractional bytes
    ['0.3K', '0.3K'], // 307.2 bytes
    ['0.1G', '0.1G'],
    ['abc', 'abc'],
    ['', "''"],
    ['M', 'M'],
    ['G10', 'G10'],
    ['10GG', '10GG'],
    ['10 G B', '10 G B'],
    ['512iB', '512iB'],
    ['1e3', '1e3'],
    ['0x10', '0x10'],
    ['10,5G', '10,5G'],
    ['+5G', '+5G'],
    ['9P', '9P'], // beyond Number.MAX_SAFE_INTEGER
    ['99999999999999999999', '99999999999999999999'],
    ['infinity', 'infinity'],
  ])('limits.disk_space refuses %j', (raw, shown) => {
    expectInvalid(() => parseValue('limits.disk_space', raw), 'limits.disk_space', shown);
  });

  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.MAX_SAFE_INTEGER + 1, String(Number.MAX_SAFE_INTEGER + 1)],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
  ])('limits.traffic refuses typed %j', (raw, shown) => {
    expectInvalid(() => parseValue('limits.traffic', raw), 'limits.traffic', shown);
  });

  it('the message says what is expected', () => {
    const err = expectInvalid(() => parseValue('limits.disk_space', '12X'), 'limits.disk_space', "'12X'");
    expect(err.message).toBe("limits.disk_space: invalid value '12X': expected a size such as 512M, 10G, 1T or bytes, or 'unlimited'");
  });
});

describe('parseSize / formatSize', () => {
  it.each([
    ['512M', 512 * M],
    ['1.5T', 1.5 * T],
    ['4096', 4096],
    ['1KB', 1024],
  ])('parseSize(%j) = %d', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['12X', '', '-1', '0.5', 'unlimited'])('parseSize(%j) throws', (text) => {
    expect(() => parseSize(text)).toThrow(Error);
  });

  it.each([
    [0, '0'],
    [1, '1'],
    [1000, '1000'],
    [1023, '1023'],
    [1024, '1K'],
    [1536, '1536'],
    [1.5 * M, '1536K'],
    [512 * M, '512M'],
    [1024 * M, '1G'],
    [10 * G, '10G'],
    [1.5 * G, '1536M'],
    [T, '1T'],
    [3 * P, '3P'],
    [1024 * P, '1024P'],
  ])('formatSize(%d) = %j', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('parseValue: counts', () => {
  it.each(COUNT_KEYS)('%s: numbers, strings and unlimited', (key) => {
    expect(parseValue(key, '10')).toBe(10);
    expect(parseValue(key, '0')).toBe(0);
    expect(parseValue(key, ' 7 ')).toBe(7);
    expect(parseValue(key, '007')).toBe(7);
    expect(parseValue(key, 42)).toBe(42);
    expect(parseValue(key, 'unlimited')).toBe(UNLIMITED);
  });

  it.each(COUNT_KEYS)('%s refuses negatives, fractions, sizes and words, naming key and value', (key) => {
    expectInvalid(() => parseValue(key, '-1'), key, '-1');
    expectInvalid(() => parseValue(key, -1), key, '-1');
    expectInvalid(() => parseValue(key, '1.5'), key, '1.5');
    expectInvalid(() => parseValue(key, 2.5), key, '2.5');
    expectInvalid(() => parseValue(key, '5K'), key, '5K');
    expectInvalid(() => parseValue(key, 'ten'), key, 'ten');
    expectInvalid(() => parseValue(key, ''), key, "''");
    expectInvalid(() => parseValue(key, true), key, 'true');
    expectInvalid(() => parseValue(key, '99999999999999999999'), key, '99999999999999999999');
  });

  it('the count message says what is expected', () => {
    const err = expectInvalid(() => parseValue('limits.mailboxes', '-3'), 'limits.mailboxes', "'-3'");
    expect(err.message).toBe("limits.mailboxes: invalid value '-3': expected a whole number ≥ 0, or 'unlimited'");
  });
});

describe('parseValue: seconds (php.max_execution_time)', () => {
  const key = 'php.max_execution_time';
  it.each([
    ['30', 30],
    ['30s', 30],
    ['0', 0],
    [300, 300],
  ])('%j → %d', (raw, expected) => {
    expect(parseValue(key, raw)).toBe(expected);
  });
  it.each(['unlimited', '-5', '1m', '1.5', 'abc', '30 s'])('refuses %j', (raw) => {
    expectInvalid(() => parseValue(key, raw), key, raw);
  });
});

describe('parseValue: durations (limits.validity)', () => {
  const key = 'limits.validity';
  it.each([
    ['30d', '30d'],
    ['1y', '1y'],
    ['6mo', '6mo'],
    ['2w', '2w'],
    [' 1y ', '1y'],
    ['030d', '30d'],
    ['unlimited', UNLIMITED],
  ])('%j → %j', (raw, expected) => {
    expect(parseValue(key, raw)).toBe(expected);
  });

  it.each(['0d', '00d', '0y', '30', '30m', '1h', '1.5y', '-1d', '30D', '1 y', 'y', 'forever', ''])('refuses %j naming key and value', (raw) => {
    expectInvalid(() => parseValue(key, raw), key, raw);
  });

  it('refuses a typed number', () => {
    expectInvalid(() => parseValue(key, 30), key, '30');
  });
});

describe('parseValue: versions (hosting.php_version)', () => {
  const key = 'hosting.php_version';
  it.each([
    ['8.2', '8.2'],
    ['7.4', '7.4'],
    ['8.10', '8.10'],
    [' 8.1 ', '8.1'],
    ['08.2', '8.2'],
    ['8.02', '8.2'],
  ])('%j → %j', (raw, expected) => {
    expect(parseValue(key, raw)).toBe(expected);
  });

  it.each(['8', '8.2.12', 'php8.2', '8.x', '', 'latest', '1234.1', '8.', '.2', 'unlimited'])('refuses %j', (raw) => {
    expectInvalid(() => parseValue(key, raw), key, raw);
  });

  it('refuses a typed number (8.2 is ambiguous with 8.20)', () => {
    expectInvalid(() => parseValue(key, 8.2), key, '8.2');
  });
});

describe('parseValue: enums', () => {
  it.each([
    ['hosting.php_handler', 'fpm'],
    ['hosting.php_handler', 'fastcgi'],
    ['hosting.php_handler', 'cgi'],
    ['hosting.webstat', 'none'],
    ['hosting.webstat', 'awstats'],
    ['hosting.webstat', 'webalizer'],
  ])('%s accepts %j', (key, value) => {
    expect(parseValue(key, value)).toBe(value);
    expect(parseValue(key, ` ${value} `)).toBe(value);
  });

  it.each([
    ['hosting.php_handler', 'mod_php', 'fpm, fastcgi, cgi'],
    ['hosting.php_handler', 'FPM', 'fpm, fastcgi, cgi'],
    ['hosting.php_handler', '', 'fpm, fastcgi, cgi'],
    ['hosting.webstat', 'goaccess', 'none, awstats, webalizer'],
    ['hosting.webstat', 'unlimited', 'none, awstats, webalizer'],
  ])('%s refuses %j and lists the allowed values', (key, value, allowed) => {
    expectInvalid(() => parseValue(key, value), key, `'${value}'`, allowed);
  });

  it('refuses a non-string', () => {
    expectInvalid(() => parseValue('hosting.webstat', 1), 'hosting.webstat', '1');
  });
});

describe('parseValue: booleans', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['yes', true],
    ['no', false],
    ['on', true],
    ['off', false],
    ['1', true],
    ['0', false],
    ['TRUE', true],
    [' Yes ', true],
    ['Off', false],
  ])('%j → %j on every bool key', (raw, expected) => {
    for (const key of BOOL_KEYS) expect(parseValue(key, raw)).toBe(expected);
  });

  it.each([['maybe'], [''], ['2'], ['y'], [1], [0], [null]])('refuses %j naming key and value', (raw) => {
    for (const key of BOOL_KEYS) expectInvalid(() => parseValue(key, raw), key, String(raw));
  });
});

describe('parseValue: unknown keys', () => {
  it.each([
    ['limits.nonsense', '5'],
    ['hosting.php_versions', '8.2'],
    ['disk_space', '10G'],
    ['', 'x'],
    ['LIMITS.DISK_SPACE', '10G'],
  ])('%j is refused naming the key and the value', (key, value) => {
    const err = expectInvalid(() => parseValue(key, value), key, `'${key}'`, value);
    expect(err.message).toContain('unknown property');
  });
});

describe('every catalogue key', () => {
  /** A valid raw value, its parsed value, and an invalid raw value, by type. */
  function samples(key: string): { raw: unknown; parsed: Value; invalid: string } {
    const type = PROPERTIES.get(key)!.type;
    switch (type.kind) {
      case 'size':
        return { raw: '512M', parsed: 512 * M, invalid: '12X' };
      case 'count':
        return { raw: '25', parsed: 25, invalid: '-1' };
      case 'seconds':
        return { raw: '90', parsed: 90, invalid: '-90' };
      case 'duration':
        return { raw: '6mo', parsed: '6mo', invalid: '6months' };
      case 'bool':
        return { raw: 'yes', parsed: true, invalid: 'perhaps' };
      case 'version':
        return { raw: '8.3', parsed: '8.3', invalid: '8.3.1' };
      case 'enum':
        return { raw: type.values.at(-1)!, parsed: type.values.at(-1)!, invalid: 'bogus' };
    }
  }

  it.each(PROPERTY_KEYS)('%s parses, formats back and refuses a bad value', (key) => {
    const { raw, parsed, invalid } = samples(key);
    expect(parseValue(key, raw)).toBe(parsed);
    expect(parseValue(key, formatValue(key, parsed))).toBe(parsed);
    expectInvalid(() => parseValue(key, invalid), key, `'${invalid}'`);
    expectInvalid(() => parseValue(key, { nested: 1 }), key);
  });
});

describe('formatValue', () => {
  it.each([
    ['limits.disk_space', 512 * M, '512M'],
    ['limits.disk_space', 10 * G, '10G'],
    ['limits.disk_space', T, '1T'],
    ['limits.disk_space', 1000, '1000'],
    ['limits.disk_space', 0, '0'],
    ['limits.disk_space', UNLIMITED, 'unlimited'],
    ['limits.traffic', 100 * G, '100G'],
    ['php.memory_limit', 256 * M, '256M'],
    ['limits.websites', 1024, '1024'], // counts are not sizes
    ['limits.mailboxes', 0, '0'],
    ['limits.websites', UNLIMITED, 'unlimited'],
    ['php.max_execution_time', 3600, '3600'],
    ['limits.validity', '1y', '1y'],
    ['hosting.php', true, 'true'],
    ['hosting.miva', false, 'false'],
    ['hosting.php_version', '8.2', '8.2'],
    ['hosting.php_handler', 'fastcgi', 'fastcgi'],
  ] as const)('%s %j → %j', (key, value, text) => {
    expect(formatValue(key, value)).toBe(text);
  });

  it('formats unset as an empty string', () => {
    expect(formatValue('php.memory_limit', undefined)).toBe('');
  });
});

describe('round trip: parseValue(formatValue(v)) = v', () => {
  const sizeBytes = fc.oneof(
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc
      .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(1, K, M, G, T))
      .map(([n, unit]) => n * unit)
      .filter((b) => Number.isSafeInteger(b)),
  );

  it('sizes (every size key)', () => {
    fc.assert(
      fc.property(sizeBytes, fc.constantFrom(...SIZE_KEYS), (bytes, key) => {
        const text = formatValue(key, bytes);
        expect(parseValue(key, text)).toBe(bytes);
        expect(parseValue(key, parseValue(key, text))).toBe(bytes);
      }),
    );
  });

  it('size strings with units parse to n × unit and format back to the same value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8_000 }), // 8000T stays a safe integer
        fc.constantFrom(['', 1], ['K', K], ['M', M], ['G', G], ['T', T], ['k', K], ['MB', M], ['GiB', G]) as fc.Arbitrary<[string, number]>,
        (n, [suffix, unit]) => {
          const value = parseValue('limits.disk_space', `${n}${suffix}`);
          expect(value).toBe(n * unit);
          expect(parseValue('limits.disk_space', formatValue('limits.disk_space', value))).toBe(value);
        },
      ),
    );
  });

  it('counts (every count key)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(...COUNT_KEYS), (n, key) => {
        expect(parseValue(key, String(n))).toBe(n);
        expect(parseValue(key, formatValue(key, n))).toBe(n);
      }),
    );
  });

  it('negative counts and sizes are always refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: -1 }), fc.constantFrom(...COUNT_KEYS, ...SIZE_KEYS), (n, key) => {
        expectInvalid(() => parseValue(key, n), key, String(n));
        expectInvalid(() => parseValue(key, String(n)), key, String(n));
      }),
    );
  });

  it('unlimited', () => {
    for (const key of [...COUNT_KEYS, ...UNLIMITED_SIZE_KEYS, 'limits.validity']) {
      expect(parseValue(key, formatValue(key, UNLIMITED))).toBe(UNLIMITED);
    }
  });

  it('durations', () => {
    const max = { d: 36_525, w: 5_218, mo: 1_200, y: 100 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 36_525 }), fc.constantFrom('d', 'w', 'mo', 'y'), (n0, unit) => {
        const n = Math.min(n0, max[unit]);
        const v = parseValue('limits.validity', `${n}${unit}`);
        expect(v).toBe(`${n}${unit}`);
        expect(parseValue('limits.validity', formatValue('limits.validity', v))).toBe(v);
      }),
    );
  });

  it.each(['101y', '1201mo', '5219w', '36526d', '8000y', '99999999999d'])('a duration beyond 100 years is refused: %s', (raw) => {
    expect(() => parseValue('limits.validity', raw)).toThrow(/limits\.validity: invalid value .*at most 100 years/);
  });

  it('versions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (a, b) => {
        const v = parseValue('hosting.php_version', `${a}.${b}`);
        expect(v).toBe(`${a}.${b}`);
        expect(parseValue('hosting.php_version', formatValue('hosting.php_version', v))).toBe(v);
      }),
    );
  });

  it('booleans and enums', () => {
    for (const key of BOOL_KEYS) {
      for (const b of [true, false]) expect(parseValue(key, formatValue(key, b))).toBe(b);
    }
    for (const key of ['hosting.php_handler', 'hosting.webstat']) {
      const type = PROPERTIES.get(key)!.type;
      if (type.kind !== 'enum') throw new Error('not an enum');
      for (const v of type.values) expect(parseValue(key, formatValue(key, v))).toBe(v);
    }
  });
});

describe('parseValues', () => {
  it('parses a whole plan map', () => {
    expect(
      parseValues({
        'limits.disk_space': '10G',
        'limits.mailboxes': '50',
        'limits.validity': '1y',
        'hosting.php': 'true',
        'hosting.php_version': '8.2',
        'hosting.php_handler': 'fpm',
        'hosting.webstat': 'awstats',
        'php.memory_limit': 268435456,
        'permissions.manage_php_settings': true,
      }),
    ).toEqual({
      'limits.disk_space': 10 * G,
      'limits.mailboxes': 50,
      'limits.validity': '1y',
      'hosting.php': true,
      'hosting.php_version': '8.2',
      'hosting.php_handler': 'fpm',
      'hosting.webstat': 'awstats',
      'php.memory_limit': 256 * M,
      'permissions.manage_php_settings': true,
    });
  });

  it('an empty map is fine', () => {
    expect(parseValues({})).toEqual({});
    expect(parseValues({}, 'addon')).toEqual({});
  });

  it.each([
    ['limits.validity', '1y'],
    ['limits.overuse', 'suspend'],
    ['hosting.php_version', '8.2'],
    ['hosting.php_handler', 'cgi'],
    ['hosting.webstat', 'awstats'],
  ])('an add-on may not carry %s (naming the key)', (key, value) => {
    const err = expectInvalid(() => parseValues({ 'limits.disk_space': '1G', [key]: value }, 'addon'), key);
    expect(err.message).toBe(`${key} cannot be set by an add-on plan`);
    // the same map is fine for a plan and for a subscription
    expect(parseValues({ [key]: value }, 'plan')).toEqual({ [key]: value });
    expect(parseValues({ [key]: value }, 'subscription')).toEqual({ [key]: value });
  });

  it('exactly those five keys are refused in add-ons', () => {
    // reseller.* (SPEC §6) is refused everywhere but in reseller plans: see test/resellers.
    const refused = PROPERTY_KEYS.filter((k) => !PROPERTIES.get(k)!.inAddons && !isResellerOnly(k)).sort();
    expect(refused).toEqual(['hosting.php_handler', 'hosting.php_version', 'hosting.webstat', 'limits.overuse', 'limits.validity']);
  });

  it('an add-on may carry limits, flags, PHP settings and permissions', () => {
    expect(
      parseValues(
        {
          'limits.disk_space': '5G',
          'limits.mailboxes': '10',
          'limits.mailbox_size': '2G',
          'hosting.miva': 'yes',
          'php.memory_limit': '512M',
          'php.max_execution_time': '120',
          'permissions.manage_dns': 'true',
        },
        'addon',
      ),
    ).toEqual({
      'limits.disk_space': 5 * G,
      'limits.mailboxes': 10,
      'limits.mailbox_size': 2 * G,
      'hosting.miva': true,
      'php.memory_limit': 512 * M,
      'php.max_execution_time': 120,
      'permissions.manage_dns': true,
    });
  });

  it('a bad value is refused naming its key and value', () => {
    expectInvalid(() => parseValues({ 'limits.disk_space': '10G', 'limits.websites': '-2' }), 'limits.websites', '-2');
    expectInvalid(() => parseValues({ 'hosting.php_handler': 'mod_php' }), 'hosting.php_handler', 'mod_php');
  });

  it('an unknown key is refused naming it and its value', () => {
    expectInvalid(() => parseValues({ 'limits.disk_space': '10G', 'limits.bogus': '3' }), 'limits.bogus', '3');
    expectInvalid(() => parseValues({ 'limits.bogus': '3' }, 'addon'), 'limits.bogus', '3');
  });
});

describe('parseAssignment (--set key=value)', () => {
  it.each([
    ['limits.disk_space=10G', 'limits.disk_space', 10 * G],
    ['hosting.php=true', 'hosting.php', true],
    [' hosting.php_version = 8.2 ', 'hosting.php_version', '8.2'],
    ['limits.websites=unlimited', 'limits.websites', UNLIMITED],
    ['limits.validity=30d', 'limits.validity', '30d'],
  ] as const)('%j', (text, key, value) => {
    expect(parseAssignment(text)).toEqual([key, value]);
  });

  it.each(['limits.disk_space', '=10G', ''])('%j is not key=value', (text) => {
    expectInvalid(() => parseAssignment(text), 'set', text === '' ? "''" : `'${text}'`);
  });

  it('a bad value names the key', () => {
    expectInvalid(() => parseAssignment('limits.disk_space=12X'), 'limits.disk_space', '12X');
    expectInvalid(() => parseAssignment('limits.disk_space='), 'limits.disk_space', "''");
    expectInvalid(() => parseAssignment('nope=1'), 'nope', '1');
  });

  it('keeps = inside the value', () => {
    expectInvalid(() => parseAssignment('hosting.webstat=a=b'), 'hosting.webstat', 'a=b');
  });
});

describe('sameValue', () => {
  it.each([
    [undefined, undefined, true],
    [1, 1, true],
    [1, undefined, false],
    ['unlimited', 'unlimited', true],
    [0, false, false],
    ['8.2', '8.2', true],
    ['8.2', '8.20', false],
  ] as const)('%j vs %j → %j', (a, b, same) => {
    expect(sameValue(a, b)).toBe(same);
  });

  it('parsed values are canonical: equal inputs compare equal', () => {
    expect(sameValue(parseValue('limits.disk_space', '1024M'), parseValue('limits.disk_space', '1G'))).toBe(true);
    expect(sameValue(parseValue('hosting.php_version', '08.2'), parseValue('hosting.php_version', '8.2'))).toBe(true);
    expect(sameValue(parseValue('limits.validity', '030d'), parseValue('limits.validity', '30d'))).toBe(true);
    expect(sameValue(parseValue('hosting.php', 'yes'), parseValue('hosting.php', true))).toBe(true);
  });
});

it('errors are InvalidArgumentError instances with a stable code', () => {
  try {
    parseValue('limits.disk_space', '12X');
    expect.unreachable();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err).toBeInstanceOf(Error);
    expect((err as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
  }
});
