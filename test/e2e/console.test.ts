/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real
 * controller serving it on its HTTP listener and a real agent with fixture components: sign-in,
 * the seed's report with OK / Cancel, a plan's Update & Sync summary, a reseller's own world, a
 * wrong token, live events, a phone-width layout; every request stays on the controller's origin
 * and the token never reaches a URL, a cookie or local storage.
 *
 * With HOSTPLANE_SCREENSHOTS=DIR the main screens are saved there (`npm run screenshots` writes
 * docs/screenshots/); otherwise into a temp dir, checked to be real pictures.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { E2E_ADMIN_TOKEN, agentDirs, cli, cliJson, eventually, startAgent, startController, tempDir, type ControllerProc, type Proc } from '../helpers/processes.js';

let ctl: ControllerProc;
let agent: Proc;
let browser: Browser;
let base: string;
let resellerToken: string;
const shots = process.env.HOSTPLANE_SCREENSHOTS ?? tempDir('hostplane-shots-');
const requests: string[] = [];
const json = <T = Record<string, unknown>>(...args: string[]) => cliJson<T>(ctl.address, args);
const run = async (...args: string[]) => {
  const r = await cli(ctl.address, args);
  if (r.code !== 0) throw new Error(`hostplane ${args.join(' ')}: ${r.stderr}`);
  return r;
};

beforeAll(async () => {
  ctl = await startController({ args: ['--http-listen', '127.0.0.1:0'] });
  const line = await ctl.waitFor((l) => l.includes('serving the web console'));
  base = `http://${(JSON.parse(line) as { address: string }).address}`;
  const dirs = await agentDirs(['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }, 'postfix']);
  const { token } = await json<{ token: string }>('host', 'token', 'create');
  agent = startAgent(ctl.address, 'web1.test', dirs, token);
  await eventually(async () => (await json<{ hosts: { connected: boolean }[] }>('host', 'list')).hosts[0]?.connected, 20_000, 'agent connected');
  await run('plan', 'create', 'Basic', '--set', 'limits.disk_space=10G', '--set', 'limits.mailboxes=10', '--set', 'hosting.php=true', '--set', 'hosting.php_version=8.2');
  await run('plan', 'create', 'Shop', '--set', 'hosting.php=true', '--set', 'hosting.miva=true', '--set', 'limits.disk_space=5G');
  await run('plan', 'create', 'Extra', '--kind', 'addon', '--set', 'limits.disk_space=5G');
  await run('customer', 'create', 'alice', '--name', 'Alice Martin', '--email', 'alice@example.org');
  await run('sub', 'create', 'example.com', '--customer', 'alice', '--plan', 'Basic');
  await run('sub', 'create', 'shop.example', '--customer', 'alice', '--plan', 'Shop');
  await run('plan', 'create', 'Reseller S', '--kind', 'reseller', '--set', 'reseller.customers=10', '--set', 'reseller.subscriptions=20', '--set', 'limits.disk_space=100G');
  await run('reseller', 'create', 'acme', '--plan', 'Reseller S', '--email', 'ops@acme.example');
  resellerToken = (await json<{ token: string }>('reseller', 'token', 'create', 'acme')).token;
  const asAcme = async (...args: string[]) => {
    const r = await cli(ctl.address, args, { HOSTPLANE_TOKEN: resellerToken });
    if (r.code !== 0) throw new Error(`hostplane ${args.join(' ')} (as acme): ${r.stderr}`);
  };
  await asAcme('plan', 'create', 'Acme Web', '--set', 'limits.disk_space=2G', '--set', 'hosting.php=true');
  await asAcme('customer', 'create', 'bob', '--email', 'bob@example.net');
  await asAcme('sub', 'create', 'bob.example', '--customer', 'bob', '--plan', 'Acme Web');
  await eventually(async () => (await json<{ appliedGeneration: number; generation: number }>('sub', 'show', 'example.com')).appliedGeneration >= 1, 15_000, 'example.com applied');
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await ctl?.stop();
});

async function open(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}/`);
  return { context, page };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

interface SubJson {
  syncStatus: string;
  generation: number;
  conflicts: unknown[];
  providedValues: Record<string, unknown>;
}

describe('the web console', () => {
  it('a wrong token sees nothing; signing in by keyboard keeps the token out of URLs, cookies and local storage', async () => {
    const { context, page } = await open();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    await shot(page, 'sign-in');
    await signIn(page, 'hp_not-a-token-at-all');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    expect(await page.getByRole('heading', { name: 'Subscriptions' }).count()).toBe(0);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // The keyboard alone: focus the field, type, Enter.
    await page.getByLabel('Token').fill('');
    await page.keyboard.press('Tab');
    await page.getByLabel('Token').focus();
    await page.keyboard.type(E2E_ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    expect(page.url()).not.toContain(E2E_ADMIN_TOKEN);
    expect(await page.evaluate('[document.cookie, localStorage.length]')).toEqual(['', 0]);
    expect((await context.cookies()).length).toBe(0);
    await context.close();
  });

  it('lists subscriptions with their badges, filters them, and an unsynced one shows its report', async () => {
    const { context, page } = await open();
    await signIn(page, E2E_ADMIN_TOKEN);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const shop = page.getByRole('row', { name: /shop\.example/ });
    expect(await shop.locator('.badge').allTextContents()).toEqual(['Unsynced']);
    expect(await page.getByRole('row', { name: /^example\.com/ }).locator('.badge').allTextContents()).toEqual(['Synced']);
    await shot(page, 'subscriptions');
    await page.getByLabel('Status').selectOption({ label: 'Unsynced' });
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Status').selectOption({ label: 'Every status' });
    await page.getByRole('searchbox', { name: 'Search' }).fill('bob');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('bob.example')]);

    await page.goto(`${base}/#/subscriptions/shop.example`);
    const report = page.locator('article.unsynced table');
    await report.waitFor();
    expect(await report.locator('thead th').allTextContents()).toEqual(['Property', 'Plan value', 'Available value']);
    expect(await report.locator('tbody tr').first().locator('td').allTextContents()).toEqual([expect.stringContaining('hosting.miva'), 'true', 'false']);
    await context.close();
  });

  it('Sync shows the report: Cancel (and Escape) change nothing, OK locks it', async () => {
    const { context, page } = await open();
    await signIn(page, E2E_ADMIN_TOKEN);
    await page.goto(`${base}/#/subscriptions/shop.example`);
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Conflict report' });
    await dialog.waitFor();
    expect(await dialog.locator('thead th').allTextContents()).toEqual(['Property', 'Plan value', 'Available value']);
    await shot(page, 'conflict-report', false);
    const before = await json<SubJson>('sub', 'show', 'shop.example');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByRole('status').textContent()).toContain('nothing changed');
    expect(await json<SubJson>('sub', 'show', 'shop.example')).toEqual(before);
    // Escape is Cancel too.
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await json<SubJson>('sub', 'show', 'shop.example')).syncStatus).toBe('unsynced');
    // OK accepts the available values: Locked.
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => page.locator('h1 .badge').first().textContent()).toBe('Locked');
    expect((await json<SubJson>('sub', 'show', 'shop.example')).syncStatus).toBe('locked');
    await shot(page, 'subscription');
    // Unlock and Sync puts it back under its plan (and so unsynced again).
    await page.getByRole('button', { name: 'Unlock and Sync' }).click();
    await expect.poll(() => page.locator('h1 .badge').first().textContent()).toBe('Unsynced');
    expect((await json<SubJson>('sub', 'show', 'shop.example')).syncStatus).toBe('unsynced');
    await context.close();
  });

  it('a plan edit shows the Update & Sync summary first, and applies it when confirmed', async () => {
    const { context, page } = await open();
    await signIn(page, E2E_ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Plans' }).click();
    await page.getByRole('heading', { name: 'Service plans' }).waitFor();
    await shot(page, 'plans');
    await page.getByRole('link', { name: 'Basic' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    expect(await page.locator('fieldset legend').allTextContents()).toEqual(['Limits', 'Hosting', 'PHP', 'Permissions']);
    // A malformed size is refused on the spot, naming the key; nothing is sent.
    await page.getByLabel('limits.disk_space').fill('20 gigs');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await expect.poll(() => page.locator('#field-limits-disk_space-error').textContent()).toContain('limits.disk_space');
    await page.getByLabel('limits.disk_space').fill('20G');
    await page.getByRole('button', { name: 'Review changes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update & Sync Basic' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('limits.disk_space = 20G');
    expect(await dialog.locator('.summary li').first().textContent()).toMatch(/1 subscription will be synced/);
    await shot(page, 'plan-update', false);
    // The summary was a dry run: nothing has changed yet.
    expect((await json<{ version: number }>('plan', 'show', 'Basic')).version).toBe(1);
    await dialog.getByRole('button', { name: 'Update & Sync' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Updated to version 2');
    expect((await json<{ version: number }>('plan', 'show', 'Basic')).version).toBe(2);
    expect((await json<SubJson>('sub', 'show', 'example.com')).providedValues['limits.disk_space']).toBe(20 * 1024 ** 3);
    await context.close();
  });

  it('creates a subscription; Customize locks it with its own value; add-ons; Suspend and Activate — each as the API then says', async () => {
    const { context, page } = await open();
    await signIn(page, E2E_ADMIN_TOKEN);
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    await page.getByText('New subscription').click();
    await page.getByLabel('Domain').fill('new.example');
    await page.getByLabel('Customer').selectOption('alice');
    await page.getByLabel('Service plan').selectOption('Basic');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: /new\.example/ }).waitFor();
    expect(page.url()).toBe(`${base}/#/subscriptions/new.example`);
    expect(await json<{ plan: string; customer: string }>('sub', 'show', 'new.example')).toMatchObject({ plan: 'Basic', customer: 'alice' });

    await page.getByRole('button', { name: 'Customize' }).click();
    const dialog = page.getByRole('dialog', { name: 'Customize new.example' });
    await dialog.getByLabel('limits.mailboxes').fill('25');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('h1 .badge').first().textContent()).toBe('Locked');
    const locked = await json<SubJson & { ownValues: Record<string, unknown> }>('sub', 'show', 'new.example');
    expect(locked.syncStatus).toBe('locked');
    expect(locked.ownValues['limits.mailboxes']).toBe(25);
    expect(locked.providedValues['limits.mailboxes']).toBe(25);

    await page.getByLabel('Add-on plan').selectOption('Extra');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove add-on Extra' }).waitFor();
    expect((await json<{ addons: string[] }>('sub', 'show', 'new.example')).addons).toEqual(['Extra']);
    // A duplicate add-on is refused with the controller's own message, and nothing changes.
    const refused = await fetch(`${base}/hostplane.v1.Admin/AddSubscriptionAddon`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'new.example', addon: 'Extra' }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ code: 'already_exists', message: "add-on 'Extra' is already attached to 'new.example'" });
    expect((await json<{ addons: string[] }>('sub', 'show', 'new.example')).addons).toEqual(['Extra']);

    await page.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => page.locator('h1 .badge').allTextContents()).toEqual(['Locked', 'Suspended']);
    expect((await json<{ state: string }>('sub', 'show', 'new.example')).state).toBe('suspended');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('h1 .badge').allTextContents()).toEqual(['Locked']);
    expect((await json<{ state: string }>('sub', 'show', 'new.example')).state).toBe('active');
    await context.close();
  });

  it('hosts, customers, resellers and live events', async () => {
    const { context, page } = await open();
    await signIn(page, E2E_ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Hosts' }).click();
    const host = page.getByRole('row', { name: /web1\.test/ });
    await host.waitFor();
    expect(await host.textContent()).toMatch(/ready.*yes.*nginx 1\.22\.1.*php 8\.2\.12/s);
    await shot(page, 'hosts');
    // Add a host: the one-command install, as the CLI prints it, for this controller.
    const unused = (await json<{ tokens: unknown[] }>('host', 'token', 'list')).tokens.length;
    await page.getByRole('button', { name: 'Add a host' }).click();
    const command = await page.getByRole('dialog', { name: 'Add a host' }).locator('pre code').textContent();
    expect(command).toMatch(new RegExp(`^curl -fsS ${base}/install\\.sh \\| HOSTPLANE_JOIN_TOKEN=hpj_\\S+ sh -s -- --controller ${ctl.address.replace(/\./g, '\\.')}$`));
    expect((await json<{ tokens: unknown[] }>('host', 'token', 'list')).tokens.length).toBe(unused + 1);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('link', { name: 'Resellers' }).click();
    const acme = page.getByRole('row', { name: /acme/ });
    await acme.waitFor();
    expect(await acme.textContent()).toContain('1 / 10'); // one customer of ten
    await page.getByRole('link', { name: 'acme' }).click();
    await page.getByRole('heading', { name: 'Allocation against limits' }).waitFor();
    await shot(page, 'reseller');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('row', { name: /alice/ }).waitFor();
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByText('● live').waitFor();
    await run('customer', 'create', 'carol', '--email', 'carol@example.org');
    await page.getByRole('row', { name: /customer\.created\s*carol/ }).waitFor();
    await shot(page, 'events');
    await context.close();
  });

  it("a reseller's token sees only its own world", async () => {
    const { context, page } = await open();
    await signIn(page, resellerToken);
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    await expect.poll(() => page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('bob.example')]);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['hostplane', 'Subscriptions', 'Plans', 'Customers', 'Allocation']);
    await page.getByRole('link', { name: 'Plans' }).click();
    await page.getByRole('link', { name: 'Acme Web' }).waitFor();
    expect(await page.getByRole('link', { name: 'Basic' }).count()).toBe(0);
    // Another tenant's subscription is as missing as one that does not exist.
    await page.goto(`${base}/#/subscriptions/example.com`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not_found');
    await page.getByRole('link', { name: 'Allocation' }).click();
    await page.getByRole('heading', { name: 'Allocation against limits' }).waitFor();
    await context.close();
  });

  it('fits a phone width, and never asks anything of another host', async () => {
    const { context, page } = await open({ width: 390, height: 844 });
    await signIn(page, E2E_ADMIN_TOKEN);
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot(page, 'phone');
    await context.close();
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'))).toEqual([]);
  });
});
