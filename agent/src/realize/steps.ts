/**
 * The per-subscription steps of the applier, each converging one subscription and recording its
 * configuration changes in a journal so that the caller can take them back. A step validates the
 * name before it derives any path from it (see layout.ts), and gets the site's system user before
 * it touches anything, so a user clash changes nothing.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CompiledApplierOptions, QuotaTarget } from './applier-options.js';
import { runCommand } from './commands.js';
import { isErrno } from './fs-atomic.js';
import type { FileJournal } from './file-journal.js';
import { assertSubscriptionName, certificatePaths, nginxConfPath, removedRoot, trafficDir, webspaceDir, type ManagedConfig } from './layout.js';
import { siteSpec } from './render/site.js';
import { renderSubscription } from './render/subscription.js';
import type { SiteUser } from './site-users.js';
import type { AppliedSubscription } from './state.js';
import type { DesiredSubscription } from './types.js';
import { ensureWebspace } from './webspace.js';
import { adoptIncoming } from '../move.js';

export interface StepContext {
  readonly opts: CompiledApplierOptions;
  readonly managed: ManagedConfig;
  /** The web server's uid and gid (owners of `httpdocs/`'s group, the logs, the sockets). */
  readonly web: { readonly uid: number; readonly gid: number };
  readonly defaultPhpVersion: string | undefined;
}

export interface RealizedSubscription {
  /** The configuration files it now owns. */
  readonly files: string[];
  readonly user: SiteUser;
  /** Whether its CGI runner must run. */
  readonly cgi: boolean;
}

/**
 * `setquota` for a site's user: `limits.disk_space` as its block limit (soft = hard, in KiB), or no
 * limit (0) when `hosting.hard_quota` is off. Inodes are not limited.
 */
export function setquotaArgv(target: QuotaTarget, user: string, bytes: number | null): string[] {
  // 0 means "no limit" to setquota: a limit of 0 bytes is the smallest enforceable one, a block.
  const blocks = bytes === null ? '0' : String(Math.max(1, Math.ceil(bytes / 1024)));
  return [target.setquota, '-u', user, blocks, blocks, '0', '0', target.mount];
}

/** Sets the site user's quota where the host has quota support (else the controller never asks). */
async function applyQuota(ctx: StepContext, bytes: number | null, before: number | null, user: string): Promise<void> {
  const target = ctx.opts.quota();
  if (!target) {
    if (bytes !== null) throw new Error('hosting.hard_quota: this host has no user quotas on its vhosts filesystem');
    return;
  }
  // Only a change is set: the quota applied last stays (and one we never set is never cleared).
  if (bytes === before) return;
  const r = await runCommand(setquotaArgv(target, user, bytes), ctx.opts.commandTimeoutMs);
  if (!r.ok) throw new Error(`setquota for ${user}: ${r.message}`);
}

/** The hard quota a subscription was applied with last (null: none). */
function quotaOf(previous: AppliedSubscription, name: string, ctx: StepContext): number | null {
  try {
    return siteSpec({ name, ...previous }, { defaultPhpVersion: ctx.defaultPhpVersion }).hardQuotaBytes;
  } catch {
    return null;
  }
}

/**
 * Brings one subscription to its desired state: its system user (created when missing), webspace
 * entries (created, owners and modes put back; never deleted), its configuration files written when
 * their text differs, and files it owned before but no longer needs (a pool of its former PHP
 * version, a pool when PHP is off) removed. Idempotent: a second run with the same input changes
 * nothing.
 */
export async function realizeSubscription(
  sub: DesiredSubscription,
  previous: AppliedSubscription | undefined,
  journal: FileJournal,
  ctx: StepContext,
): Promise<RealizedSubscription> {
  const { opts } = ctx;
  const spec = siteSpec(sub, { defaultPhpVersion: ctx.defaultPhpVersion });
  const user = await opts.users.ensure(spec.name);
  if (opts.users.isolated) {
    const before = previous ? quotaOf(previous, spec.name, ctx) : null;
    await applyQuota(ctx, spec.hardQuotaBytes, before, user.name);
  }
  const certificateId = spec.ssl ? await installedCertificate(ctx, spec.name) : undefined;
  const hasCertificate = certificateId !== undefined;
  const rendered = renderSubscription(spec, {
    layout: opts.layout,
    user: user.name,
    group: user.group,
    // Without isolation the sockets stay the agent's own (a non-root php-fpm cannot give them away).
    webUser: opts.users.isolated ? opts.webUser : user.name,
    webGroup: opts.users.isolated ? opts.webGroup : user.group,
    hasCertificate,
    ...(certificateId ? { certificateId } : {}),
    listen: opts.listen,
    listenTls: opts.listenTls,
  });
  await fs.mkdir(opts.layout.vhostsRoot, { recursive: true, mode: 0o755 });
  await ensureTrafficDir(ctx);
  // Moved here with its content: the staged tree becomes the webspace (owners and modes of its
  // top-level entries are put back just below).
  if (!previous && (await adoptIncoming(opts.layout, spec.name))) opts.log.info({ component: 'realize', subscription: spec.name }, 'webspace moved here adopted');
  await ensureWebspace(rendered.entries, { isolated: opts.users.isolated, site: user, webUid: ctx.web.uid, webGid: ctx.web.gid });
  for (const file of rendered.files) await journal.write(file.path, file.content);
  const owned = rendered.files.map((f) => f.path);
  for (const stale of ownedFiles(previous, ctx)) {
    if (!owned.includes(stale)) await journal.remove(stale);
  }
  return { files: owned, user, cgi: rendered.cgi };
}

/** Removes a subscription's configuration files. Its webspace and user go later (after the reload). */
export async function removeSubscriptionConfig(name: string, previous: AppliedSubscription, journal: FileJournal, ctx: StepContext): Promise<void> {
  const files = new Set([...ownedFiles(previous, ctx), nginxConfPath(ctx.opts.layout, assertSubscriptionName(name))]);
  for (const file of files) await journal.remove(file);
}

/**
 * Moves a removed subscription's webspace to `<vhosts-root>/.removed/<name>-<UTC timestamp>/`
 * (a `-2`, `-3`… suffix when that exists already); never deletes it. `.removed/` is root's alone
 * (0700), so the files stay out of reach whoever gets the former user's uid. Returns where it went,
 * or undefined when there was no webspace.
 */
export async function moveAside(name: string, layout: { vhostsRoot: string; configDir: string }, now: Date): Promise<string | undefined> {
  const from = webspaceDir(layout, name);
  try {
    await fs.lstat(from);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const root = removedRoot(layout);
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  await fs.chmod(root, 0o700);
  const base = path.join(root, `${name}-${stamp(now)}`);
  for (let n = 1; ; n++) {
    const to = n === 1 ? base : `${base}-${n}`;
    if (await exists(to)) continue;
    await fs.rename(from, to);
    return to;
  }
}

/** The files recorded for a subscription, limited to managed configuration (the state file is not trusted). */
function ownedFiles(previous: AppliedSubscription | undefined, ctx: StepContext): string[] {
  const files = previous?.files ?? [];
  const inside = files.filter((f) => path.isAbsolute(f) && ctx.managed.allows(f));
  if (inside.length !== files.length) {
    ctx.opts.log.warn({ component: 'realize', ignored: files.filter((f) => !inside.includes(f)) }, 'applied state lists files outside the managed configuration; ignored');
  }
  return inside;
}

/**
 * The traffic logs' directory: root's, and traversable by the web server's group only (0710) — its
 * workers reopen the logs there after a rotation (`nginx -s reopen`); no tenant can list or read it.
 */
async function ensureTrafficDir(ctx: StepContext): Promise<void> {
  const dir = trafficDir(ctx.opts.layout);
  await fs.mkdir(dir, { recursive: true, mode: 0o710 });
  if (ctx.opts.users.isolated) {
    const st = await fs.lstat(dir);
    if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
    if (st.uid !== 0 || st.gid !== ctx.web.gid) await fs.chown(dir, 0, ctx.web.gid);
    if ((st.mode & 0o7777) !== 0o710) await fs.chmod(dir, 0o710);
  }
}

/** `sha256:<16 hex>` of the installed certificate chain, or undefined without a certificate and key. */
async function installedCertificate(ctx: StepContext, name: string): Promise<string | undefined> {
  const { certificate, key } = certificatePaths(ctx.opts.layout, name);
  if (!(await exists(certificate)) || !(await exists(key))) return undefined;
  return `sha256:${createHash('sha256').update(await fs.readFile(certificate)).digest('hex').slice(0, 16)}`;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** `20240501T120000Z` */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
