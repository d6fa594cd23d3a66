/**
 * `npm run demo`: the seed's story on a throwaway fleet — a controller and two agents whose probe
 * paths hold fixture executables (web1 without Miva, web2 with it) — driven by the real CLI, each
 * step printed with the command and what it answered.
 */
import { rmSync } from 'node:fs';
import { writeProbeDir } from '../test/agent/fixtures.js';
import { removeTestUsers } from '../test/helpers/test-users.js';
import { agentDirs, cli, cliJson, eventually, startAgent, startController } from '../test/helpers/processes.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

const ctl = await startController();
const web1 = await agentDirs(['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }, 'postfix', 'mariadb']);
const web2 = await agentDirs(['nginx', { name: 'php', version: '8.2.12' }, { name: 'php-fpm', version: '8.2.12' }, 'postfix', 'mariadb', 'mivavm']);
const agents = [
  startAgent(ctl.address, 'web1.demo', web1, (await cliJson<{ token: string }>(ctl.address, ['host', 'token', 'create'])).token),
  startAgent(ctl.address, 'web2.demo', web2, (await cliJson<{ token: string }>(ctl.address, ['host', 'token', 'create'])).token),
];

async function step(title: string, ...args: string[]): Promise<void> {
  console.log(`\n${bold(`## ${title}`)}\n$ hostplane ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const r = await cli(ctl.address, args);
  process.stdout.write(r.stdout);
  if (r.stderr) process.stdout.write(r.stderr);
}

try {
  console.log(bold(`A throwaway controller on ${ctl.address}; agents web1.demo (no Miva) and web2.demo (Miva installed).`));
  await eventually(async () => (await cliJson<{ hosts: { connected: boolean }[] }>(ctl.address, ['host', 'list'])).hosts.filter((h) => h.connected).length === 2, 30_000, 'two agents');
  await step('The fleet, as the agents detected it', 'host', 'list');
  await step('A plan that asks for PHP 8.2 and Miva', 'plan', 'create', 'Shop', '--set', 'hosting.php=true', '--set', 'hosting.php_version=8.2', '--set', 'hosting.miva=true', '--set', 'limits.disk_space=10G', '--set', 'limits.mailboxes=20');
  await step('A customer', 'customer', 'create', 'alice', '--name', 'Alice Martin', '--email', 'alice@example.org');
  await step('Subscribed on web1, which has no Miva', 'sub', 'create', 'shop.example', '--customer', 'alice', '--plan', 'Shop', '--host', 'web1.demo');
  await step('Sync: the conflict report (property, plan value, available value)', 'sub', 'sync', 'shop.example');
  await step('Without --host, placement picks the server that provides everything', 'sub', 'create', 'other.example', '--customer', 'alice', '--plan', 'Shop');
  console.log(`\n${bold('## The operator installs Miva on web1 (a mivavm appears on its probe path)')}`);
  await writeProbeDir(web1.probeDir, ['mivavm']);
  await step('The agent detects it (here on request; it also runs on a schedule)', 'host', 'detect', 'web1.demo');
  await step('shop.example is synced by itself: nobody clicked Sync', 'sub', 'list');
  await step('Customize locks a subscription; the next plan change skips it', 'sub', 'customize', 'other.example', '--set', 'limits.mailboxes=50');
  await step('Update & Sync', 'plan', 'update', 'Shop', '--set', 'limits.disk_space=20G');
  await step('Unlock and Sync', 'sub', 'unlock', 'other.example');
  await step('Suspend: the agent serves a "suspended" page instead of the site', 'sub', 'suspend', 'shop.example');
  await step('The event feed', 'events', '--limit', '12');
} finally {
  await Promise.all(agents.map((a) => a.stop()));
  await ctl.stop();
  for (const d of [web1.root, web2.root, ctl.dataDir]) rmSync(d, { recursive: true, force: true });
  // As root, each demo site had its own system user: they go with the throwaway fleet.
  removeTestUsers(web1.userPrefix);
  removeTestUsers(web2.userPrefix);
}
