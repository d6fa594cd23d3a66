import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  COMPONENT_NAMES,
  ConflictError,
  FailedPreconditionError,
  HostplaneError,
  InvalidArgumentError,
  NotFoundError,
  PERMISSION_KEYS,
  PROPERTIES,
  PROPERTY_KEYS,
  PermissionDeniedError,
  ResourceExhaustedError,
  UNLIMITED,
  UnauthenticatedError,
  isComponentName,
  isHostplaneError,
  majorMinor,
  withDefaults,
  isResellerOnly,
} from '@hostplane/shared';

/** SPEC §2, transcribed: key → [type kind, add-on combine, delegating permission]. */
const SPEC_TABLE: Record<string, [kind: string, combine: string, delegatedBy: string | undefined]> = {
  'limits.disk_space': ['size', 'sum', undefined],
  'limits.traffic': ['size', 'sum', undefined],
  'limits.websites': ['count', 'sum', undefined],
  'limits.subdomains': ['count', 'sum', undefined],
  'limits.domain_aliases': ['count', 'sum', undefined],
  'limits.web_users': ['count', 'sum', undefined],
  'limits.mailing_lists': ['count', 'sum', undefined],
  'limits.mailboxes': ['count', 'sum', undefined],
  'limits.mailbox_size': ['size', 'max', undefined],
  'limits.databases': ['count', 'sum', undefined],
  'limits.ftp_accounts': ['count', 'sum', undefined],
  'limits.validity': ['duration', 'none', undefined],
  'limits.overuse': ['enum', 'none', undefined],
  'hosting.web': ['bool', 'or', undefined],
  'hosting.php': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.php_version': ['version', 'none', 'permissions.manage_php_version'],
  'hosting.php_handler': ['enum', 'none', 'permissions.manage_php_version'],
  'hosting.perl': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.python': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.nodejs': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.miva': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.cgi': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.hard_quota': ['bool', 'or', undefined],
  'hosting.ssi': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.ssl': ['bool', 'or', 'permissions.manage_hosting'],
  'hosting.webstat': ['enum', 'none', 'permissions.manage_hosting'],
  'php.memory_limit': ['size', 'max', 'permissions.manage_php_settings'],
  'php.upload_max_filesize': ['size', 'max', 'permissions.manage_php_settings'],
  'php.post_max_size': ['size', 'max', 'permissions.manage_php_settings'],
  'php.max_execution_time': ['seconds', 'max', 'permissions.manage_php_settings'],
  'php.display_errors': ['bool', 'or', 'permissions.manage_php_settings'],
  'permissions.manage_php_settings': ['bool', 'or', undefined],
  'permissions.manage_php_version': ['bool', 'or', undefined],
  'permissions.manage_hosting': ['bool', 'or', undefined],
  'permissions.manage_dns': ['bool', 'or', undefined],
  'permissions.manage_mail': ['bool', 'or', undefined],
  'permissions.manage_databases': ['bool', 'or', undefined],
  'permissions.manage_subdomains': ['bool', 'or', undefined],
  'permissions.manage_ftp': ['bool', 'or', undefined],
};

/** SPEC §2 "Defaults". `undefined` = unset. */
const SPEC_DEFAULTS: Record<string, unknown> = {
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
  'hosting.php_version': undefined,
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
  'php.memory_limit': undefined,
  'php.upload_max_filesize': undefined,
  'php.post_max_size': undefined,
  'php.max_execution_time': undefined,
  'php.display_errors': undefined,
  'permissions.manage_php_settings': false,
  'permissions.manage_php_version': false,
  'permissions.manage_hosting': false,
  'permissions.manage_dns': false,
  'permissions.manage_mail': false,
  'permissions.manage_databases': false,
  'permissions.manage_subdomains': false,
  'permissions.manage_ftp': false,
};

describe('property catalogue', () => {
  it('has exactly the keys of SPEC §2', () => {
    // The reseller-only keys (`reseller.*`) come from SPEC §6, not §2.
    expect(PROPERTY_KEYS.filter((k) => !isResellerOnly(k)).sort()).toEqual(Object.keys(SPEC_TABLE).sort());
    expect(new Set(PROPERTY_KEYS).size).toBe(PROPERTY_KEYS.length);
    expect([...PERMISSION_KEYS].sort()).toEqual(PROPERTY_KEYS.filter((k) => k.startsWith('permissions.')).sort());
  });

  it.each(Object.entries(SPEC_TABLE))('%s: type, combine and delegation as in SPEC §2', (key, [kind, combine, delegatedBy]) => {
    const def = PROPERTIES.get(key)!;
    expect(def.key).toBe(key);
    expect(def.type.kind).toBe(kind);
    expect(def.combine).toBe(combine);
    expect(def.delegatedBy).toBe(delegatedBy);
    expect(def.inAddons).toBe(combine !== 'none');
    expect(def.description.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(SPEC_DEFAULTS))('%s defaults to %j', (key, value) => {
    expect(PROPERTIES.get(key)!.default).toBe(value);
  });

  it('enums list their values', () => {
    expect(PROPERTIES.get('hosting.php_handler')!.type).toEqual({ kind: 'enum', values: ['fpm', 'fastcgi', 'cgi'] });
    expect(PROPERTIES.get('hosting.webstat')!.type).toEqual({ kind: 'enum', values: ['none', 'awstats', 'webalizer'] });
  });

  it.each([
    ['limits.mailboxes', ['postfix', 'exim']],
    ['limits.databases', ['mariadb', 'mysql', 'postgresql']],
    ['limits.ftp_accounts', ['proftpd', 'vsftpd', 'pure-ftpd']],
    ['hosting.web', ['nginx', 'apache']],
    ['hosting.cgi', ['fcgiwrap']],
    ['hosting.hard_quota', ['quota']],
    ['hosting.ssi', ['nginx', 'apache']],
    ['hosting.ssl', ['nginx', 'apache']],
    ['hosting.php', ['php']],
    ['hosting.perl', ['perl']],
    ['hosting.python', ['python3']],
    ['hosting.nodejs', ['node']],
    ['hosting.miva', ['mivavm']],
  ])('%s needs one of %j', (key, anyOf) => {
    expect(PROPERTIES.get(key)!.requires).toMatchObject({ kind: 'component', anyOf });
  });

  it.each([
    ['limits.disk_space', 'disk'],
    ['hosting.php_version', 'php-version'],
    ['hosting.php_handler', 'php-fpm'],
    ['hosting.webstat', 'tool-by-value'],
  ])('%s has a %s requirement', (key, kind) => {
    expect(PROPERTIES.get(key)!.requires).toEqual({ kind });
  });

  it('requirements that depend on another property name it', () => {
    const deps = Object.fromEntries(PROPERTY_KEYS.filter((k) => PROPERTIES.get(k)!.dependsOn).map((k) => [k, PROPERTIES.get(k)!.dependsOn]));
    expect(deps).toEqual({
      'hosting.php_version': 'hosting.php',
      'hosting.php_handler': 'hosting.php',
      'hosting.cgi': 'hosting.web',
      'hosting.ssi': 'hosting.web',
      'hosting.ssl': 'hosting.web',
      'hosting.webstat': 'hosting.web',
    });
    // a dependency is evaluated before its dependants
    for (const [k, dep] of Object.entries(deps)) expect(PROPERTY_KEYS.indexOf(dep!)).toBeLessThan(PROPERTY_KEYS.indexOf(k));
  });

  it('every component a requirement names is a known component', () => {
    for (const key of PROPERTY_KEYS) {
      const req = PROPERTIES.get(key)!.requires;
      if (req?.kind === 'component') for (const c of req.anyOf) expect(COMPONENT_NAMES).toContain(c);
    }
  });

  it('unknown keys have no definition', () => {
    expect(PROPERTIES.get('limits.nope')).toBeUndefined();
  });
});

describe('withDefaults', () => {
  it('fills every default and leaves the unset keys unset', () => {
    const expected = Object.fromEntries(Object.entries(SPEC_DEFAULTS).filter(([, v]) => v !== undefined));
    expect(withDefaults({})).toEqual(expected);
    expect('hosting.php_version' in withDefaults({})).toBe(false);
    expect('php.memory_limit' in withDefaults({})).toBe(false);
  });

  it('keeps given values (including false and 0) and drops unknown keys', () => {
    const out = withDefaults({ 'hosting.web': false, 'limits.websites': 0, 'php.memory_limit': 1024, 'bogus.key': 1 });
    expect(out['hosting.web']).toBe(false);
    expect(out['limits.websites']).toBe(0);
    expect(out['php.memory_limit']).toBe(1024);
    expect('bogus.key' in out).toBe(false);
  });
});

describe('components', () => {
  it.each([
    ['8.2.12', '8.2'],
    ['8.2', '8.2'],
    ['7.4.33-1+deb12u1', '7.4'],
    ['10.11.6-MariaDB', '10.11'],
    ['8', undefined],
    ['', undefined],
    [undefined, undefined],
    ['v8.2.1', undefined],
  ])('majorMinor(%j) = %j', (v, mm) => {
    expect(majorMinor(v)).toBe(mm);
  });

  it('isComponentName', () => {
    expect(isComponentName('php-fpm')).toBe(true);
    expect(isComponentName('mivavm')).toBe(true);
    expect(isComponentName('miva')).toBe(false);
    expect(isComponentName('')).toBe(false);
  });
});

describe('errors', () => {
  it.each([
    [new InvalidArgumentError('limits.disk_space', 'bad'), 'INVALID_ARGUMENT', 'InvalidArgumentError'],
    [new NotFoundError('plan', 'Gold'), 'NOT_FOUND', 'NotFoundError'],
    [new AlreadyExistsError('addon', 'Extra'), 'ALREADY_EXISTS', 'AlreadyExistsError'],
    [new FailedPreconditionError('no'), 'FAILED_PRECONDITION', 'FailedPreconditionError'],
    [new ConflictError('plan', 'Gold', 3, 4), 'ABORTED', 'ConflictError'],
    [new PermissionDeniedError('no'), 'PERMISSION_DENIED', 'PermissionDeniedError'],
    [new UnauthenticatedError('no'), 'UNAUTHENTICATED', 'UnauthenticatedError'],
    [new ResourceExhaustedError('no'), 'RESOURCE_EXHAUSTED', 'ResourceExhaustedError'],
  ])('%s has code %s', (err, code, name) => {
    expect(err).toBeInstanceOf(HostplaneError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    expect(isHostplaneError(err)).toBe(true);
  });

  it('messages name the entity', () => {
    expect(new NotFoundError('plan', 'Gold').message).toBe("plan 'Gold' not found");
    expect(new AlreadyExistsError('addon', 'Extra').message).toBe("addon 'Extra' already exists");
    expect(new AlreadyExistsError('addon', 'Extra', 'custom text').message).toBe('custom text');
    const c = new ConflictError('plan', 'Gold', 3, 4);
    expect(c.message).toBe("plan 'Gold' is at version 4, not 3: reload and retry");
    expect([c.expectedVersion, c.actualVersion]).toEqual([3, 4]);
  });

  it('InvalidArgumentError keeps field and cause', () => {
    const cause = new Error('root');
    const err = new InvalidArgumentError('name', 'name: bad', { cause });
    expect(err.field).toBe('name');
    expect(err.cause).toBe(cause);
  });

  it('isHostplaneError is false for other errors', () => {
    expect(isHostplaneError(new Error('x'))).toBe(false);
    expect(isHostplaneError('x')).toBe(false);
    expect(isHostplaneError(null)).toBe(false);
  });
});
