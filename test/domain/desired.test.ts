import { describe, expect, it } from 'vitest';
import { PROPERTY_KEYS, type Value, type Values } from '@hostplane/shared';
import { combinePlanValues, delegatedSubscriberValues, desiredFromOwn, desiredFromPlan, isDelegated } from '../../controller/src/domain/index.js';
import { GiB, MiB } from './fixtures.js';

/** SPEC §2 "delegated by permission", one row per delegated property, with a valid subscriber value. */
const DELEGATED: [key: string, permission: string, subscriberValue: Value][] = [
  ['hosting.php', 'permissions.manage_hosting', true],
  ['hosting.php_version', 'permissions.manage_php_version', '7.4'],
  ['hosting.php_handler', 'permissions.manage_php_version', 'fastcgi'],
  ['hosting.perl', 'permissions.manage_hosting', true],
  ['hosting.python', 'permissions.manage_hosting', true],
  ['hosting.nodejs', 'permissions.manage_hosting', true],
  ['hosting.miva', 'permissions.manage_hosting', true],
  ['hosting.cgi', 'permissions.manage_hosting', true],
  ['hosting.ssi', 'permissions.manage_hosting', true],
  ['hosting.ssl', 'permissions.manage_hosting', true],
  ['hosting.webstat', 'permissions.manage_hosting', 'webalizer'],
  ['php.memory_limit', 'permissions.manage_php_settings', 512 * MiB],
  ['php.upload_max_filesize', 'permissions.manage_php_settings', 64 * MiB],
  ['php.post_max_size', 'permissions.manage_php_settings', 64 * MiB],
  ['php.max_execution_time', 'permissions.manage_php_settings', 300],
  ['php.display_errors', 'permissions.manage_php_settings', true],
];

const NOT_DELEGATED = PROPERTY_KEYS.filter((k) => !DELEGATED.some(([d]) => d === k));

const ALL_PERMISSIONS: Values = {
  'permissions.manage_php_settings': true,
  'permissions.manage_php_version': true,
  'permissions.manage_hosting': true,
  'permissions.manage_dns': true,
  'permissions.manage_mail': true,
  'permissions.manage_databases': true,
  'permissions.manage_subdomains': true,
  'permissions.manage_ftp': true,
};

describe('delegation', () => {
  it.each(DELEGATED)('%s is delegated by %s: kept when granted', (key, permission, value) => {
    const plan = combinePlanValues({ 'hosting.php': true, [permission]: true }, []);
    expect(isDelegated(plan, key)).toBe(true);
    expect(delegatedSubscriberValues(plan, { [key]: value })).toEqual({ [key]: value });
    expect(desiredFromPlan(plan, { [key]: value })).toEqual({ ...plan, [key]: value });
  });

  it.each(DELEGATED)('%s is delegated by %s: dropped when not granted', (key, permission, value) => {
    // every other permission granted, this one not
    const plan = combinePlanValues({ 'hosting.php': true, ...ALL_PERMISSIONS, [permission]: false }, []);
    expect(isDelegated(plan, key)).toBe(false);
    expect(delegatedSubscriberValues(plan, { [key]: value })).toEqual({});
    expect(desiredFromPlan(plan, { [key]: value })).toEqual(plan);
  });

  it.each(NOT_DELEGATED)('%s is never delegated, whatever the permissions', (key) => {
    const plan = combinePlanValues(ALL_PERMISSIONS, []);
    expect(isDelegated(plan, key)).toBe(false);
    expect(delegatedSubscriberValues(plan, { [key]: 1 })).toEqual({});
  });

  it('a permission counts only when it is exactly true', () => {
    expect(isDelegated({ 'permissions.manage_php_settings': 'true' }, 'php.memory_limit')).toBe(false);
    expect(isDelegated({ 'permissions.manage_php_settings': 1 }, 'php.memory_limit')).toBe(false);
    expect(isDelegated({}, 'php.memory_limit')).toBe(false);
  });

  it('unknown keys are never delegated', () => {
    expect(isDelegated(ALL_PERMISSIONS, 'php.bogus')).toBe(false);
    expect(delegatedSubscriberValues(ALL_PERMISSIONS, { 'php.bogus': 1 })).toEqual({});
  });

  it('keeps some and drops others in one map', () => {
    const plan = combinePlanValues({ 'permissions.manage_php_settings': true, 'php.memory_limit': 128 * MiB }, []);
    const subscriber: Values = {
      'php.memory_limit': 1024 * MiB,
      'php.display_errors': true,
      'hosting.php_version': '7.4', // manage_php_version not granted
      'hosting.miva': true, // manage_hosting not granted
      'limits.disk_space': 1000 * GiB, // never delegated
      'permissions.manage_hosting': true, // never delegated
    };
    expect(delegatedSubscriberValues(plan, subscriber)).toEqual({ 'php.memory_limit': 1024 * MiB, 'php.display_errors': true });
    expect(desiredFromPlan(plan, subscriber)).toEqual({ ...plan, 'php.memory_limit': 1024 * MiB, 'php.display_errors': true });
  });
});

describe('desiredFromOwn', () => {
  it('completes own values with the catalogue defaults', () => {
    const own: Values = { 'limits.disk_space': 5 * GiB, 'hosting.php': true, 'hosting.php_version': '8.1', 'php.memory_limit': 256 * MiB };
    expect(desiredFromOwn(own)).toEqual({ ...combinePlanValues({}, []), ...own });
  });

  it('own values of false or 0 win over defaults', () => {
    const out = desiredFromOwn({ 'hosting.web': false, 'limits.websites': 0 });
    expect(out['hosting.web']).toBe(false);
    expect(out['limits.websites']).toBe(0);
    expect(out['limits.mailboxes']).toBe(0);
    expect(out['hosting.php_handler']).toBe('fpm');
  });
});
