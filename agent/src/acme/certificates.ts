/**
 * Certificates for `hosting.ssl` by ACME HTTP-01 (acme-client): for each site that asks for SSL, a
 * certificate for its name and `www.` name, obtained with the node's account key
 * (`<state-dir>/acme/account.key`, 0600), the challenge served by the site's nginx from the agent's
 * own directory, installed where realization looks for it (`<config-dir>/ssl/<domain>/`, key 0600),
 * and renewed 30 days before it expires (each site at its own jittered moment). A failure is kept
 * with its message (the site goes on serving HTTP) and retried after a delay.
 */
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { Client } from 'acme-client';
import { X509Certificate } from 'node:crypto';
import { withDefaults, type Values } from '@hostplane/shared';
import { writeFileAtomic } from '../realize/fs-atomic.js';
import { acmeChallengeDir, certificatePaths, type Layout } from '../realize/layout.js';
import { serverNames } from '../realize/render/nginx.js';

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

export interface AcmeOptions {
  /** `--acme-directory`: the ACME server's directory URL (default Let's Encrypt). */
  readonly directoryUrl: string;
  /** `--acme-email`: the account's contact. */
  readonly email?: string | undefined;
  /** `--acme-ca`: a CA file to trust for the ACME server's own HTTPS (a private ACME server). */
  readonly caFile?: string | undefined;
  /** Renew this long before expiry (default 30 days), less up to `jitterMs` (default 1 day). */
  readonly renewBeforeMs?: number;
  readonly jitterMs?: number;
  /** A failed site is tried again after this long (default 1 hour). */
  readonly retryMs?: number;
}

export type CertificateState = 'none' | 'pending' | 'valid' | 'failed';

export interface CertificateStatus {
  readonly name: string;
  readonly status: CertificateState;
  readonly names: readonly string[];
  readonly notAfter?: string;
  readonly issuer?: string;
  readonly error?: string;
}

/** A site as realization applied it: whether it wants a certificate now. */
export interface CertificateSite {
  readonly name: string;
  readonly values: Readonly<Values>;
  readonly suspended: boolean;
}

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const DAY = 86_400_000;
/** Beside a certificate the agent obtained: it may renew (and replace) it. */
const ISSUED_MARKER = '.issued-by-hostplane';

export class CertificateManager {
  private client: Client | undefined;
  private readonly failures = new Map<string, { at: number; error: string }>();
  /** Each site's own renewal offset, so that a fleet does not renew in step. */
  private readonly jitter = new Map<string, number>();

  constructor(
    private readonly layout: Layout,
    private readonly stateDir: string,
    private readonly opts: AcmeOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a site wants a certificate: SSL on a served, active site. */
  static wants(site: CertificateSite): boolean {
    const v = withDefaults(site.values);
    return v['hosting.web'] === true && v['hosting.ssl'] === true && !site.suspended;
  }

  /**
   * Brings every site's certificate up to date (one at a time); returns the status of each site
   * that wants one, and whether a certificate was installed (realization must then serve HTTPS).
   */
  async run(sites: readonly CertificateSite[]): Promise<{ statuses: CertificateStatus[]; installed: boolean }> {
    const statuses: CertificateStatus[] = [];
    let installed = false;
    for (const site of sites) {
      if (!CertificateManager.wants(site)) continue;
      const current = await this.installed(site.name);
      const names = serverNames(site.name);
      // A certificate the operator put there (no marker of ours) is theirs: served, never replaced.
      if (current && !(await this.issuedByUs(site.name))) {
        statuses.push({ name: site.name, status: 'valid', names: current.names, notAfter: current.notAfter, issuer: current.issuer });
        continue;
      }
      const due = !current || !sameNames(current.names, names) || Date.parse(current.notAfter) - this.now() < this.renewBefore(site.name);
      if (!due) {
        statuses.push({ name: site.name, status: 'valid', names, notAfter: current.notAfter, issuer: current.issuer });
        continue;
      }
      const failed = this.failures.get(site.name);
      if (failed && this.now() - failed.at < (this.opts.retryMs ?? 3_600_000)) {
        statuses.push(current ? { name: site.name, status: 'valid', names: current.names, notAfter: current.notAfter, issuer: current.issuer, error: failed.error } : { name: site.name, status: 'failed', names, error: failed.error });
        continue;
      }
      try {
        const info = await this.obtain(site.name, names);
        this.failures.delete(site.name);
        installed = true;
        statuses.push({ name: site.name, status: 'valid', names, notAfter: info.notAfter, issuer: info.issuer });
        this.log.info({ component: 'acme', subscription: site.name, notAfter: info.notAfter }, 'certificate installed');
      } catch (err) {
        const error = acmeError(err);
        this.failures.set(site.name, { at: this.now(), error });
        this.log.warn({ component: 'acme', subscription: site.name, err: error }, 'certificate not obtained; the site stays on HTTP');
        statuses.push(current ? { name: site.name, status: 'valid', names: current.names, notAfter: current.notAfter, issuer: current.issuer, error } : { name: site.name, status: 'failed', names, error });
      }
    }
    return { statuses, installed };
  }

  private renewBefore(name: string): number {
    let j = this.jitter.get(name);
    if (j === undefined) {
      j = randomInt(0, Math.max(1, this.opts.jitterMs ?? DAY));
      this.jitter.set(name, j);
    }
    return (this.opts.renewBeforeMs ?? 30 * DAY) - j;
  }

  /** Whether the site's certificate directory is ours (we issued what is there). */
  private async issuedByUs(name: string): Promise<boolean> {
    const dir = path.dirname(certificatePaths(this.layout, name).certificate);
    return fs.access(path.join(dir, ISSUED_MARKER)).then(
      () => true,
      () => false,
    );
  }

  /** The installed certificate of a site, if it can be read (Node's own X.509 parser). */
  private async installed(name: string): Promise<{ names: string[]; notAfter: string; issuer: string } | undefined> {
    const { certificate } = certificatePaths(this.layout, name);
    try {
      return certificateInfo(await fs.readFile(certificate));
    } catch {
      return undefined;
    }
  }

  /** The ACME client, loaded on first use: an agent without SSL sites never holds it in memory. */
  private async acmeClient(): Promise<Client> {
    if (this.client) return this.client;
    const { default: acme } = await import('acme-client');
    if (this.opts.caFile) acme.axios.defaults.httpsAgent = new https.Agent({ ca: await fs.readFile(this.opts.caFile) });
    const dir = path.join(this.stateDir, 'acme');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, 'account.key');
    let accountKey: Buffer;
    try {
      accountKey = await fs.readFile(keyFile);
    } catch {
      accountKey = await acme.crypto.createPrivateKey();
      await writeFileAtomic(keyFile, accountKey.toString(), 0o600);
    }
    const client = new acme.Client({ directoryUrl: this.opts.directoryUrl, accountKey });
    // The account of this key: found (after a restart), else created. Known from here on, so that
    // orders never try to "update" it with nothing (which CAs refuse).
    try {
      await client.createAccount({ onlyReturnExisting: true });
    } catch {
      await client.createAccount({ termsOfServiceAgreed: true, ...(this.opts.email ? { contact: [`mailto:${this.opts.email}`] } : {}) });
    }
    this.client = client;
    return client;
  }

  private async obtain(name: string, names: string[]): Promise<{ notAfter: string; issuer: string }> {
    const client = await this.acmeClient();
    const { default: acme } = await import('acme-client');
    const challengeDir = acmeChallengeDir(this.layout, name);
    await fs.mkdir(challengeDir, { recursive: true, mode: 0o755 });
    const paths = certificatePaths(this.layout, name);
    // A renewal keeps the key: the certificate nginx may read meanwhile always matches it.
    const existingKey = (await this.issuedByUs(name)) ? await fs.readFile(paths.key).catch(() => undefined) : undefined;
    const [key, csr] = await acme.crypto.createCsr({ commonName: names[0]!, altNames: names }, existingKey);
    const token = (challenge: { token: string }) => {
      // The token names a file: only the base64url alphabet the ACME spec allows.
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(challenge.token)) throw new Error(`refusing an ACME token that is not base64url: ${challenge.token.slice(0, 40)}`);
      return path.join(challengeDir, challenge.token);
    };
    const pem = await client.auto({
      csr,
      challengePriority: ['http-01'],
      // The CA fetches the challenge itself; this host may not resolve its own names.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => writeFileAtomic(token(challenge), keyAuthorization, 0o644),
      challengeRemoveFn: async (_authz, challenge) => fs.rm(token(challenge), { force: true }),
    });
    await fs.mkdir(path.dirname(paths.certificate), { recursive: true, mode: 0o755 });
    await writeFileAtomic(path.join(path.dirname(paths.certificate), ISSUED_MARKER), 'issued by hostplane-agent (ACME); renewed by it\n', 0o644);
    if (!existingKey) await writeFileAtomic(paths.key, key.toString(), 0o600);
    await writeFileAtomic(paths.certificate, pem, 0o644);
    const info = certificateInfo(Buffer.from(pem));
    return { notAfter: info.notAfter, issuer: info.issuer };
  }
}

/** Names (subject CN and DNS alt names), expiry and issuer CN of the first certificate of a PEM chain. */
export function certificateInfo(pem: Buffer): { names: string[]; notAfter: string; issuer: string } {
  const cert = new X509Certificate(pem);
  const cn = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? '';
  const alt = (cert.subjectAltName ?? '').split(',').map((s) => s.trim()).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  return { names: [...new Set([cn(cert.subject), ...alt].filter(Boolean))], notAfter: new Date(cert.validTo).toISOString(), issuer: cn(cert.issuer) };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

/** An ACME failure in one line: the CA's problem detail when there is one. */
function acmeError(err: unknown): string {
  const e = err as { message?: string; response?: { data?: { detail?: string; type?: string } } };
  const detail = e.response?.data?.detail;
  return (detail ? `${detail}${e.response?.data?.type ? ` (${e.response.data.type})` : ''}` : (e.message ?? String(err))).replace(/\s+/g, ' ').slice(0, 500);
}
