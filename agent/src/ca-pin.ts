/**
 * Trusting the controller by the hash of its CA (`--ca-hash sha256:<hex>`, printed with each join
 * token — as kubeadm's discovery hash): before anything is sent, the agent opens a TLS connection,
 * takes the certificate chain the server presents, and accepts it only when one of its
 * certificates has that SHA-256 and the server's certificate chains to it. That CA is then kept in
 * the state dir and pinned for every later connection; a server that does not present it gets
 * neither the join token nor the credential.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { splitHostPort } from '@hostplane/shared';

export const CA_HASH = /^sha256:[0-9a-f]{64}$/;
export const PINNED_CA_FILE = 'controller-ca.pem';

export function pinnedCaPath(stateDir: string): string {
  return path.join(stateDir, PINNED_CA_FILE);
}

/** The CA pinned at enrollment, if any. */
export function readPinnedCa(stateDir: string): string | undefined {
  const file = pinnedCaPath(stateDir);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** `sha256:<hex>` of a certificate's DER bytes. */
export function certHash(der: Buffer): string {
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** The chain the server presented, leaf first (as Node links it), each certificate once. */
function chainOf(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): Buffer[] {
  const out: Buffer[] = [];
  let c: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf;
  while (c?.raw && !out.some((d) => d.equals(c!.raw))) {
    out.push(c.raw);
    c = c.issuerCertificate as typeof c;
  }
  return out;
}

/**
 * Connects to `address`, finds the presented CA whose hash is `caHash`, checks that the server's
 * certificate chains to it, and returns its PEM. Throws an Error saying what did not match.
 */
export function fetchCaByHash(address: string, caHash: string, timeoutMs = 10_000): Promise<string> {
  const hp = splitHostPort(address);
  if (!hp) return Promise.reject(new Error(`'${address}' is not HOST:PORT`));
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hp.host,
      port: hp.port,
      rejectUnauthorized: false, // the chain is checked below, against the pinned hash
      ALPNProtocols: ['h2'],
      ...(/^[\d.]+$|:/.test(hp.host) ? {} : { servername: hp.host }),
    });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS answer from ${address} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot fetch the CA of ${address} over TLS: ${err.message}`));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const chain = chainOf(socket.getPeerCertificate(true));
      socket.end();
      const caIndex = chain.findIndex((der) => certHash(der) === caHash);
      if (caIndex < 0) {
        return reject(new Error(`the controller at ${address} does not present the CA ${caHash}: refusing to enroll (is --ca-hash from this controller's 'host token create'?)`));
      }
      // Each certificate from the leaf up to the CA must be signed by the next one.
      for (let i = 0; i < caIndex; i++) {
        const child = new X509Certificate(chain[i]!);
        const parent = new X509Certificate(chain[i + 1]!);
        if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
          return reject(new Error(`the certificate of ${address} does not chain to the CA ${caHash}: refusing to enroll`));
        }
      }
      resolve(pem(chain[caIndex]!));
    });
  });
}

/** Keeps the CA for every later connection (0644: it is public; its directory is the agent's). */
export async function savePinnedCa(stateDir: string, caPem: string): Promise<void> {
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(pinnedCaPath(stateDir), caPem, { mode: 0o644 });
}
