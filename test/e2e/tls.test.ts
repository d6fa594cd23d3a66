/**
 * The controller's own CA and the agent's pin (a join token travels with the CA's hash): a real
 * controller with `--own-ca`, the real CLI over TLS with that CA, and real agents enrolling with
 * `--ca-hash`. An agent given the wrong hash refuses before sending anything (its join token stays
 * unused); one given the right hash enrolls over TLS, keeps the CA and needs no hash afterwards.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDirs, cli, eventually, removeDir, startAgent, startController, type ControllerProc, type Proc } from '../helpers/processes.js';
import { removeTestUsers } from '../helpers/test-users.js';

let ctl: ControllerProc;
let caFile: string;
const agents: Proc[] = [];
const prefixes: string[] = [];
const withCa = () => ({ HOSTPLANE_CA: caFile });

beforeAll(async () => {
  ctl = await startController({ args: ['--own-ca'] });
  caFile = join(ctl.dataDir, 'tls', 'ca.pem');
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await ctl?.stop();
  for (const p of prefixes) removeTestUsers(p);
  if (ctl) removeDir(ctl.dataDir);
});

async function tokenWithHash(): Promise<{ token: string; caHash: string }> {
  const r = await cli(ctl.address, ['host', 'token', 'create', '--json'], withCa());
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { token: string; caHash: string };
}

describe("the controller's own CA", () => {
  it('is made in the data dir (keys 0600, dir 0700) and its hash comes with every join token', async () => {
    const tls = join(ctl.dataDir, 'tls');
    expect(statSync(tls).mode & 0o777).toBe(0o700);
    for (const key of ['ca.key', 'server.key']) expect(statSync(join(tls, key)).mode & 0o777).toBe(0o600);
    const { caHash } = await tokenWithHash();
    const der = new X509Certificate(readFileSync(caFile)).raw;
    expect(caHash).toBe(`sha256:${createHash('sha256').update(der).digest('hex')}`);
    const human = await cli(ctl.address, ['host', 'token', 'create'], withCa());
    expect(human.stdout).toMatch(/HOSTPLANE_JOIN_TOKEN=hpj_\S+ hostplane-agent --controller 127\.0\.0\.1:\d+ --ca-hash sha256:[0-9a-f]{64}/);
  });

  it('serves TLS only: the CLI without the CA cannot talk to it', async () => {
    const r = await cli(ctl.address, ['plan', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give its CA certificate with --ca');
  });

  it('an agent with the wrong hash refuses before sending anything: its join token stays unused', async () => {
    const { token } = await tokenWithHash();
    const dirs = await agentDirs(['nginx']);
    prefixes.push(dirs.userPrefix);
    const agent = startAgent(ctl.address, 'rogue-check.test', dirs, token, ['--ca-hash', `sha256:${'0'.repeat(64)}`]);
    expect(await agent.exited).not.toBe(0);
    expect(agent.lines.join('\n')).toContain('does not present the CA sha256:0000');
    const tokens = await cliJsonCa<{ tokens: { usedAt: string | null }[] }>(['host', 'token', 'list']);
    expect(tokens.tokens.every((t) => t.usedAt === null)).toBe(true);
    expect(existsSync(join(dirs.stateDir, 'credential.json'))).toBe(false);
  });

  it('an agent with the right hash enrolls over TLS, pins the CA, and reconnects with it alone', async () => {
    const { token, caHash } = await tokenWithHash();
    const dirs = await agentDirs(['nginx']);
    prefixes.push(dirs.userPrefix);
    const first = startAgent(ctl.address, 'pinned.test', dirs, token, ['--ca-hash', caHash]);
    agents.push(first);
    await first.waitFor((l) => l.includes('enrolled'), 20_000);
    const pinned = new X509Certificate(readFileSync(join(dirs.stateDir, 'controller-ca.pem')));
    expect(pinned.raw.equals(new X509Certificate(readFileSync(caFile)).raw)).toBe(true);
    await eventually(async () => (await cliJsonCa<{ hosts: { name: string; connected: boolean }[] }>(['host', 'list'])).hosts.find((h) => h.name === 'pinned.test')?.connected, 20_000, 'connected');
    await first.stop();
    const again = startAgent(ctl.address, 'pinned.test', dirs); // no token, no hash: the pinned CA
    agents.push(again);
    await again.waitFor((l) => l.includes('"msg":"connected"'), 20_000);
    await again.stop();

    // A rogue controller (a CA of its own) where the agent dials: the pinned agent never completes
    // a TLS handshake with it, so it sends no credential and takes no snapshot (an empty one would
    // move every site aside).
    const rogue = await startController({ args: ['--own-ca'] });
    try {
      const tricked = startAgent(rogue.address, 'pinned.test', dirs);
      agents.push(tricked);
      await tricked.waitFor((l) => /stream error|unavailable|certificate/i.test(l), 20_000);
      await new Promise((r) => setTimeout(r, 2000)); // a few reconnect attempts
      expect(tricked.lines.filter((l) => l.includes('snapshot received') || l.includes('"msg":"connected"'))).toEqual([]);
      const seen = await cli(rogue.address, ['host', 'list', '--json'], { HOSTPLANE_CA: join(rogue.dataDir, 'tls', 'ca.pem') });
      expect(JSON.parse(seen.stdout)).toEqual({ hosts: [] });
      expect(existsSync(join(dirs.vhostsRoot, '.removed'))).toBe(false);
      await tricked.stop();
    } finally {
      await rogue.stop();
      removeDir(rogue.dataDir);
    }
  }, 90_000);
});

async function cliJsonCa<T>(args: string[]): Promise<T> {
  const r = await cli(ctl.address, [...args, '--json'], withCa());
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}
