/**
 * The connection: address and CA from flags over environment over defaults, TLS with `--ca`
 * against a real TLS server (a throw-away certificate made with openssl), and the progress
 * indication shown only on a terminal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import { Plan, PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONTROLLER, resolveConnection } from '../../cli/src/client.js';
import { withProgress } from '../../cli/src/progress.js';
import { runCli, spawnCli, startStub, type Stub } from './helpers.js';

describe('connection settings', () => {
  it('takes flags over environment over defaults', () => {
    expect(resolveConnection({}, {})).toEqual({ address: DEFAULT_CONTROLLER, token: undefined, caFile: undefined, timeoutSeconds: undefined, defaultAddress: true });
    const env = { HOSTPLANE_CONTROLLER: 'ctl:1', HOSTPLANE_TOKEN: ' t ', HOSTPLANE_CA: '/env/ca.pem' };
    expect(resolveConnection({}, env)).toEqual({ address: 'ctl:1', token: 't', caFile: '/env/ca.pem', timeoutSeconds: undefined });
    expect(resolveConnection({ controller: 'flag:2', ca: '/flag/ca.pem', timeout: 5 }, env)).toMatchObject({
      address: 'flag:2',
      caFile: '/flag/ca.pem',
      timeoutSeconds: 5,
    });
    expect(resolveConnection({}, { HOSTPLANE_TOKEN: '', HOSTPLANE_CONTROLLER: ' ' })).toMatchObject({ address: DEFAULT_CONTROLLER, token: undefined });
  });
});

describe('TLS with --ca', () => {
  let dir: string;
  let stub: Stub;
  beforeAll(async () => {
    dir = mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), 'hostplane-cli-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'ignore' });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'other-key.pem'), '-out', join(dir, 'other.pem'), '-subj', '/CN=other',
    ], { stdio: 'ignore' });
    const creds = ServerCredentials.createSsl(null, [
      { private_key: readFileSync(join(dir, 'key.pem')), cert_chain: readFileSync(join(dir, 'cert.pem')) },
    ]);
    stub = await startStub({ listPlans: () => ({ plans: [Plan.fromPartial({ name: 'Secure', kind: PlanKind.PLAN_KIND_SERVICE })] }) }, creds);
  });
  afterAll(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // In-process calls go to `localhost` (the certificate's DNS name): addressed by IP, grpc-js makes
  // Node print a deprecation warning in this test process (the CLI process silences it, see below).
  const byName = () => ({ ...stub.env, HOSTPLANE_CONTROLLER: stub.address.replace('127.0.0.1', 'localhost') });

  it('calls over TLS, trusting the given CA', async () => {
    const res = await runCli(['plan', 'list', '--ca', join(dir, 'cert.pem'), '--json'], byName());
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout).plans[0].name).toBe('Secure');
    const viaEnv = await runCli(['plan', 'list'], { ...byName(), HOSTPLANE_CA: join(dir, 'cert.pem') });
    expect(viaEnv.code).toBe(0);
  });

  it('prints nothing but the answer as a process, even for a controller addressed by IP', async () => {
    const res = await spawnCli(['plan', 'list', '--ca', join(dir, 'cert.pem')], stub.env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Secure\s+service/m);
  });

  it('says why TLS failed, in one line, exit 1', async () => {
    const plaintext = await runCli(['plan', 'list', '--timeout', '5'], byName());
    expect(plaintext.code).toBe(1);
    expect(plaintext.stderr).toMatch(/^error: cannot reach the controller at localhost:\d+: is it running\? \(.*if it uses TLS, give its CA certificate with --ca\)\n$/);

    const untrusted = await runCli(['plan', 'list', '--ca', join(dir, 'other.pem'), '--timeout', '5'], byName());
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^error: cannot reach the controller at localhost:\d+: its TLS certificate is not trusted by the CA of --ca or HOSTPLANE_CA \(self-signed certificate\)\n$/);

    // A --ca file that is not a certificate is said to be one, before any call.
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello\n');
    const notPem = await runCli(['plan', 'list', '--ca', join(dir, 'not-a-cert.pem'), '--timeout', '5'], byName());
    expect(notPem.code).toBe(2);
    expect(notPem.stderr).toMatch(/^error: the CA file \S+not-a-cert\.pem given by --ca or HOSTPLANE_CA is not a PEM certificate \(no BEGIN CERTIFICATE line\)\n$/);

    const plain = await startStub({});
    try {
      const res = await runCli(['plan', 'list', '--ca', join(dir, 'cert.pem'), '--timeout', '5'], { HOSTPLANE_CONTROLLER: plain.address.replace('127.0.0.1', 'localhost') });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^error: cannot reach the controller at localhost:\d+: it does not answer in TLS; is the CA of --ca or HOSTPLANE_CA meant for it\? \(wrong version number\)\n$/);
    } finally {
      await plain.close();
    }
  });
});

describe('progress indication', () => {
  it('shows a spinner with the elapsed time on a TTY after a moment, then erases it', async () => {
    vi.useFakeTimers();
    try {
      const written: string[] = [];
      let finish!: (v: string) => void;
      const work = new Promise<string>((resolve) => (finish = resolve));
      const shown = withProgress({ isTTY: true, write: (t: string) => written.push(t) }, 'Updating plan Gold', work, { delayMs: 400, intervalMs: 100 });
      await vi.advanceTimersByTimeAsync(300);
      expect(written).toEqual([]);
      await vi.advanceTimersByTimeAsync(1300);
      expect(written.length).toBeGreaterThan(5);
      expect(written.at(-1)).toMatch(/Updating plan Gold… 1s$/);
      finish('done');
      await expect(shown).resolves.toBe('done');
      expect(written.at(-1)).toBe('\r\x1b[2K');
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes nothing when stderr is not a terminal', async () => {
    const written: string[] = [];
    await expect(withProgress({ isTTY: false, write: (t: string) => written.push(t) }, 'x', Promise.resolve(1), { delayMs: 0 })).resolves.toBe(1);
    expect(written).toEqual([]);
  });
});
