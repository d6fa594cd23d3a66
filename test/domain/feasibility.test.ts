import { describe, expect, it } from 'vitest';
import { UNLIMITED, type CapabilityReport, type Value, type Values } from '@hostplane/shared';
import { checkFeasibility, combinePlanValues, nearestPhpVersion } from '../../controller/src/domain/index.js';
import { FULL_REPORT, GiB, MiB, TiB, report, rows } from './fixtures.js';

interface Row {
  rule: string;
  plan: Values;
  report: CapabilityReport | null;
  current?: Values;
  conflicts: { property: string; planValue: Value | null; availableValue: Value | null }[];
  /** Provided values to check beyond "desired, with each conflict's available value". */
  provided?: Values;
}

const PHP: Values = { 'hosting.php': true };
const NO_PHP = report({ without: ['php', 'php-fpm'] });

const ROWS: Row[] = [
  // ---- nothing missing ----
  {
    rule: 'a well-equipped host provides everything',
    plan: {
      'limits.disk_space': 10 * GiB,
      'limits.mailboxes': 10,
      'limits.databases': 5,
      'limits.ftp_accounts': 2,
      'hosting.php': true,
      'hosting.php_version': '8.2',
      'hosting.miva': true,
      'hosting.perl': true,
      'hosting.python': true,
      'hosting.nodejs': true,
      'hosting.cgi': true,
      'hosting.ssi': true,
      'hosting.ssl': true,
      'hosting.webstat': 'awstats',
    },
    report: FULL_REPORT,
    conflicts: [],
  },
  { rule: 'defaults are provided by a well-equipped host', plan: {}, report: FULL_REPORT, conflicts: [] },
  { rule: 'no report: no conflicts, even for what no host has', plan: { 'hosting.miva': true, 'limits.disk_space': 100 * TiB, 'hosting.php': true, 'hosting.php_version': '9.9' }, report: null, conflicts: [] },

  // ---- components ----
  { rule: 'Miva missing → false', plan: { 'hosting.miva': true }, report: report({ without: ['mivavm'] }), conflicts: [{ property: 'hosting.miva', planValue: true, availableValue: false }] },
  { rule: 'Miva not asked → nothing to check', plan: { 'hosting.miva': false }, report: report({ without: ['mivavm'] }), conflicts: [] },
  { rule: 'Perl missing → false', plan: { 'hosting.perl': true }, report: report({ without: ['perl'] }), conflicts: [{ property: 'hosting.perl', planValue: true, availableValue: false }] },
  { rule: 'Python 3 missing → false', plan: { 'hosting.python': true }, report: report({ without: ['python3'] }), conflicts: [{ property: 'hosting.python', planValue: true, availableValue: false }] },
  { rule: 'CGI without fcgiwrap → false (nginx runs CGI through fcgiwrap)', plan: { 'hosting.cgi': true }, report: report({ without: ['fcgiwrap'] }), conflicts: [{ property: 'hosting.cgi', planValue: true, availableValue: false }] },
  { rule: 'a hard quota without user quotas on the vhosts filesystem → false', plan: { 'hosting.hard_quota': true }, report: report({ without: ['quota'] }), conflicts: [{ property: 'hosting.hard_quota', planValue: true, availableValue: false }] },
  { rule: 'a hard quota with user quotas → provided', plan: { 'hosting.hard_quota': true }, report: report({}), conflicts: [] },
  { rule: 'Node.js missing → false', plan: { 'hosting.nodejs': true }, report: report({ without: ['node'] }), conflicts: [{ property: 'hosting.nodejs', planValue: true, availableValue: false }] },

  // ---- PHP version ----
  { rule: 'PHP version installed → provided as asked', plan: { ...PHP, 'hosting.php_version': '8.1' }, report: FULL_REPORT, conflicts: [], provided: { 'hosting.php_version': '8.1' } },
  { rule: 'PHP version unset → the highest installed', plan: PHP, report: FULL_REPORT, conflicts: [], provided: { 'hosting.php_version': '8.2' } },
  {
    rule: 'PHP version unset → the highest installed, numerically (8.10 > 8.9)',
    plan: PHP,
    report: report({ php: ['8.9.1', '8.10.0', '7.4.33'], fpm: ['8.10.0'] }),
    conflicts: [],
    provided: { 'hosting.php_version': '8.10' },
  },
  { rule: 'PHP version missing → highest installed below it', plan: { ...PHP, 'hosting.php_version': '8.3' }, report: FULL_REPORT, conflicts: [{ property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' }] },
  { rule: 'PHP version missing → highest installed below it, not the highest overall', plan: { ...PHP, 'hosting.php_version': '8.0' }, report: FULL_REPORT, conflicts: [{ property: 'hosting.php_version', planValue: '8.0', availableValue: '7.4' }] },
  {
    rule: 'PHP version missing, nothing below it → the lowest installed',
    plan: { ...PHP, 'hosting.php_version': '5.6' },
    report: report({ php: ['8.3.0', '8.1.27'], fpm: ['8.3.0', '8.1.27'] }),
    conflicts: [{ property: 'hosting.php_version', planValue: '5.6', availableValue: '8.1' }],
  },
  {
    rule: 'PHP version missing: the current provided version is kept while still installed',
    plan: { ...PHP, 'hosting.php_version': '8.3' },
    report: FULL_REPORT,
    current: { 'hosting.php_version': '7.4' },
    conflicts: [{ property: 'hosting.php_version', planValue: '8.3', availableValue: '7.4' }],
  },
  {
    rule: 'PHP version missing: a current version no longer installed gives way to the nearest',
    plan: { ...PHP, 'hosting.php_version': '8.3' },
    report: FULL_REPORT,
    current: { 'hosting.php_version': '5.6' },
    conflicts: [{ property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' }],
  },
  {
    rule: 'PHP version installed: the current provided version does not matter',
    plan: { ...PHP, 'hosting.php_version': '8.2' },
    report: FULL_REPORT,
    current: { 'hosting.php_version': '7.4' },
    conflicts: [],
    provided: { 'hosting.php_version': '8.2' },
  },
  { rule: 'PHP off → the PHP version is not checked', plan: { 'hosting.php': false, 'hosting.php_version': '9.9' }, report: FULL_REPORT, conflicts: [], provided: { 'hosting.php_version': '9.9' } },

  // ---- PHP handler ----
  {
    rule: 'fpm without php-fpm of the provided version → fastcgi',
    plan: { ...PHP, 'hosting.php_version': '8.2' },
    report: report({ fpm: ['8.1.27'] }),
    conflicts: [{ property: 'hosting.php_handler', planValue: 'fpm', availableValue: 'fastcgi' }],
  },
  {
    rule: 'fpm checked against the provided (highest) version when the version is unset',
    plan: PHP,
    report: report({ fpm: ['7.4.33', '8.1.27'] }),
    conflicts: [{ property: 'hosting.php_handler', planValue: 'fpm', availableValue: 'fastcgi' }],
    provided: { 'hosting.php_version': '8.2' },
  },
  {
    rule: 'fpm checked against the provided version, not the requested one: one row for the missing PHP',
    plan: { ...PHP, 'hosting.php_version': '8.3' },
    report: FULL_REPORT,
    conflicts: [{ property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' }],
    provided: { 'hosting.php_handler': 'fpm' },
  },
  {
    rule: 'missing PHP version whose nearest has no php-fpm → two missing components, two rows',
    plan: { ...PHP, 'hosting.php_version': '8.3' },
    report: report({ fpm: ['8.1.27'] }),
    conflicts: [
      { property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2' },
      { property: 'hosting.php_handler', planValue: 'fpm', availableValue: 'fastcgi' },
    ],
  },
  {
    rule: 'fpm missing: a current provided cgi handler is kept',
    plan: PHP,
    report: report({ without: ['php-fpm'] }),
    current: { 'hosting.php_handler': 'cgi' },
    conflicts: [{ property: 'hosting.php_handler', planValue: 'fpm', availableValue: 'cgi' }],
  },
  {
    rule: 'fpm missing: a current fpm handler gives way to fastcgi',
    plan: PHP,
    report: report({ without: ['php-fpm'] }),
    current: { 'hosting.php_handler': 'fpm' },
    conflicts: [{ property: 'hosting.php_handler', planValue: 'fpm', availableValue: 'fastcgi' }],
  },
  { rule: 'fastcgi needs no php-fpm', plan: { ...PHP, 'hosting.php_handler': 'fastcgi' }, report: report({ without: ['php-fpm'] }), conflicts: [] },
  { rule: 'cgi needs no php-fpm', plan: { ...PHP, 'hosting.php_handler': 'cgi' }, report: report({ without: ['php-fpm'] }), conflicts: [] },

  // ---- no PHP at all: one row, no cascade ----
  {
    rule: 'PHP asked, no PHP at all → exactly one row (hosting.php), not version/handler',
    plan: { ...PHP, 'hosting.php_version': '8.2', 'hosting.php_handler': 'fpm' },
    report: NO_PHP,
    conflicts: [{ property: 'hosting.php', planValue: true, availableValue: false }],
  },
  { rule: 'PHP asked with version unset, no PHP at all → exactly one row', plan: PHP, report: NO_PHP, conflicts: [{ property: 'hosting.php', planValue: true, availableValue: false }] },
  { rule: 'PHP not asked, no PHP at all → nothing', plan: { 'hosting.php_version': '8.2' }, report: NO_PHP, conflicts: [] },

  // ---- web server: one row, no cascade ----
  {
    rule: 'no web server → exactly one row (hosting.web), not cgi/ssi/ssl/webstat',
    plan: { 'hosting.cgi': true, 'hosting.ssi': true, 'hosting.ssl': true, 'hosting.webstat': 'awstats' },
    report: report({ without: ['nginx', 'awstats'] }),
    conflicts: [{ property: 'hosting.web', planValue: true, availableValue: false }],
  },
  { rule: 'apache is a web server', plan: { 'hosting.ssl': true, 'hosting.cgi': true }, report: report({ without: ['nginx'], extra: [{ name: 'apache', version: '2.4.62' }] }), conflicts: [] },
  { rule: 'web hosting off needs no web server', plan: { 'hosting.web': false, 'hosting.ssl': true }, report: report({ without: ['nginx'] }), conflicts: [] },

  // ---- disk ----
  { rule: 'disk quota above allocatable → the allocatable bytes', plan: { 'limits.disk_space': 300 * GiB }, report: FULL_REPORT, conflicts: [{ property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 180 * GiB }] },
  {
    rule: 'disk quota above allocatable → the allocatable bytes floored to MiB',
    plan: { 'limits.disk_space': 200 * GiB },
    report: report({ allocatable: 100 * GiB + 5 * MiB + 12345 }),
    conflicts: [{ property: 'limits.disk_space', planValue: 200 * GiB, availableValue: 100 * GiB + 5 * MiB }],
  },
  {
    rule: 'disk quota between the floored and the raw allocatable → the floored value',
    plan: { 'limits.disk_space': 100 * GiB + 1000 },
    report: report({ allocatable: 100 * GiB + 5000 }),
    conflicts: [{ property: 'limits.disk_space', planValue: 100 * GiB + 1000, availableValue: 100 * GiB }],
  },
  { rule: 'less than a MiB allocatable → 0', plan: { 'limits.disk_space': 1 * GiB }, report: report({ allocatable: 512 * 1024 }), conflicts: [{ property: 'limits.disk_space', planValue: 1 * GiB, availableValue: 0 }] },
  { rule: 'disk quota equal to allocatable fits', plan: { 'limits.disk_space': 180 * GiB }, report: FULL_REPORT, conflicts: [] },
  { rule: 'unlimited disk quota needs no disk check', plan: { 'limits.disk_space': UNLIMITED }, report: report({ allocatable: 1 * MiB }), conflicts: [] },
  { rule: 'no disk in the report → no disk check', plan: { 'limits.disk_space': 100 * TiB }, report: report({ allocatable: null }), conflicts: [] },
  {
    rule: 'disk quota above allocatable: the current provided quota is kept while it fits',
    plan: { 'limits.disk_space': 300 * GiB },
    report: FULL_REPORT,
    current: { 'limits.disk_space': 50 * GiB },
    conflicts: [{ property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 50 * GiB }],
  },
  {
    rule: 'disk quota above allocatable: a current quota that no longer fits gives way to allocatable',
    plan: { 'limits.disk_space': 300 * GiB },
    report: FULL_REPORT,
    current: { 'limits.disk_space': 250 * GiB },
    conflicts: [{ property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 180 * GiB }],
  },
  {
    rule: 'disk quota above allocatable: a current unlimited quota gives way to allocatable',
    plan: { 'limits.disk_space': 300 * GiB },
    report: FULL_REPORT,
    current: { 'limits.disk_space': UNLIMITED },
    conflicts: [{ property: 'limits.disk_space', planValue: 300 * GiB, availableValue: 180 * GiB }],
  },

  // ---- services behind counts ----
  { rule: 'mailboxes > 0 without postfix or exim → 0', plan: { 'limits.mailboxes': 10 }, report: report({ without: ['postfix'] }), conflicts: [{ property: 'limits.mailboxes', planValue: 10, availableValue: 0 }] },
  { rule: 'unlimited mailboxes without a mail server → 0', plan: { 'limits.mailboxes': UNLIMITED }, report: report({ without: ['postfix'] }), conflicts: [{ property: 'limits.mailboxes', planValue: UNLIMITED, availableValue: 0 }] },
  { rule: 'mailboxes with exim only', plan: { 'limits.mailboxes': 10 }, report: report({ without: ['postfix'], extra: [{ name: 'exim', version: '4.96' }] }), conflicts: [] },
  { rule: '0 mailboxes need no mail server', plan: { 'limits.mailboxes': 0 }, report: report({ without: ['postfix'] }), conflicts: [] },
  { rule: 'default mailboxes (0) need no mail server', plan: {}, report: report({ without: ['postfix'] }), conflicts: [] },
  { rule: 'databases > 0 without a database server → 0', plan: { 'limits.databases': 5 }, report: report({ without: ['mariadb'] }), conflicts: [{ property: 'limits.databases', planValue: 5, availableValue: 0 }] },
  { rule: 'databases with mysql', plan: { 'limits.databases': 5 }, report: report({ without: ['mariadb'], extra: [{ name: 'mysql', version: '8.0.36' }] }), conflicts: [] },
  { rule: 'databases with postgresql', plan: { 'limits.databases': 5 }, report: report({ without: ['mariadb'], extra: [{ name: 'postgresql', version: '15.6' }] }), conflicts: [] },
  { rule: '0 databases need no database server', plan: { 'limits.databases': 0 }, report: report({ without: ['mariadb'] }), conflicts: [] },
  { rule: 'FTP accounts > 0 without an FTP server → 0', plan: { 'limits.ftp_accounts': 3 }, report: report({ without: ['proftpd'] }), conflicts: [{ property: 'limits.ftp_accounts', planValue: 3, availableValue: 0 }] },
  { rule: 'FTP accounts with vsftpd', plan: { 'limits.ftp_accounts': 3 }, report: report({ without: ['proftpd'], extra: [{ name: 'vsftpd', version: '3.0.3' }] }), conflicts: [] },
  { rule: 'FTP accounts with pure-ftpd', plan: { 'limits.ftp_accounts': 3 }, report: report({ without: ['proftpd'], extra: [{ name: 'pure-ftpd', version: '1.0.50' }] }), conflicts: [] },

  // ---- web statistics ----
  { rule: 'awstats missing → none', plan: { 'hosting.webstat': 'awstats' }, report: report({ without: ['awstats'] }), conflicts: [{ property: 'hosting.webstat', planValue: 'awstats', availableValue: 'none' }] },
  { rule: 'webalizer missing → none', plan: { 'hosting.webstat': 'webalizer' }, report: report({ without: ['webalizer'] }), conflicts: [{ property: 'hosting.webstat', planValue: 'webalizer', availableValue: 'none' }] },
  {
    rule: 'awstats missing: the current provided webalizer is kept while installed',
    plan: { 'hosting.webstat': 'awstats' },
    report: report({ without: ['awstats'] }),
    current: { 'hosting.webstat': 'webalizer' },
    conflicts: [{ property: 'hosting.webstat', planValue: 'awstats', availableValue: 'webalizer' }],
  },
  {
    rule: 'awstats missing: a current webalizer no longer installed gives way to none',
    plan: { 'hosting.webstat': 'awstats' },
    report: report({ without: ['awstats', 'webalizer'] }),
    current: { 'hosting.webstat': 'webalizer' },
    conflicts: [{ property: 'hosting.webstat', planValue: 'awstats', availableValue: 'none' }],
  },
  { rule: 'webstat none needs nothing', plan: { 'hosting.webstat': 'none' }, report: report({ without: ['awstats', 'webalizer'] }), conflicts: [] },

  // ---- several at once ----
  {
    rule: 'several missing components → one row each, in catalogue order',
    plan: { 'hosting.miva': true, 'limits.mailboxes': 5, 'limits.databases': 2, 'limits.disk_space': 1 * TiB },
    report: report({ without: ['mivavm', 'postfix', 'mariadb'] }),
    conflicts: [
      { property: 'limits.disk_space', planValue: 1 * TiB, availableValue: 180 * GiB },
      { property: 'limits.mailboxes', planValue: 5, availableValue: 0 },
      { property: 'limits.databases', planValue: 2, availableValue: 0 },
      { property: 'hosting.miva', planValue: true, availableValue: false },
    ],
  },
];

describe('checkFeasibility: one row per rule', () => {
  it.each(ROWS)('$rule', ({ plan, report: rep, current, conflicts, provided }) => {
    const desired = combinePlanValues(plan, []);
    const snapshot = structuredClone(desired);
    const result = checkFeasibility(desired, rep, current ?? null);
    expect(rows(result.conflicts)).toEqual(conflicts);
    for (const c of result.conflicts) expect(c.reason.length).toBeGreaterThan(0);

    // provided = desired, except that each conflicting property takes its available value
    const expectedProvided: Values = { ...desired };
    if (rep && desired['hosting.php'] === true && desired['hosting.php_version'] === undefined && !conflicts.some((c) => c.property === 'hosting.php')) {
      // an unset PHP version is provided as the highest installed one (asserted via `provided`)
      expectedProvided['hosting.php_version'] = result.providedValues['hosting.php_version']!;
    }
    for (const c of conflicts) expectedProvided[c.property] = c.availableValue!;
    expect(result.providedValues).toEqual(expectedProvided);
    for (const [k, v] of Object.entries(provided ?? {})) expect(result.providedValues[k], k).toBe(v);
    expect(desired).toEqual(snapshot);
  });
});

describe('conflict reasons say what is missing', () => {
  it.each([
    [{ 'hosting.miva': true }, report({ without: ['mivavm'] }), 'Miva Empresa (mivavm) is not installed on the host'],
    [{ 'limits.mailboxes': 1 }, report({ without: ['postfix'] }), 'a mail server (postfix or exim) is not installed on the host'],
    [{ 'limits.databases': 1 }, report({ without: ['mariadb'] }), 'a database server (mariadb, mysql or postgresql) is not installed on the host'],
    [{ 'limits.ftp_accounts': 1 }, report({ without: ['proftpd'] }), 'an FTP server (proftpd, vsftpd or pure-ftpd) is not installed on the host'],
    [{ 'hosting.php': true }, NO_PHP, 'PHP is not installed on the host'],
    [{ 'hosting.php': true, 'hosting.php_version': '8.3' }, FULL_REPORT, 'PHP 8.3 is not installed (installed: 7.4, 8.1, 8.2)'],
    [{ 'hosting.php': true }, report({ fpm: [] }), 'php-fpm 8.2 is not installed'],
    [{ 'limits.disk_space': 300 * GiB }, FULL_REPORT, 'the quota 300G exceeds the 180G allocatable on the vhosts filesystem'],
    [{ 'hosting.webstat': 'awstats' }, report({ without: ['awstats'] }), 'awstats is not installed on the host'],
    [{}, report({ without: ['nginx'] }), 'a web server (nginx or apache) is not installed on the host'],
  ] as [Values, CapabilityReport, string][])('%j', (plan, rep, reason) => {
    const { conflicts } = checkFeasibility(combinePlanValues(plan, []), rep);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.reason).toBe(reason);
  });
});

describe('checkFeasibility without a report', () => {
  it('takes every desired value as provided, unchanged', () => {
    const desired = combinePlanValues({ 'hosting.php': true, 'hosting.miva': true, 'limits.disk_space': 5 * TiB }, []);
    const { providedValues, conflicts } = checkFeasibility(desired, null);
    expect(conflicts).toEqual([]);
    expect(providedValues).toEqual(desired);
    expect(providedValues).not.toBe(desired);
    expect('hosting.php_version' in providedValues).toBe(false);
  });
});

describe('nearestPhpVersion', () => {
  it.each([
    ['8.3', ['7.4', '8.1', '8.2'], '8.2'],
    ['8.2', ['7.4', '8.1', '8.2'], '8.2'],
    ['8.0', ['7.4', '8.1', '8.2'], '7.4'],
    ['7.0', ['7.4', '8.2'], '7.4'],
    ['5.6', ['8.3', '8.1'], '8.1'], // unsorted input: still the lowest
    ['8.3', ['8.2', '7.4', '8.1'], '8.2'], // unsorted input: still the highest below
    ['8.9', ['8.10', '8.2'], '8.2'], // numeric, not lexicographic
    ['8.11', ['8.10', '8.9', '9.0'], '8.10'],
    ['9.0', [], undefined],
  ] as [string, string[], string | undefined][])('%s among %j → %j', (requested, installed, expected) => {
    expect(nearestPhpVersion(requested, installed)).toBe(expected);
  });
});
