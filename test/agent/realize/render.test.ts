/**
 * Renderers: the exact nginx and php-fpm text for each kind of subscription, compared with golden
 * files in ./golden (regenerate after a deliberate change with UPDATE_GOLDEN=1, then review the
 * diff), and the reading of values into settings.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Values } from '@hostplane/shared';
import {
  phpSize,
  renderNginxSite,
  renderPhpFpmPool,
  renderSubscription,
  serverNames,
  siteSpec,
  type DesiredSubscription,
  type Layout,
} from '../../../agent/src/realize/index.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const layout: Layout = { vhostsRoot: '/var/www/vhosts', configDir: '/etc/hostplane' };
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const sub = (values: Values, state: 'active' | 'suspended' = 'active', name = 'example.com'): DesiredSubscription => ({ name, generation: 1, state, values });

async function expectGolden(file: string, text: string): Promise<void> {
  const at = path.join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN) {
    await fs.mkdir(GOLDEN, { recursive: true });
    await fs.writeFile(at, text);
  }
  expect(text).toBe(await fs.readFile(at, 'utf8'));
}

const phpFpm: Values = {
  'hosting.php': true,
  'hosting.php_version': '8.2',
  'hosting.php_handler': 'fpm',
  'php.memory_limit': 256 * MiB,
  'php.upload_max_filesize': 64 * MiB,
  'php.post_max_size': GiB,
  'php.max_execution_time': 120,
  'php.display_errors': false,
  'limits.disk_space': 10 * GiB,
};

describe('nginx server block', () => {
  it.each([
    { file: 'nginx-static.conf', sub: sub({}), cert: false },
    { file: 'nginx-php-fpm.conf', sub: sub(phpFpm), cert: false },
    { file: 'nginx-php-fastcgi.conf', sub: sub({ 'hosting.php': true, 'hosting.php_version': '7.4', 'hosting.php_handler': 'fastcgi' }), cert: false },
    { file: 'nginx-ssl-ssi.conf', sub: sub({ ...phpFpm, 'hosting.ssl': true, 'hosting.ssi': true }), cert: true },
    { file: 'nginx-ssl-no-certificate.conf', sub: sub({ 'hosting.ssl': true }), cert: false },
    { file: 'nginx-suspended.conf', sub: sub(phpFpm, 'suspended'), cert: false },
    { file: 'nginx-suspended-ssl.conf', sub: sub({ ...phpFpm, 'hosting.ssl': true }, 'suspended'), cert: true },
    { file: 'nginx-cgi.conf', sub: sub({ 'hosting.cgi': true }), cert: false },
  ])('$file', async ({ file, sub: s, cert }) => {
    await expectGolden(file, renderNginxSite(siteSpec(s), { layout, hasCertificate: cert }));
  });

  it('listens where it is told', () => {
    const text = renderNginxSite(siteSpec(sub({ 'hosting.ssl': true })), { layout, hasCertificate: true, listen: ['127.0.0.1:8080'], listenTls: ['127.0.0.1:8443'] });
    // HTTP (redirecting, and answering ACME challenges) and HTTPS, each where it is told
    expect(text).toContain('server {\n    listen 127.0.0.1:8080;\n    server_name');
    expect(text).toContain('server {\n    listen 127.0.0.1:8443 ssl;\n');
    expect(text).toContain('return 301 https://$host$request_uri;');
    expect(text).not.toContain('listen 80');
  });

  it('serves the name and its www. alias, not www.www.', () => {
    expect(serverNames('example.com')).toEqual(['example.com', 'www.example.com']);
    expect(serverNames('www.example.com')).toEqual(['www.example.com']);
  });
});

describe('php-fpm pool', () => {
  it.each([
    { file: 'pool-settings.conf', values: phpFpm, user: 'hp_example_com', group: 'hp_example_com' },
    { file: 'pool-defaults.conf', values: { 'hosting.php': true, 'hosting.php_version': '8.3' }, user: 'web', group: 'webgroup' },
    { file: 'pool-display-errors-on.conf', values: { 'hosting.php': true, 'hosting.php_version': '8.1', 'php.display_errors': true, 'php.memory_limit': 1000 }, user: 'hp_example_com', group: 'hp_example_com' },
  ])('$file', async ({ file, values, user, group }) => {
    await expectGolden(file, renderPhpFpmPool(siteSpec(sub(values)), { layout, user, group, socketOwner: 'www-data', socketGroup: 'www-data' }));
  });

  it.each([
    [0, '0'],
    [1000, '1000'],
    [1024, '1K'],
    [1536, '1536'],
    [256 * MiB, '256M'],
    [1536 * MiB, '1536M'],
    [2 * GiB, '2G'],
    [1024 * GiB, '1024G'], // PHP knows no T
  ])('phpSize(%d) = %s', (bytes, text) => {
    expect(phpSize(bytes)).toBe(text);
  });
});

describe('renderSubscription: the files a subscription owns', () => {
  const ctx = { layout, user: 'hp_example_com', group: 'hp_example_com', webUser: 'www-data', webGroup: 'www-data', hasCertificate: false };
  const files = (values: Values, state: 'active' | 'suspended' = 'active') => renderSubscription(siteSpec(sub(values, state)), ctx).files.map((f) => f.path);

  it.each([
    { case: 'static site: the server block only', values: {}, state: 'active' as const, expected: ['/etc/hostplane/nginx/example.com.conf'] },
    { case: 'PHP with fpm: server block and pool of its version', values: phpFpm, state: 'active' as const, expected: ['/etc/hostplane/nginx/example.com.conf', '/etc/hostplane/php/8.2/fpm/pool.d/example.com.conf'] },
    { case: 'PHP with fastcgi: no pool', values: { 'hosting.php': true, 'hosting.php_version': '8.2', 'hosting.php_handler': 'fastcgi' }, state: 'active' as const, expected: ['/etc/hostplane/nginx/example.com.conf'] },
    { case: 'PHP off but a version set: no pool', values: { 'hosting.php': false, 'hosting.php_version': '8.2' }, state: 'active' as const, expected: ['/etc/hostplane/nginx/example.com.conf'] },
    { case: 'suspended: the server block, no pool', values: phpFpm, state: 'suspended' as const, expected: ['/etc/hostplane/nginx/example.com.conf'] },
    { case: 'no web hosting: no files', values: { ...phpFpm, 'hosting.web': false }, state: 'active' as const, expected: [] },
  ])('$case', ({ values, state, expected }) => {
    expect(files(values, state)).toEqual(expected);
  });

  it("always has the webspace: root's, with httpdocs for the site and the web server, root-owned logs, a private tmp", () => {
    const r = renderSubscription(siteSpec(sub({ 'hosting.web': false })), ctx);
    expect(r.webspace).toBe('/var/www/vhosts/example.com');
    const w = '/var/www/vhosts/example.com';
    expect(r.entries.map((e) => `${e.kind} ${e.path} ${e.owner}:${e.group} ${e.mode.toString(8)}`)).toEqual([
      `dir ${w} root:root 755`,
      `dir ${w}/httpdocs site:web 750`,
      `dir ${w}/logs root:site 750`,
      `file ${w}/logs/access.log web:site 640`,
      `file ${w}/logs/error.log web:site 640`,
      `dir ${w}/tmp site:site 700`,
    ]);
  });

  it('PHP adds its error log for the site user; CGI its cgi-bin and log, and a runner unless suspended', () => {
    const w = '/var/www/vhosts/example.com';
    const php = renderSubscription(siteSpec(sub(phpFpm)), ctx);
    expect(php.entries.at(-1)).toEqual({ path: `${w}/logs/php_error.log`, kind: 'file', owner: 'site', group: 'site', mode: 0o640 });
    const cgi = renderSubscription(siteSpec(sub({ 'hosting.cgi': true })), ctx);
    expect(cgi.entries.slice(-2).map((e) => e.path)).toEqual([`${w}/cgi-bin`, `${w}/logs/cgi_error.log`]);
    expect(cgi.cgi).toBe(true);
    expect(renderSubscription(siteSpec(sub({ 'hosting.cgi': true }, 'suspended')), ctx).cgi).toBe(false);
    expect(renderSubscription(siteSpec(sub({ 'hosting.cgi': true, 'hosting.web': false })), ctx).cgi).toBe(false);
  });

  it('renders the same text for the same input', () => {
    const a = renderSubscription(siteSpec(sub(phpFpm)), ctx);
    const b = renderSubscription(siteSpec(sub({ ...phpFpm })), ctx);
    expect(a).toEqual(b);
  });
});

describe('siteSpec: values read into settings', () => {
  it('takes catalogue defaults for absent keys (web on, fpm handler, no SSL)', () => {
    expect(siteSpec(sub({ 'hosting.php': true, 'hosting.php_version': '8.2' }))).toEqual({
      name: 'example.com',
      suspended: false,
      web: true,
      ssl: false,
      ssi: false,
      cgi: false,
      hardQuotaBytes: null,
      php: { version: '8.2', handler: 'fpm', settings: {} },
    });
  });

  it("uses the host's default PHP version when none is set, and fails without one", () => {
    expect(siteSpec(sub({ 'hosting.php': true }), { defaultPhpVersion: '8.3' }).php?.version).toBe('8.3');
    expect(() => siteSpec(sub({ 'hosting.php': true }))).toThrow(/hosting\.php_version: not set/);
    expect(siteSpec(sub({ 'hosting.php': false })).php).toBeNull();
  });

  it.each([
    ['hosting.php_version', '../../etc'],
    ['hosting.php_version', '8.2/../../x'],
    ['hosting.php_handler', 'suphp'],
    ['php.memory_limit', -5],
    ['php.memory_limit', 'unlimited'],
    ['php.max_execution_time', 1.5],
    ['hosting.ssl', 'perhaps'],
  ])('refuses %s = %j with an error naming the key', (key, value) => {
    const values: Values = { 'hosting.php': true, 'hosting.php_version': '8.2', [key]: value };
    let thrown: unknown;
    try {
      siteSpec(sub(values));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toBe(key);
  });

  it.each(['../../etc', '..', 'a/../../b.com', '/etc/passwd', 'Example.com', 'example.com.', 'localhost', 'exa mple.com', '.removed'])(
    'refuses the subscription name %j',
    (name) => {
      expect(() => siteSpec(sub({}, 'active', name))).toThrow(InvalidArgumentError);
    },
  );
});
