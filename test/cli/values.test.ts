/**
 * Values between `--set` text, the proto Value and `--json`: every catalogue type survives the trip,
 * int64 stays exact, people see the units they type, and bad `--set`/`--unset` flags are refused
 * naming the key.
 */
import { InvalidArgumentError, parseValue } from '@hostplane/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProtoValue, fromJsonValue, orderedKeys, parseChanges, toJsonValue, toJsonValues, toProtoValue } from '../../cli/src/values.js';
import { GIB, bool, int, str, unlimited } from './helpers.js';

describe('proto Value ↔ JSON', () => {
  it.each([
    ['limits.disk_space', '10G', { $case: 'intValue', value: String(10 * GIB) }, 10 * GIB, '10G'],
    ['limits.disk_space', 'unlimited', { $case: 'unlimited', value: true }, 'unlimited', 'unlimited'],
    ['limits.mailboxes', '25', { $case: 'intValue', value: '25' }, 25, '25'],
    ['limits.validity', '1y', { $case: 'stringValue', value: '1y' }, '1y', '1y'],
    ['limits.validity', 'unlimited', { $case: 'unlimited', value: true }, 'unlimited', 'unlimited'],
    ['hosting.php', 'yes', { $case: 'boolValue', value: true }, true, 'true'],
    ['hosting.web', 'false', { $case: 'boolValue', value: false }, false, 'false'],
    ['hosting.php_version', '08.2', { $case: 'stringValue', value: '8.2' }, '8.2', '8.2'],
    ['hosting.php_handler', 'fastcgi', { $case: 'stringValue', value: 'fastcgi' }, 'fastcgi', 'fastcgi'],
    ['php.memory_limit', '512M', { $case: 'intValue', value: String(512 * 1024 ** 2) }, 512 * 1024 ** 2, '512M'],
    ['php.max_execution_time', '30s', { $case: 'intValue', value: '30' }, 30, '30'],
  ] as const)('%s=%s → proto, JSON and display', (key, text, kind, json, shown) => {
    const proto = toProtoValue(parseValue(key, text));
    expect(proto.kind).toEqual(kind);
    expect(toJsonValue(proto)).toBe(json);
    expect(fromJsonValue(toJsonValue(proto))).toEqual(proto);
    expect(formatProtoValue(key, proto)).toBe(shown);
    // What people see parses back to the same value.
    expect(toProtoValue(parseValue(key, shown))).toEqual(proto);
  });

  it('keeps an int64 beyond 2^53 exact, as a decimal string', () => {
    const big = int('9007199254740993');
    expect(toJsonValue(big)).toBe('9007199254740993');
    expect(fromJsonValue('9007199254740993')).toEqual(big);
    expect(formatProtoValue('limits.disk_space', big)).toBe('9007199254740993');
  });

  it('shows an absent value as null in JSON and - for people', () => {
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue({ kind: undefined })).toBeNull();
    expect(formatProtoValue('hosting.php_version', undefined)).toBe('-');
  });

  it('round-trips every safe size through proto and JSON (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const proto = toProtoValue(n);
        expect(toJsonValue(proto)).toBe(n);
        expect(toProtoValue(parseValue('limits.disk_space', formatProtoValue('limits.disk_space', proto)))).toEqual(proto);
      }),
    );
  });

  it('round-trips any int64 decimal through JSON (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (n) => {
        const proto = int(n.toString());
        expect(fromJsonValue(toJsonValue(proto))).toEqual(proto);
      }),
    );
  });

  it('turns a value map into plain JSON in catalogue order', () => {
    const json = toJsonValues({ 'hosting.php': bool(true), 'zzz.unknown': str('x'), 'limits.traffic': unlimited, 'limits.disk_space': int(GIB) });
    expect(json).toEqual({ 'limits.disk_space': GIB, 'limits.traffic': 'unlimited', 'hosting.php': true, 'zzz.unknown': 'x' });
    expect(Object.keys(json)).toEqual(['limits.disk_space', 'limits.traffic', 'hosting.php', 'zzz.unknown']);
    expect(orderedKeys({ b: bool(true) }, { 'hosting.web': bool(true), a: bool(true) })).toEqual(['hosting.web', 'a', 'b']);
  });
});

describe('--set / --unset', () => {
  function refused(fn: () => unknown, key: string, ...mentions: string[]) {
    let thrown: unknown;
    try {
      fn();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toBe(key);
    for (const m of [key, ...mentions]) expect((thrown as Error).message).toContain(m);
  }

  it('parses assignments into typed proto values', () => {
    const { set, unset } = parseChanges(['limits.disk_space=10G', 'hosting.php=true', 'limits.traffic=unlimited'], ['hosting.php_version']);
    expect(set).toEqual({ 'limits.disk_space': int(10 * GIB), 'hosting.php': bool(true), 'limits.traffic': unlimited });
    expect(unset).toEqual(['hosting.php_version']);
  });

  it('refuses a bad value, naming the key and the value', () => refused(() => parseChanges(['limits.disk_space=12X']), 'limits.disk_space', '12X'));
  it('refuses an unknown key', () => refused(() => parseChanges(['limits.disk=1G']), 'limits.disk'));
  it('refuses a missing =', () => refused(() => parseChanges(['limits.disk_space']), 'set'));
  it('refuses a key set twice', () => refused(() => parseChanges(['hosting.php=true', 'hosting.php=false']), 'hosting.php', 'twice'));
  it('refuses a key both set and unset', () => refused(() => parseChanges(['hosting.php=true'], ['hosting.php']), 'hosting.php', 'unset'));
  it('refuses an unknown key to unset', () => refused(() => parseChanges([], ['nope']), 'nope'));
  it('refuses, for an add-on, a key marked "not in add-ons"', () =>
    refused(() => parseChanges(['hosting.php_version=8.2'], [], 'addon'), 'hosting.php_version', 'add-on'));
  it('lets an add-on carry a summed limit', () => expect(parseChanges(['limits.disk_space=5G'], [], 'addon').set).toEqual({ 'limits.disk_space': int(5 * GIB) }));
});
