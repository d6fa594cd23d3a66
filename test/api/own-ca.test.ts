/** The controller's own CA: created once, reused, renewed server certificate for new names; TLS implied off loopback. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileConfig } from '../../controller/src/config.js';
import { certificateHash, ensureOwnCa, serverNames } from '../../controller/src/own-ca.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), 'hostplane-ownca-'));
  dirs.push(d);
  return d;
};

describe('ensureOwnCa', () => {
  it('creates a CA and a server certificate for the names, then reuses them', async () => {
    const dir = dataDir();
    const first = await ensureOwnCa(dir, ['localhost', '127.0.0.1']);
    const leaf = new X509Certificate(first.certPem);
    const ca = new X509Certificate(first.caPem);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(first.caHash).toBe(certificateHash(first.caPem));
    const again = await ensureOwnCa(dir, ['localhost', '127.0.0.1']);
    expect(again).toEqual(first);
  });

  it('a new name gets a new server certificate from the same CA (the pin stays valid)', async () => {
    const dir = dataDir();
    const first = await ensureOwnCa(dir, ['localhost']);
    const more = await ensureOwnCa(dir, ['localhost', 'ctl.example.net', '192.0.2.10']);
    expect(more.caHash).toBe(first.caHash);
    expect(more.certPem).not.toBe(first.certPem);
    const san = new X509Certificate(more.certPem).subjectAltName ?? '';
    expect(san).toContain('DNS:ctl.example.net');
    expect(san).toContain('IP Address:192.0.2.10');
  });

  it('names: this machine and loopback, plus a specific listen host', () => {
    expect(serverNames('0.0.0.0')).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    expect(serverNames('192.0.2.10')).toContain('192.0.2.10');
    expect(serverNames('0.0.0.0', ['ctl.example.net'])).toContain('ctl.example.net');
  });
});

describe('TLS off loopback', () => {
  const base = { dataDir: '/tmp/x', metricsListen: 'off' };
  it('a non-loopback address without a certificate gets the own CA; --insecure serves plaintext', () => {
    expect(compileConfig({}, {}, { ...base, listen: '0.0.0.0:50051' }).ownCa).toBe(true);
    expect(compileConfig({}, {}, { ...base, listen: '0.0.0.0:50051', insecure: true }).ownCa).toBe(false);
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051' }).ownCa).toBe(false);
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051', ownCa: true }).ownCa).toBe(true);
    expect(compileConfig({}, {}, { ...base, listen: '0.0.0.0:50051', tlsCert: '/c', tlsKey: '/k' }).ownCa).toBe(false);
    expect(() => compileConfig({}, {}, { ...base, listen: '127.0.0.1:0', ownCa: true, tlsCert: '/c', tlsKey: '/k' })).toThrow(/either --own-ca or --tls-cert/);
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:0', tlsNames: 'a.example, 192.0.2.1' }).tlsNames).toEqual(['a.example', '192.0.2.1']);
  });

  it('the JSON API port is served as the gRPC one: off by default, HTTPS with the own CA off loopback', () => {
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051' }).httpListen).toBe('off');
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051', httpListen: '127.0.0.1:8080' }).ownCa).toBe(false);
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051', httpListen: '0.0.0.0:8080' }).ownCa).toBe(true);
    expect(compileConfig({}, {}, { ...base, listen: '127.0.0.1:50051', httpListen: '0.0.0.0:8080', insecure: true }).ownCa).toBe(false);
    expect(() => compileConfig({}, {}, { ...base, httpListen: 'nowhere' })).toThrow(/httpListen|listen/);
  });
});
