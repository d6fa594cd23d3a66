/**
 * The applier against real temp directories: create, update, suspend, remove, idempotence, one
 * failing subscription not stopping the others, refused names, and the validate/reload commands as
 * fixture scripts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Values } from '@hostplane/shared';
import {
  Applier,
  loadAppliedState,
  renderNginxSite,
  SharedSiteUser,
  siteSpec,
  type ApplierOptions,
  type DesiredSubscription,
} from '../../../agent/src/realize/index.js';
import { commandsRun, exists, makeSandbox, MiB, snapshotTree, sub, writeScript, type Sandbox } from './helpers.js';
import { certificatePaths } from '../../../agent/src/realize/layout.js';

let s: Sandbox;
beforeEach(async () => {
  s = await makeSandbox();
});
afterEach(() => s.cleanup());

const FIXED_NOW = new Date('2024-05-01T12:00:00.123Z');

/** Every site runs as the test's own user here (system users are tested with real processes in test/e2e). */
const USERS = await SharedSiteUser.current();

/**
 * An applier on the sandbox. nginx's validate and reload log `validate` and `reload` (or run the
 * given commands); php-fpm's log `validate php-fpm X.Y` and `reload php-fpm X.Y`.
 */
async function applier(extra: Partial<ApplierOptions> & { validateCmd?: string[]; reloadCmd?: string[] } = {}): Promise<Applier> {
  const { validateCmd, reloadCmd, ...rest } = extra;
  const fpm = (tag: string) => writeScript(s, `${tag}-fpm`, `"${tag} php-fpm $1"`);
  return new Applier({
    vhostsRoot: s.vhostsRoot,
    configDir: s.configDir,
    stateDir: s.stateDir,
    users: USERS,
    nginx: { validate: validateCmd ?? [await writeScript(s, 'validate', 'validate')], reload: reloadCmd ?? [await writeScript(s, 'reload', 'reload')] },
    phpFpm: { validate: [await fpm('validate'), '{version}'], reload: [await fpm('reload'), '{version}'] },
    now: () => FIXED_NOW,
    ...rest,
  });
}

/** The commands of a batch that touched nginx and the php-fpm of these versions, in their order. */
const batch = (...versions: string[]) => ['validate', ...versions.map((v) => `validate php-fpm ${v}`), 'reload', ...versions.map((v) => `reload php-fpm ${v}`)];

const php = (version: string, more: Values = {}): Values => ({ 'hosting.php': true, 'hosting.php_version': version, 'hosting.php_handler': 'fpm', ...more });
const nginxConf = (name: string) => path.join(s.configDir, 'nginx', `${name}.conf`);
const pool = (version: string, name: string) => path.join(s.configDir, 'php', version, 'fpm', 'pool.d', `${name}.conf`);
const webspace = (name: string) => path.join(s.vhostsRoot, name);
const read = (file: string) => fs.readFile(file, 'utf8');
const ok = (name: string, appliedGeneration: number) => ({ name, appliedGeneration, error: '', systemUser: USERS.user.name });
/** What realization owns on disk (the fixture scripts in bin/ are rewritten by each applier()). */
const hostTree = async () => ({ vhosts: await snapshotTree(s.vhostsRoot), config: await snapshotTree(s.configDir), state: await snapshotTree(s.stateDir) });
const snapshot = (revision: number, ...subscriptions: DesiredSubscription[]) => ({ revision, subscriptions });

describe('create', () => {
  it('makes the webspace, the server block and the pool of the PHP version, validates, reloads and saves the state', async () => {
    const a = await applier();
    const out = await a.apply(snapshot(1, sub('shop.example.com', 3, php('8.2', { 'php.memory_limit': 256 * MiB })), sub('static.org', 1)));

    expect(out).toEqual({ revision: 1, results: [ok('shop.example.com', 3), ok('static.org', 1)] });
    for (const name of ['shop.example.com', 'static.org']) {
      for (const dir of ['', 'httpdocs', 'logs']) expect((await fs.stat(path.join(webspace(name), dir))).isDirectory()).toBe(true);
    }
    const layout = { vhostsRoot: s.vhostsRoot, configDir: s.configDir };
    expect(await read(nginxConf('static.org'))).toBe(renderNginxSite(siteSpec(sub('static.org')), { layout, hasCertificate: false }));
    for (const dir of ['tmp', 'logs']) expect((await fs.stat(path.join(webspace('static.org'), dir))).isDirectory()).toBe(true);
    expect(await read(nginxConf('shop.example.com'))).toContain(`fastcgi_pass unix:/run/php/hostplane-shop.example.com.sock;`);
    expect(await read(nginxConf('shop.example.com'))).toContain(`root ${webspace('shop.example.com')}/httpdocs;`);
    const poolText = await read(pool('8.2', 'shop.example.com'));
    expect(poolText).toContain(`[shop.example.com]\nuser = ${USERS.user.name}\ngroup = ${USERS.user.group}\n`);
    expect(poolText).toContain('php_admin_value[memory_limit] = 256M\n');
    expect(poolText).toContain(`php_admin_value[open_basedir] = ${webspace('shop.example.com')}/\n`);
    expect(poolText).toContain(`php_admin_value[upload_tmp_dir] = ${webspace('shop.example.com')}/tmp\n`);
    expect(await exists(path.join(s.configDir, 'php'))).toBe(true);
    expect(await fs.readdir(path.join(s.configDir, 'php'))).toEqual(['8.2']); // the static site has no pool
    expect((await fs.stat(nginxConf('static.org'))).mode & 0o777).toBe(0o644);

    expect(await commandsRun(s)).toEqual(batch('8.2'));

    const stateFile = path.join(s.stateDir, 'applied-state.json');
    expect((await fs.stat(stateFile)).mode & 0o777).toBe(0o600);
    const state = await loadAppliedState(s.stateDir);
    expect(state.revision).toBe(1);
    expect(state.subscriptions.get('shop.example.com')).toEqual({
      generation: 3,
      state: 'active',
      values: php('8.2', { 'php.memory_limit': 256 * MiB }),
      files: [nginxConf('shop.example.com'), pool('8.2', 'shop.example.com')],
      systemUser: USERS.user.name,
    });
    expect(state.subscriptions.get('static.org')?.files).toEqual([nginxConf('static.org')]);
  });

  it('runs the pool as the site user it is given, and uses the default PHP version when none is set', async () => {
    const a = await applier({ users: new SharedSiteUser({ name: 'web1', uid: 5001, group: 'client', gid: 5002 }), defaultPhpVersion: () => '8.3' });
    const out = await a.apply(snapshot(1, sub('a.com', 1, { 'hosting.php': true })));
    expect(out.results).toEqual([{ ...ok('a.com', 1), systemUser: 'web1' }]);
    expect(await read(pool('8.3', 'a.com'))).toContain('user = web1\ngroup = client\n');
    expect(await read(pool('8.3', 'a.com'))).toContain('listen.owner = web1\nlisten.group = client\nlisten.mode = 0660\n');
  });

  it('works without validate and reload commands', async () => {
    const a = new Applier({ vhostsRoot: s.vhostsRoot, configDir: s.configDir, stateDir: s.stateDir, users: USERS });
    expect((await a.apply(snapshot(1, sub('a.com')))).results).toEqual([ok('a.com', 1)]);
    expect(await exists(nginxConf('a.com'))).toBe(true);
  });
});

describe('idempotence', () => {
  const desired = () =>
    snapshot(
      4,
      sub('a.com', 2, php('8.2', { 'php.display_errors': true })),
      sub('b.org', 1, { 'hosting.ssl': true }),
      sub('c.net', 5, php('8.1'), 'suspended'),
    );

  it('re-applying the same desired state changes nothing on disk and does not reload', async () => {
    const a = await applier();
    const first = await a.apply(desired());
    const before = await hostTree();
    await new Promise((r) => setTimeout(r, 20)); // so that a rewrite would show in the mtimes
    const second = await a.apply(desired());
    expect(second).toEqual(first);
    expect(await hostTree()).toEqual(before);
    expect(await commandsRun(s)).toEqual(batch('8.2'));
  });

  it('a restarted agent (new applier, same state dir) finds nothing to do', async () => {
    await (await applier()).apply(desired());
    const before = await hostTree();
    await new Promise((r) => setTimeout(r, 20));
    const out = await (await applier()).apply(desired());
    expect(out.results.every((r) => r.error === '')).toBe(true);
    expect(await hostTree()).toEqual(before);
  });

  it('a file changed or deleted behind its back is put back (level-triggered), with a reload', async () => {
    const a = await applier();
    await a.apply(desired());
    const good = await read(nginxConf('a.com'));
    await fs.writeFile(nginxConf('a.com'), '# edited by hand\n');
    await fs.rm(pool('8.2', 'a.com'));
    const out = await a.apply(desired());
    expect(out.results.find((r) => r.name === 'a.com')).toEqual(ok('a.com', 2));
    expect(await read(nginxConf('a.com'))).toBe(good);
    expect(await exists(pool('8.2', 'a.com'))).toBe(true);
    expect(await commandsRun(s)).toEqual([...batch('8.2'), ...batch('8.2')]);
  });

  it('a subscription whose files are already right after a crash before saving is still validated and reloaded', async () => {
    await (await applier()).apply(desired());
    await fs.rm(path.join(s.stateDir, 'applied-state.json'));
    const out = await (await applier()).apply(desired());
    expect(out.results.map((r) => r.error)).toEqual(['', '', '']);
    expect(await commandsRun(s)).toEqual([...batch('8.2'), ...batch('8.2')]);
  });
});

describe('update', () => {
  it('a PHP version change moves the pool file to the new version', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2'))));
    const out = await a.apply(snapshot(2, sub('a.com', 2, php('8.3'))));
    expect(out.results).toEqual([ok('a.com', 2)]);
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    expect(await read(pool('8.3', 'a.com'))).toContain('[a.com]');
    expect((await loadAppliedState(s.stateDir)).subscriptions.get('a.com')?.files).toEqual([nginxConf('a.com'), pool('8.3', 'a.com')]);
    expect(await commandsRun(s)).toEqual([...batch('8.2'), ...batch('8.2', '8.3')]);
  });

  it('turning PHP off removes the pool and stops passing .php to it', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2'))));
    await a.apply(snapshot(2, sub('a.com', 2, { ...php('8.2'), 'hosting.php': false })));
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    const conf = await read(nginxConf('a.com'));
    expect(conf).not.toContain('fastcgi_pass');
    expect(conf).toContain('# PHP is off');
  });

  it('PHP settings go into the pool; the webspace and its content are kept', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2'))));
    await fs.writeFile(path.join(webspace('a.com'), 'httpdocs', 'index.php'), '<?php echo 1;');
    await a.apply(snapshot(2, sub('a.com', 2, php('8.2', { 'php.memory_limit': 512 * MiB, 'php.max_execution_time': 90 }))));
    const text = await read(pool('8.2', 'a.com'));
    expect(text).toContain('php_admin_value[memory_limit] = 512M\n');
    expect(text).toContain('php_admin_value[max_execution_time] = 90\n');
    expect(await read(path.join(webspace('a.com'), 'httpdocs', 'index.php'))).toBe('<?php echo 1;');
  });

  it('turning web hosting off removes the server block but keeps the webspace', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2'))));
    await a.apply(snapshot(2, sub('a.com', 2, { ...php('8.2'), 'hosting.web': false })));
    expect(await exists(nginxConf('a.com'))).toBe(false);
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    expect(await exists(path.join(webspace('a.com'), 'httpdocs'))).toBe(true);
  });

  it('serves HTTPS once the certificate is installed', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, { 'hosting.ssl': true })));
    expect(await read(nginxConf('a.com'))).not.toContain('listen 443 ssl;');
    const dir = path.join(s.configDir, 'ssl', 'a.com');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'fullchain.pem'), 'cert');
    await fs.writeFile(path.join(dir, 'privkey.pem'), 'key');
    await a.apply(snapshot(1, sub('a.com', 1, { 'hosting.ssl': true })));
    expect(await read(nginxConf('a.com'))).toMatch(
      new RegExp(`    listen 443 ssl;\n    listen \\[::\\]:443 ssl;\n    # certificate sha256:[0-9a-f]{16}: .*\n    ssl_certificate ${dir}/fullchain.pem;\n`),
    );
  });
});

describe('suspend', () => {
  it('a suspended subscription gets the suspended server block and no PHP pool; activating brings the site back', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2'))));
    const active = await read(nginxConf('a.com'));

    const out = await a.apply(snapshot(2, sub('a.com', 2, php('8.2'), 'suspended')));
    expect(out.results).toEqual([ok('a.com', 2)]);
    const conf = await read(nginxConf('a.com'));
    expect(conf).toContain(`root ${path.join(s.configDir, 'pages')};`);
    expect(conf).toContain('error_page 503 /suspended.html;');
    expect(conf).toContain('return 503;');
    expect(conf).not.toContain('httpdocs');
    expect(await read(path.join(s.configDir, 'pages', 'suspended.html'))).toContain('This website is suspended');
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    expect(await exists(path.join(webspace('a.com'), 'httpdocs'))).toBe(true);

    await a.apply(snapshot(3, sub('a.com', 3, php('8.2'))));
    expect(await read(nginxConf('a.com'))).toBe(active);
    expect(await exists(pool('8.2', 'a.com'))).toBe(true);
  });
});

describe('remove', () => {
  it('removes its configuration and moves its webspace aside, never deleting it', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2')), sub('b.com', 1)));
    await fs.writeFile(path.join(webspace('a.com'), 'httpdocs', 'index.html'), 'hello');

    const out = await a.apply(snapshot(2, sub('b.com', 1)));
    expect(out.results).toEqual([ok('b.com', 1)]);
    expect(await exists(nginxConf('a.com'))).toBe(false);
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    expect(await exists(webspace('a.com'))).toBe(false);
    const aside = path.join(s.vhostsRoot, '.removed', 'a.com-20240501T120000Z');
    expect(await read(path.join(aside, 'httpdocs', 'index.html'))).toBe('hello');
    expect([...(await loadAppliedState(s.stateDir)).subscriptions.keys()]).toEqual(['b.com']);
    expect(await exists(nginxConf('b.com'))).toBe(true);
    expect(await commandsRun(s)).toEqual([...batch('8.2'), ...batch('8.2')]);
  });

  it('a name removed twice in the same second gets a second place aside', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com')));
    await a.apply(snapshot(2));
    await a.apply(snapshot(3, sub('a.com', 2)));
    await a.apply(snapshot(4));
    expect((await fs.readdir(path.join(s.vhostsRoot, '.removed'))).sort()).toEqual(['a.com-20240501T120000Z', 'a.com-20240501T120000Z-2']);
  });

  it('an empty snapshot on a fresh host changes nothing and runs nothing', async () => {
    const a = await applier();
    expect(await a.apply(snapshot(1))).toEqual({ revision: 1, results: [] });
    expect(await commandsRun(s)).toEqual([]);
    expect(await exists(s.vhostsRoot)).toBe(false);
  });
});

describe('one subscription failing', () => {
  it('is reported for it alone; the others are applied; it is retried by the next call', async () => {
    const a = await applier();
    await fs.mkdir(s.vhostsRoot, { recursive: true });
    await fs.writeFile(webspace('bad.com'), 'a file where the webspace should be');

    const out = await a.apply(snapshot(1, sub('a.com', 1), sub('bad.com', 1, php('8.2')), sub('c.com', 1)));
    expect(out.results.map((r) => [r.name, r.appliedGeneration, r.error === ''])).toEqual([
      ['a.com', 1, true],
      ['bad.com', 0, false],
      ['c.com', 1, true],
    ]);
    expect(out.results[1]!.error).toBe(`'${webspace('bad.com')}' exists and is not a directory (a file): refused`);
    expect(await exists(nginxConf('a.com'))).toBe(true);
    expect(await exists(nginxConf('c.com'))).toBe(true);
    expect(await exists(nginxConf('bad.com'))).toBe(false);
    expect([...(await loadAppliedState(s.stateDir)).subscriptions.keys()]).toEqual(['a.com', 'c.com']);

    await fs.rm(webspace('bad.com'));
    const again = await a.apply(snapshot(1, sub('a.com', 1), sub('bad.com', 1, php('8.2')), sub('c.com', 1)));
    expect(again.results).toEqual([ok('a.com', 1), ok('bad.com', 1), ok('c.com', 1)]);
    expect(await exists(pool('8.2', 'bad.com'))).toBe(true);
  });

  it('a failed update keeps the previous generation and rolls its files back', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1, php('8.2')), sub('b.com', 1)));
    const conf = await read(nginxConf('a.com'));
    await fs.mkdir(pool('8.3', 'a.com'), { recursive: true }); // a directory where the new pool goes

    const out = await a.apply(snapshot(2, sub('a.com', 2, php('8.3', { 'hosting.ssi': true })), sub('b.com', 2, { 'hosting.ssi': true })));
    expect(out.results[0]).toMatchObject({ name: 'a.com', appliedGeneration: 1 });
    expect(out.results[0]!.error).not.toBe('');
    expect(out.results[1]).toEqual(ok('b.com', 2));
    expect(await read(nginxConf('a.com'))).toBe(conf); // the new server block was rolled back
    expect(await exists(pool('8.2', 'a.com'))).toBe(true);
    expect(await read(nginxConf('b.com'))).toContain('ssi on;');
    expect((await loadAppliedState(s.stateDir)).subscriptions.get('a.com')?.generation).toBe(1);
  });

  it('a bad value fails that subscription with an error naming the key', async () => {
    const a = await applier();
    const out = await a.apply(snapshot(1, sub('a.com', 1, { 'hosting.php': true, 'hosting.php_version': '../8.2' }), sub('b.com')));
    expect(out.results[0]!.error).toContain('hosting.php_version');
    expect(out.results[1]).toEqual(ok('b.com', 1));
    expect(await exists(webspace('a.com'))).toBe(false);
  });
});

describe('paths that would lead elsewhere', () => {
  it('a webspace, docroot or log file that is a symbolic link is refused for that subscription only, its target untouched', async () => {
    const outside = path.join(s.root, 'outside');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'shadow'), 'root:secret\n', { mode: 0o600 });
    await fs.mkdir(s.vhostsRoot, { recursive: true });
    await fs.symlink(outside, webspace('link.com')); // the webspace itself
    await fs.mkdir(webspace('docroot.com'));
    await fs.symlink(outside, path.join(webspace('docroot.com'), 'httpdocs'));
    await fs.mkdir(path.join(webspace('log.com'), 'logs'), { recursive: true });
    await fs.symlink(path.join(outside, 'shadow'), path.join(webspace('log.com'), 'logs', 'access.log'));
    const before = await snapshotTree(outside);

    const out = await (await applier()).apply(snapshot(1, sub('docroot.com'), sub('good.com'), sub('link.com'), sub('log.com')));
    const byName = Object.fromEntries(out.results.map((r) => [r.name, r]));
    expect(byName['good.com']).toEqual(ok('good.com', 1));
    expect(byName['link.com']!.error).toBe(`'${webspace('link.com')}' exists and is not a directory (a symbolic link): refused`);
    expect(byName['docroot.com']!.error).toBe(`'${webspace('docroot.com')}/httpdocs' exists and is not a directory (a symbolic link): refused`);
    expect(byName['log.com']!.error).toBe(`'${webspace('log.com')}/logs/access.log' is a symbolic link: refused`);
    for (const name of ['docroot.com', 'link.com', 'log.com']) {
      expect(byName[name]!.appliedGeneration).toBe(0);
      expect(await exists(nginxConf(name))).toBe(false);
    }
    expect(await snapshotTree(outside)).toEqual(before);
  });
});

describe('names that are not domain names', () => {
  const evil = ['../../etc', '..', '.', '', '/etc/cron.d', 'a.com/../../../x.com', '..%2f..%2fetc', 'Evil.COM', 'x.com\u0000.conf', '.removed', 'a..com', '-a.com'];

  it.each(evil)('%j is refused for itself only, and nothing is written outside the roots', async (name) => {
    const a = await applier();
    const out = await a.apply(snapshot(1, sub('good.com'), sub(name, 1, php('8.2'))));
    const bad = out.results.find((r) => r.name === name)!;
    expect(bad.appliedGeneration).toBe(0);
    expect(bad.error).toMatch(/not a valid domain name|domain name is required|canonical/);
    expect(out.results.find((r) => r.name === 'good.com')).toEqual(ok('good.com', 1));

    expect((await fs.readdir(s.root)).sort()).toEqual(['bin', 'commands.log', 'config', 'state', 'vhosts']);
    expect(Object.keys(await snapshotTree(s.vhostsRoot))).toEqual([
      'good.com',
      'good.com/httpdocs',
      'good.com/logs',
      'good.com/logs/access.log',
      'good.com/logs/error.log',
      'good.com/tmp',
    ]);
    expect(Object.keys(await snapshotTree(s.configDir))).toEqual(['nginx', 'nginx/good.com.conf', 'traffic']);
    expect([...(await loadAppliedState(s.stateDir)).subscriptions.keys()]).toEqual(['good.com']);
  });

  it('a tampered state file cannot make the applier remove files outside the config dir', async () => {
    const precious = path.join(s.root, 'precious.txt');
    await fs.writeFile(precious, 'keep me');
    await fs.mkdir(s.stateDir, { recursive: true });
    await fs.writeFile(
      path.join(s.stateDir, 'applied-state.json'),
      JSON.stringify({
        version: 1,
        revision: 1,
        subscriptions: {
          'a.com': { generation: 1, state: 'active', values: {}, files: [precious, `${s.configDir}/../precious.txt`] },
          '../../x': { generation: 1, state: 'active', values: {}, files: [precious] },
        },
      }),
    );
    const out = await (await applier()).apply(snapshot(2));
    expect(await read(precious)).toBe('keep me');
    expect(out.results.find((r) => r.name === '../../x')?.error).toMatch(/not a valid domain name/);
  });
});

describe('validate and reload commands', () => {
  it('a refused configuration is rolled back, not reloaded, and reported for every subscription the batch changed', async () => {
    const a = await applier();
    await a.apply(snapshot(1, sub('a.com', 1), sub('keep.com', 1), sub('gone.com', 1)));
    const before = await snapshotTree(s.configDir);
    const refuse = await writeScript(s, 'validate-refuse', 'validate', 'echo "nginx: [emerg] unknown directive in a.com.conf:3" >&2\nexit 1');

    const b = await applier({ validateCmd: [refuse] });
    const out = await b.apply(snapshot(2, sub('a.com', 2, php('8.2')), sub('keep.com', 1), sub('new.com', 1)));
    expect(out.revision).toBe(2);
    const byName = Object.fromEntries(out.results.map((r) => [r.name, r]));
    expect(byName['keep.com']).toEqual(ok('keep.com', 1)); // unchanged: not part of the refused batch
    expect(byName['a.com']).toMatchObject({ appliedGeneration: 1 });
    expect(byName['new.com']).toMatchObject({ appliedGeneration: 0 });
    expect(byName['gone.com']).toMatchObject({ appliedGeneration: 1 });
    for (const name of ['a.com', 'new.com', 'gone.com']) {
      expect(byName[name]!.error).toContain('nginx refused the configuration, changes rolled back');
      expect(byName[name]!.error).toContain('exited with code 1');
      expect(byName[name]!.error).toContain('[emerg] unknown directive');
    }
    expect(await commandsRun(s)).toEqual(['validate', 'reload', 'validate']); // no php-fpm validation after nginx refused, no reload
    // Every file as it was, content and mode (directories made for the refused pool may stay, empty).
    const files = (t: Awaited<ReturnType<typeof snapshotTree>>) =>
      Object.fromEntries(Object.entries(t).flatMap(([f, e]) => (e.type === 'file' ? [[f, { content: e.content, mode: e.mode }]] : [])));
    expect(files(await snapshotTree(s.configDir))).toEqual(files(before));
    expect(await exists(webspace('gone.com'))).toBe(true); // not moved aside
    const state = await loadAppliedState(s.stateDir);
    expect(state.revision).toBe(2);
    expect([...state.subscriptions].map(([n, x]) => `${n}:${x.generation}`)).toEqual(['a.com:1', 'gone.com:1', 'keep.com:1']);

    // Once the configuration is accepted, the same desired state goes through.
    const c = await applier();
    const ok2 = await c.apply(snapshot(2, sub('a.com', 2, php('8.2')), sub('keep.com', 1), sub('new.com', 1)));
    expect(ok2.results).toEqual([ok('a.com', 2), ok('keep.com', 1), ok('new.com', 1)]);
    expect(await exists(pool('8.2', 'a.com'))).toBe(true);
    expect(await exists(webspace('gone.com'))).toBe(false);
  });

  it('a failed reload is reported and rolled back too', async () => {
    const fail = await writeScript(s, 'reload-fail', 'reload', 'echo "nginx.service is not active" >&2\nexit 3');
    const a = await applier({ reloadCmd: [fail] });
    const out = await a.apply(snapshot(1, sub('a.com')));
    expect(out.results[0]).toMatchObject({ name: 'a.com', appliedGeneration: 0 });
    expect(out.results[0]!.error).toMatch(/^nginx could not be reloaded, changes rolled back: '.*reload-fail' exited with code 3: nginx.service is not active$/);
    expect(await exists(nginxConf('a.com'))).toBe(false);
  });

  it('a command that hangs is killed at its deadline', async () => {
    const hang = await writeScript(s, 'validate-hang', 'validate', 'sleep 30');
    const a = await applier({ validateCmd: [hang], commandTimeoutMs: 300 });
    const started = Date.now();
    const out = await a.apply(snapshot(1, sub('a.com')));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out.results[0]!.error).toContain('timed out after 300 ms');
    expect(await commandsRun(s)).toEqual(['validate']);
  });

  it('a command that does not exist is an error, not a crash', async () => {
    const a = await applier({ validateCmd: [path.join(s.bin, 'no-such-command')] });
    const out = await a.apply(snapshot(1, sub('a.com')));
    expect(out.results[0]!.error).toMatch(/refused the configuration.*could not be run|ENOENT/);
  });

  it('passes its arguments as argv, without a shell', async () => {
    const args = await writeScript(s, 'args', 'validate', `printf '%s|' "$@" >> '${s.root}/args.log'`);
    const a = await applier({ validateCmd: [args, '-t', '$(touch pwned)', 'a b;c'] });
    await a.apply(snapshot(1, sub('a.com')));
    expect(await read(path.join(s.root, 'args.log'))).toBe('-t|$(touch pwned)|a b;c|');
    expect(await exists(path.join(s.root, 'pwned'))).toBe(false);
  });
});

describe('calls and options', () => {
  it('concurrent calls are serialized; the last one wins', async () => {
    const a = await applier();
    const [one, two] = await Promise.all([a.apply(snapshot(1, sub('a.com', 1, php('8.2')))), a.apply(snapshot(2, sub('a.com', 2, php('8.3'))))]);
    expect(one.results).toEqual([ok('a.com', 1)]);
    expect(two.results).toEqual([ok('a.com', 2)]);
    expect(await exists(pool('8.2', 'a.com'))).toBe(false);
    expect(await exists(pool('8.3', 'a.com'))).toBe(true);
    expect((await a.appliedState()).revision).toBe(2);
  });

  it.each([
    [{ vhostsRoot: '/srv/my vhosts' }, 'vhostsRoot'],
    [{ configDir: '/etc/host$plane' }, 'configDir'],
    [{ webUser: 'root;rm' }, 'webUser'],
    [{ webGroup: '' }, 'webGroup'],
    [{ nginx: { reload: [''] } }, 'nginx.reload'],
    [{ phpFpm: { validate: 'php-fpm -t' as unknown as string[] } }, 'phpFpm.validate'],
    [{ poolDir: '/etc/php/fpm/pool.d' }, 'poolDir'],
    [{ nginxDir: '/etc/nginx/{version}' }, 'nginxDir'],
    [{ listen: ['80; include /etc/shadow'] }, 'listen'],
    [{ listen: [] }, 'listen'],
    [{ cgiProcesses: 0 }, 'cgiProcesses'],
  ] as [Partial<ApplierOptions>, string][])('refuses %j', (bad, field) => {
    let thrown: unknown;
    try {
      new Applier({ vhostsRoot: '/srv/vhosts', configDir: '/etc/hostplane', stateDir: '/var/lib/hostplane', users: USERS, ...bad });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toBe(field);
  });
});

describe('hosting.hard_quota: the site user’s quota set with setquota', () => {
  /** Sites isolated under users of their own (here all the test's user), as in production. */
  const ISOLATED = { isolated: true, ensure: () => USERS.ensure(), remove: () => USERS.remove() };
  const quota = async () => ({ setquota: await writeScript(s, 'setquota', '"setquota $*"'), mount: '/srv' });

  it('limits.disk_space as the block limit (KiB, soft = hard), set on change only; cleared only when it was ours', async () => {
    const target = await quota();
    const a = await applier({ users: ISOLATED, quota: () => target });
    const quotaRuns = async () => (await commandsRun(s)).filter((c) => c.startsWith('setquota'));
    const out = await a.apply(snapshot(1, sub('q.example', 1, { 'hosting.hard_quota': true, 'limits.disk_space': 10 * MiB }), sub('free.example', 1)));
    expect(out.results.map((r) => r.error)).toEqual(['', '']);
    // A site without a hard quota is left alone: a quota set by other means is not ours to clear.
    expect(await quotaRuns()).toEqual([`setquota -u ${USERS.user.name} 10240 10240 0 0 /srv`]);
    await a.apply(snapshot(2, sub('q.example', 1, { 'hosting.hard_quota': true, 'limits.disk_space': 10 * MiB }), sub('free.example', 1)));
    expect(await quotaRuns()).toHaveLength(1); // unchanged: not set again at every pass
    await a.apply(snapshot(3, sub('q.example', 2, { 'hosting.hard_quota': false, 'limits.disk_space': 10 * MiB }), sub('free.example', 1)));
    expect((await quotaRuns()).at(-1)).toBe(`setquota -u ${USERS.user.name} 0 0 0 0 /srv`); // ours: cleared
  });

  it('asked for on a host without quota support: refused for that subscription only', async () => {
    const a = await applier({ users: ISOLATED });
    const out = await a.apply(snapshot(1, sub('q.example', 1, { 'hosting.hard_quota': true, 'limits.disk_space': 10 * MiB }), sub('free.example', 1)));
    expect(out.results.find((r) => r.name === 'q.example')!.error).toContain('hosting.hard_quota: this host has no user quotas');
    expect(out.results.find((r) => r.name === 'free.example')!.error).toBe('');
  });

  it('a failing setquota fails that subscription with its message', async () => {
    const setquota = await writeScript(s, 'setquota', '"setquota $*"', 'echo "setquota: Cannot set quota for user: No such process" >&2; exit 1');
    const a = await applier({ users: ISOLATED, quota: () => ({ setquota, mount: '/srv' }) });
    const out = await a.apply(snapshot(1, sub('q.example', 1, { 'hosting.hard_quota': true, 'limits.disk_space': 10 * MiB })));
    expect(out.results[0]!.error).toMatch(/setquota for .*Cannot set quota for user/);
  });
});

describe('hosting.ssl: a renewed certificate reaches nginx', () => {
  it('a new certificate in place changes the server block, so nginx is validated and reloaded onto it', async () => {
    const a = await applier();
    const { certificate, key } = certificatePaths({ vhostsRoot: s.vhostsRoot, configDir: s.configDir }, 'tls.example');
    await fs.mkdir(path.dirname(certificate), { recursive: true });
    await fs.writeFile(key, 'KEY');
    await fs.writeFile(certificate, 'CERT 1');
    await a.apply(snapshot(1, sub('tls.example', 1, { 'hosting.ssl': true })));
    const first = await read(nginxConf('tls.example'));
    expect(first).toMatch(/# certificate sha256:[0-9a-f]{16}: a renewed one/);
    const before = (await commandsRun(s)).length;
    await fs.writeFile(certificate, 'CERT 2'); // renewed: same paths, new content
    await a.apply(snapshot(1, sub('tls.example', 1, { 'hosting.ssl': true })));
    expect(await read(nginxConf('tls.example'))).not.toBe(first);
    expect((await commandsRun(s)).slice(before)).toEqual(['validate', 'reload']);
  });
});
