/**
 * The agent's CertificateManager against Debian's pebble (a real ACME server), its HTTP-01
 * challenges answered by a small HTTP server standing in for nginx (it serves the agent's
 * challenge directory, as the site's server block does): issuance, no renewal before it is due,
 * renewal once it is, and failures kept with their reason and retried only after the delay.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateManager, type AcmeOptions } from '../../../agent/src/acme/certificates.js';
import { acmeChallengeDir, certificatePaths, type Layout } from '../../../agent/src/realize/layout.js';
import { PEBBLE, startDns, startPebble, type Pebble } from '../../helpers/pebble.js';
import { ensureOwnCa } from '../../../controller/src/own-ca.js';
import { freePort, tempDir } from '../../helpers/processes.js';

let layout: Layout;
let stateDir: string;
let web: Server;
let dns: { port: number; close(): void };
let pebble: Pebble;
const silent = { info: () => undefined, warn: () => undefined };
const ssl = (name: string, extra: { suspended?: boolean; ssl?: boolean } = {}) => ({ name, values: { 'hosting.ssl': extra.ssl ?? true }, suspended: extra.suspended ?? false });

beforeAll(async () => {
  const root = tempDir('hostplane-acme-');
  layout = { vhostsRoot: path.join(root, 'vhosts'), configDir: path.join(root, 'config') };
  stateDir = path.join(root, 'state');
  const port = await freePort();
  web = createServer((req, res) => {
    // The site's server block answers for the name and its www. name, from one directory.
    const host = (req.headers.host ?? '').split(':')[0]!.replace(/^www\./, '');
    const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    try {
      if (!token) throw new Error('not a challenge');
      res.end(readFileSync(path.join(acmeChallengeDir(layout, host), token)));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => web.listen(port, '127.0.0.1', r));
  dns = await startDns(new Set(['bad.example', 'www.bad.example']));
  pebble = await startPebble(port, dns.port);
}, 30_000);

afterAll(async () => {
  await pebble?.stop();
  dns?.close();
  await new Promise((r) => web?.close(r));
});

const options = (extra: Partial<AcmeOptions> = {}): AcmeOptions => ({ directoryUrl: pebble.directoryUrl, caFile: pebble.caFile, jitterMs: 1, ...extra });
const serial = (name: string) => acme.crypto.readCertificateInfo(readFileSync(certificatePaths(layout, name).certificate)).notBefore.getTime() + readFileSync(certificatePaths(layout, name).certificate, 'utf8');

describe.skipIf(!PEBBLE)('CertificateManager', () => {
  it('obtains a certificate for the name and its www. name, key 0600 beside it; sites without SSL are left alone', async () => {
    const m = new CertificateManager(layout, stateDir, options(), silent);
    const { statuses, installed } = await m.run([ssl('r.example'), ssl('plain.example', { ssl: false }), ssl('off.example', { suspended: true })]);
    expect(installed).toBe(true);
    expect(statuses).toEqual([{ name: 'r.example', status: 'valid', names: ['r.example', 'www.r.example'], notAfter: expect.any(String), issuer: expect.any(String) }]);
    const info = acme.crypto.readCertificateInfo(readFileSync(certificatePaths(layout, 'r.example').certificate));
    expect(new Set([info.domains.commonName, ...info.domains.altNames])).toEqual(new Set(['r.example', 'www.r.example']));
    expect(statSync(certificatePaths(layout, 'r.example').key).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(stateDir, 'acme', 'account.key')).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('is not renewed before it is due (30 days before expiry), and is once it is', async () => {
    const before = serial('r.example');
    const notDue = await new CertificateManager(layout, stateDir, options(), silent).run([ssl('r.example')]);
    expect(notDue.installed).toBe(false);
    expect(serial('r.example')).toBe(before);
    // A renewal window longer than the certificate's life: due now.
    const key = readFileSync(certificatePaths(layout, 'r.example').key, 'utf8');
    const due = await new CertificateManager(layout, stateDir, options({ renewBeforeMs: 10 * 365 * 86_400_000 }), silent).run([ssl('r.example')]);
    expect(due.installed).toBe(true);
    expect(serial('r.example')).not.toBe(before);
    // The key is kept: what nginx reads while the certificate is replaced always matches it.
    expect(readFileSync(certificatePaths(layout, 'r.example').key, 'utf8')).toBe(key);
  }, 60_000);

  it("a certificate the operator installed is served as it is: never renewed nor replaced", async () => {
    const own = await ensureOwnCa(tempDir('hostplane-acme-op-'), ['op.example']);
    const { certificate, key } = certificatePaths(layout, 'op.example');
    mkdirSync(path.dirname(certificate), { recursive: true });
    writeFileSync(certificate, own.certPem);
    writeFileSync(key, own.keyPem);
    const { statuses, installed } = await new CertificateManager(layout, stateDir, options({ renewBeforeMs: 10 * 365 * 86_400_000 }), silent).run([ssl('op.example')]);
    expect(installed).toBe(false);
    expect(statuses).toEqual([{ name: 'op.example', status: 'valid', names: expect.arrayContaining(['op.example']), notAfter: expect.any(String), issuer: expect.any(String) }]);
    expect(readFileSync(certificate, 'utf8')).toBe(own.certPem);
    expect(readFileSync(key, 'utf8')).toBe(own.keyPem);
  });

  it('a name the CA cannot validate fails with the reason, and is tried again only after the retry delay', async () => {
    let now = Date.now();
    const m = new CertificateManager(layout, stateDir, options({ retryMs: 60_000 }), silent, () => now);
    const first = await m.run([ssl('bad.example')]);
    expect(first.statuses).toEqual([{ name: 'bad.example', status: 'failed', names: ['bad.example', 'www.bad.example'], error: expect.stringMatching(/bad\.example/) }]);
    const orders: string[] = [];
    acme.setLogger((line) => line.includes('Placing new certificate order') && orders.push(line));
    try {
      const again = await m.run([ssl('bad.example')]);
      expect(again.statuses).toEqual(first.statuses); // the same failure, and no new order
      expect(orders).toEqual([]);
      now += 61_000;
      const later = await m.run([ssl('bad.example')]);
      expect(later.statuses[0]).toMatchObject({ status: 'failed' });
      expect(orders).toHaveLength(1); // tried again once the delay passed
    } finally {
      acme.setLogger(() => undefined);
    }
  }, 60_000);
});
