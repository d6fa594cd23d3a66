/**
 * The controller's own certificate authority, for TLS without an operator's certificate: on first
 * start it creates a CA (ECDSA P-256, 10 years) and a server certificate signed by it (825 days,
 * for this machine's names and the listen address) under `<data-dir>/tls/` — directory 0700, keys
 * 0600 — and reuses them afterwards (a new server certificate when a name is missing or it nears
 * expiry; the CA, which agents pin, is kept). Agents learn the CA by its SHA-256 fingerprint, given
 * with each join token (`--ca-hash sha256:<hex>`, as kubeadm's discovery hash), and pin it.
 *
 * @peculiar/x509 builds the certificates: Node can parse and verify X.509 but not issue it.
 */
import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { isLoopbackHost } from '@hostplane/shared';
import { writeSecretFile } from './secret-file.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const RENEW_BEFORE_DAYS = 30;

export interface OwnCa {
  /** PEM of the CA certificate (what `--ca` takes). */
  readonly caPem: string;
  /** `sha256:<hex>` of the CA certificate's DER: what agents pin. */
  readonly caHash: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly caFile: string;
}

/** `sha256:<hex>` of a PEM certificate's DER bytes. */
export function certificateHash(pem: string): string {
  return `sha256:${createHash('sha256').update(new NodeX509(pem).raw).digest('hex')}`;
}

/** The names a server certificate covers: this machine, loopback, and the listen host when specific. */
export function serverNames(listenHost: string, extra: readonly string[] = []): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1', hostname().toLowerCase(), ...extra]);
  if (listenHost !== '0.0.0.0' && listenHost !== '::' && !isLoopbackHost(listenHost)) names.add(listenHost);
  return [...names];
}

/** Loads the own CA under `dataDir`, creating what is missing or due. */
export async function ensureOwnCa(dataDir: string, names: readonly string[], now = new Date()): Promise<OwnCa> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files = { ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca.key'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };

  let caPem: string;
  let caKeys: CryptoKeyPair;
  if (existsSync(files.ca) && existsSync(files.caKey)) {
    caPem = readFileSync(files.ca, 'utf8');
    caKeys = await importKeys(readFileSync(files.caKey, 'utf8'), caPem);
  } else {
    caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=hostplane controller CA',
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 3650 * DAY),
      keys: caKeys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    caPem = ca.toString('pem');
    writeSecretFile(files.caKey, await privatePem(caKeys.privateKey));
    writeSecretFile(files.ca, caPem, 0o644);
  }

  if (!serverCertUsable(files.cert, files.key, caPem, names, now)) {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const ca = new x509.X509Certificate(caPem);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: 'CN=hostplane controller',
      issuer: ca.subject,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 825 * DAY),
      signingKey: caKeys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((n) => (isIp(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
      ],
    });
    writeSecretFile(files.key, await privatePem(keys.privateKey));
    writeSecretFile(files.cert, `${cert.toString('pem')}\n${caPem}`, 0o644);
  }
  return {
    caPem,
    caHash: certificateHash(caPem),
    certPem: readFileSync(files.cert, 'utf8'),
    keyPem: readFileSync(files.key, 'utf8'),
    caFile: files.ca,
  };
}

/** The server certificate exists, was issued by this CA, covers every name, and is not near expiry. */
function serverCertUsable(certFile: string, keyFile: string, caPem: string, names: readonly string[], now: Date): boolean {
  if (!existsSync(certFile) || !existsSync(keyFile)) return false;
  try {
    const cert = new NodeX509(readFileSync(certFile, 'utf8'));
    if (!cert.checkIssued(new NodeX509(caPem))) return false;
    if (new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY) return false;
    const san = cert.subjectAltName ?? '';
    return names.every((n) => san.includes(isIp(n) ? `IP Address:${n.toUpperCase()}` : `DNS:${n}`) || san.includes(`IP Address:${n}`));
  } catch {
    return false;
  }
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function importKeys(keyPem: string, certPem: string): Promise<CryptoKeyPair> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = await new x509.X509Certificate(certPem).publicKey.export(ALG, ['verify']);
  return { privateKey, publicKey } as CryptoKeyPair;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}
