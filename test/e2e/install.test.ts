/**
 * The one-command node install (§12): a real controller serving /install.sh, the agent bundle and
 * its own Node runtime on its HTTP listener; the command `host token create` prints, run as printed
 * (plus --no-systemd and a temporary prefix, and the test layout for the agent), installs and
 * enrolls a node that then realizes a subscription. No checkout and no npm are used by the node.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDirs, cli, cliJson, eventually, Proc, removeDir, startController, tempDir, type AgentDirs, type ControllerProc } from '../helpers/processes.js';
import { removeTestUsers } from '../helpers/test-users.js';

let ctl: ControllerProc;
let dirs: AgentDirs;
let prefix: string;
let node: Proc | undefined;
let group: number | undefined; // the pasted command's process group: curl, sh and the agent it runs

beforeAll(async () => {
  ctl = await startController({ args: ['--http-listen', '127.0.0.1:0'] });
  await ctl.waitFor((l) => l.includes('node install over HTTP'));
  dirs = await agentDirs(['nginx', 'php', 'php-fpm']);
  prefix = tempDir('hostplane-install-');
}, 30_000);

afterAll(async () => {
  if (group) {
    try {
      process.kill(-group, 'SIGTERM'); // the whole pipeline, the agent in the foreground included
    } catch {
      // already gone
    }
  }
  await node?.exited;
  await ctl?.stop();
  if (dirs) {
    removeTestUsers(dirs.userPrefix);
    removeDir(dirs.root);
  }
  if (prefix) removeDir(prefix);
  if (ctl) removeDir(ctl.dataDir);
});

describe('one-command node install', () => {
  it('from the printed command to a realized subscription', async () => {
    const t0 = performance.now();
    const { installCommand } = await cliJson<{ installCommand: string | null }>(ctl.address, ['host', 'token', 'create']);
    expect(installCommand).toMatch(/^curl -fsS http:\/\/127\.0\.0\.1:\d+\/install\.sh \| HOSTPLANE_JOIN_TOKEN=hpj_\S+ sh -s -- --controller 127\.0\.0\.1:\d+$/);
    const agentArgs = ['--vhosts-root', dirs.vhostsRoot, '--config-dir', dirs.configDir, '--config', dirs.layoutFile, '--probe-path', dirs.probeDir, '--heartbeat-seconds', '1'];
    const child = spawn('sh', ['-c', `${installCommand} --no-systemd --prefix ${prefix} --name node1.install.test -- ${agentArgs.join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    group = child.pid;
    node = new Proc(child);
    await eventually(async () => (await cliJson<{ hosts: { name: string; connected: boolean }[] }>(ctl.address, ['host', 'list'])).hosts.find((h) => h.name === 'node1.install.test')?.connected, 60_000, 'the new node connected');

    // What the node got: the runtime and the agent in the prefix, its credential kept private.
    expect(existsSync(join(prefix, 'bin', 'node'))).toBe(true);
    expect(existsSync(join(prefix, 'lib', 'hostplane-agent.mjs'))).toBe(true);
    expect(statSync(join(prefix, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(prefix, 'state', 'credential.json')).mode & 0o777).toBe(0o600);

    for (const args of [
      ['plan', 'create', 'Starter', '--set', 'hosting.php=true'],
      ['customer', 'create', 'newco', '--email', 'ops@newco.example'],
      ['sub', 'create', 'newco.example', '--customer', 'newco', '--plan', 'Starter', '--host', 'node1.install.test'],
    ]) expect((await cli(ctl.address, args)).code).toBe(0);
    await eventually(async () => {
      const s = await cliJson<{ generation: number; appliedGeneration: number; applyError: string | null }>(ctl.address, ['sub', 'show', 'newco.example']);
      return s.appliedGeneration === s.generation && !s.applyError;
    }, 30_000, 'newco.example realized on the new node');
    expect(existsSync(join(dirs.vhostsRoot, 'newco.example', 'httpdocs'))).toBe(true);
    const seconds = (performance.now() - t0) / 1000;
    process.stderr.write(`install: from the printed command to a realized subscription in ${seconds.toFixed(1)} s\n`);
  }, 120_000);

  it('a download that does not match its SHA-256 is not installed', async () => {
    const base = (await cliJson<{ installCommand: string }>(ctl.address, ['host', 'token', 'create'])).installCommand.match(/http:\/\/[^/]+/)![0];
    const script = await (await fetch(`${base}/install.sh`)).text();
    const tampered = script.replace(/AGENT_SHA256='[0-9a-f]{64}'/, `AGENT_SHA256='${'0'.repeat(64)}'`);
    const other = tempDir('hostplane-install-bad-');
    try {
      const res = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn('sh', ['-s', '--', '--controller', ctl.address, '--no-systemd', '--prefix', other], { env: { ...process.env, HOSTPLANE_JOIN_TOKEN: 'hpj_unused' }, stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
        child.stdin.end(tampered);
      });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('hostplane-agent.mjs does not match its SHA-256: not installed');
      expect(existsSync(join(other, 'lib', 'hostplane-agent.mjs'))).toBe(false);
    } finally {
      removeDir(other);
    }
  }, 60_000);
});
