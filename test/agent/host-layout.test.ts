/**
 * The host layout: Debian's defaults, a JSON file over them, flags over both; an unknown or bad
 * field refused with its name; `--print-config` prints the result.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLayout, loadHostLayout } from '../../agent/src/index.js';
import { parseAgentArgs } from '../../agent/src/main.js';
import { BIN } from '../helpers/processes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), 'hostplane-layout-'));
  dirs.push(dir);
  const file = join(dir, 'agent.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('defaults', () => {
  it("are Debian 12's, without systemd: nginx -s reload, php-fpm reloaded by its signal", () => {
    const l = loadHostLayout(undefined);
    expect(l).toEqual(defaultLayout());
    expect(l.vhostsRoot).toBe('/var/www/vhosts');
    expect(l.configDir).toBe('/etc/hostplane/agent');
    expect(l.nginx.includeDir).toBe('/etc/hostplane/agent/nginx');
    expect(l.nginx.validate).toEqual(['nginx', '-t', '-q']);
    expect(l.nginx.reload).toEqual(['nginx', '-s', 'reload']);
    expect(l.phpFpm.poolDir).toBe('/etc/hostplane/agent/php/{version}/fpm/pool.d');
    expect(l.phpFpm.validate).toEqual(['php-fpm{version}', '-t']);
    expect(l.phpFpm.reload).toEqual(['pkill', '--signal', 'USR2', '--pidfile', '/run/php/php{version}-fpm.pid']);
    expect(l.webServer).toEqual({ user: 'www-data', group: 'www-data' });
    expect(l.users.prefix).toBe('hp_');
  });
});

describe('file and flags', () => {
  it('a file overrides field by field; dirs derived from configDir follow it', () => {
    const file = configFile({ configDir: '/srv/hp', nginx: { reload: ['systemctl', 'reload', 'nginx'], listen: ['127.0.0.1:8080'] }, users: { prefix: 'site_' } });
    const l = loadHostLayout(file);
    expect(l.nginx.includeDir).toBe('/srv/hp/nginx');
    expect(l.phpFpm.poolDir).toBe('/srv/hp/php/{version}/fpm/pool.d');
    expect(l.nginx.reload).toEqual(['systemctl', 'reload', 'nginx']);
    expect(l.nginx.validate).toEqual(['nginx', '-t', '-q']); // not given: default
    expect(l.nginx.listen).toEqual(['127.0.0.1:8080']);
    expect(l.users).toMatchObject({ prefix: 'site_', uidMin: 10000 });
  });

  it('flags win over the file', () => {
    const file = configFile({ vhostsRoot: '/srv/www', configDir: '/srv/hp', stateDir: '/srv/state' });
    const l = loadHostLayout(file, { vhostsRoot: '/data/www', configDir: '/data/hp', stateDir: '/data/state' });
    expect([l.vhostsRoot, l.configDir, l.stateDir, l.nginx.includeDir]).toEqual(['/data/www', '/data/hp', '/data/state', '/data/hp/nginx']);
  });

  it('an empty command list runs nothing', () => {
    expect(loadHostLayout(configFile({ nginx: { validate: [], reload: [] } })).nginx).toMatchObject({ validate: [], reload: [] });
  });

  it.each([
    [{ nginx: { relaod: ['x'] } }, /unknown field 'nginx\.relaod'/],
    [{ vhostroot: '/x' }, /unknown field 'vhostroot'/],
    [{ nginx: { reload: 'systemctl reload nginx' } }, /nginx\.reload: expected a list of strings/],
    [{ users: { uidMin: '1000' } }, /users\.uidMin: expected a number/],
    [{ users: { uidMin: 20, uidMax: 30 } }, /users\.uidMin: 20 is not a whole number between 1000/],
    [{ users: { prefix: 'Root;' } }, /users\.prefix/],
    [{ retry: { minSeconds: 10, maxSeconds: 5 } }, /retry\.maxSeconds/],
    [{ vhostsRoot: 'www' }, /vhostsRoot: 'www' is not a path/],
    ['{ not json', /is not valid JSON/],
    [[1, 2], /expected a JSON object/],
  ] as [unknown, RegExp][])('refuses %j naming the field', (content, message) => {
    expect(() => loadHostLayout(configFile(content))).toThrow(message);
  });

  it('a missing file is an error naming it', () => {
    expect(() => loadHostLayout('/nonexistent/agent.json')).toThrow(/--config: cannot read '\/nonexistent\/agent.json'/);
  });
});

describe('hostplane-agent', () => {
  it('--print-config prints the effective layout as JSON', () => {
    const file = configFile({ nginx: { listen: ['127.0.0.1:8081'] } });
    const out = execFileSync(process.execPath, [BIN.agent, '--print-config', '--config', file, '--vhosts-root', '/data/www'], { encoding: 'utf8' });
    const printed = JSON.parse(out) as ReturnType<typeof defaultLayout>;
    expect(printed.vhostsRoot).toBe('/data/www');
    expect(printed.nginx.listen).toEqual(['127.0.0.1:8081']);
    expect(printed.phpFpm.reload).toEqual(defaultLayout().phpFpm.reload);
  });

  it('a bad layout stops start-up with its field named (exit 2)', () => {
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [BIN.agent, '--print-config', '--config', configFile({ nginx: { nope: 1 } })], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(2);
    expect(err.stderr).toMatch(/^hostplane-agent: .*unknown field 'nginx\.nope'/);
  });

  it('plaintext only to a controller on this machine: elsewhere --ca or --insecure', () => {
    expect(() => parseAgentArgs(['--controller', 'ctl.example.net:50051', '--state-dir', '/nonexistent'], {})).toThrow(
      '--controller ctl.example.net:50051 is not on this machine: give --ca-hash (printed with the join token) or --ca FILE',
    );
    expect(parseAgentArgs(['--controller', 'ctl.example.net:50051', '--ca-hash', `sha256:${'0'.repeat(64)}`], {}).config?.caHash).toBe(`sha256:${'0'.repeat(64)}`);
    expect(() => parseAgentArgs(['--controller', '127.0.0.1:1', '--ca-hash', 'md5:abc'], {})).toThrow("--ca-hash: 'md5:abc' is not sha256:<64 hex digits>");
    expect(parseAgentArgs(['--controller', 'ctl.example.net:50051', '--ca', '/etc/hostplane/ca.pem'], {}).config?.caFile).toBe('/etc/hostplane/ca.pem');
    expect(parseAgentArgs(['--controller', 'ctl.example.net:50051', '--insecure'], {}).config?.controller).toBe('ctl.example.net:50051');
    expect(parseAgentArgs(['--controller', 'ctl.example.net:50051'], { HOSTPLANE_INSECURE: '1' }).config?.controller).toBe('ctl.example.net:50051');
    for (const local of ['127.0.0.1:50051', 'localhost:50051', '[::1]:50051', '127.9.9.9:1']) expect(parseAgentArgs(['--controller', local], {}).config?.controller).toBe(local);
    expect(() => parseAgentArgs(['--controller', 'http://ctl.example.net:50051'], {})).toThrow('is not HOST:PORT');
  });

  it('the join token from a file (never in ps), else the flag, else the environment', () => {
    const file = configFile('hpj_from_file\n');
    expect(parseAgentArgs(['--controller', '127.0.0.1:1', '--join-token-file', file], { HOSTPLANE_JOIN_TOKEN: 'hpj_env' }).config?.joinToken).toBe('hpj_from_file');
    expect(parseAgentArgs(['--controller', '127.0.0.1:1'], { HOSTPLANE_JOIN_TOKEN: 'hpj_env' }).config?.joinToken).toBe('hpj_env');
    expect(parseAgentArgs(['--controller', '127.0.0.1:1'], { HOSTPLANE_JOIN_TOKEN_FILE: file }).config?.joinToken).toBe('hpj_from_file');
    expect(() => parseAgentArgs(['--controller', '127.0.0.1:1', '--join-token-file', '/nonexistent/token'], {})).toThrow("--join-token-file: cannot read '/nonexistent/token': ENOENT");
  });

  it("ACME: Let's Encrypt by default; another directory, a contact and a CA to trust; bad values refused by name", () => {
    expect(parseAgentArgs(['--controller', '127.0.0.1:1'], {}).config?.acme).toEqual({ directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', email: undefined, caFile: undefined });
    expect(
      parseAgentArgs(['--controller', '127.0.0.1:1', '--acme-directory', 'https://ca.example.net/dir', '--acme-email', 'ops@example.org'], { HOSTPLANE_ACME_CA: '/etc/hostplane/acme-ca.pem' }).config?.acme,
    ).toEqual({ directoryUrl: 'https://ca.example.net/dir', email: 'ops@example.org', caFile: '/etc/hostplane/acme-ca.pem' });
    expect(() => parseAgentArgs(['--controller', '127.0.0.1:1', '--acme-directory', 'http://ca.example.net/dir'], {})).toThrow("--acme-directory: 'http://ca.example.net/dir' is not an https:// URL");
    expect(() => parseAgentArgs(['--controller', '127.0.0.1:1', '--acme-email', 'ops'], {})).toThrow("--acme-email: 'ops' is not an e-mail address");
  });

  it('--controller is required to run, not to print the layout', () => {
    expect(() => parseAgentArgs([], {})).toThrow('--controller is required');
    expect(parseAgentArgs(['--print-config'], {}).printConfig).toBe(true);
  });
});
