/**
 * The per-subscription steps of the applier, each converging one subscription and recording its
 * configuration changes in a journal so that the caller can take them back. A step validates the
 * name before it derives any path from it (see layout.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrno } from './fs-atomic.js';
import type { FileJournal } from './file-journal.js';
import { assertSubscriptionName, certificatePaths, isInside, nginxConfPath, removedRoot, webspaceDir, type Layout } from './layout.js';
import { siteSpec } from './render/site.js';
import { renderSubscription } from './render/subscription.js';
import type { AppliedSubscription } from './state.js';
import type { DesiredSubscription, RealizeLogger } from './types.js';

export interface StepContext {
  readonly layout: Layout;
  readonly user: string;
  readonly group: string;
  readonly defaultPhpVersion: string | undefined;
  readonly log: RealizeLogger;
}

/**
 * Brings one subscription to its desired state: webspace directories (created, never deleted), its
 * configuration files written when their text differs, and files it owned before but no longer
 * needs (a pool of its former PHP version, a pool when PHP is off) removed. Returns the files it
 * now owns. Idempotent: a second run with the same input changes nothing.
 */
export async function realizeSubscription(
  sub: DesiredSubscription,
  previous: AppliedSubscription | undefined,
  journal: FileJournal,
  ctx: StepContext,
): Promise<string[]> {
  const spec = siteSpec(sub, { defaultPhpVersion: ctx.defaultPhpVersion });
  const hasCertificate = spec.ssl && (await certificateInstalled(ctx.layout, spec.name));
  const rendered = renderSubscription(spec, { layout: ctx.layout, user: ctx.user, group: ctx.group, hasCertificate });
  for (const dir of rendered.dirs) await ensureDir(dir);
  for (const file of rendered.files) await journal.write(file.path, file.content);
  const owned = rendered.files.map((f) => f.path);
  for (const stale of ownedFiles(previous, ctx)) {
    if (!owned.includes(stale)) await journal.remove(stale);
  }
  return owned;
}

/** Removes a subscription's configuration files. Its webspace is moved aside later (moveAside). */
export async function removeSubscriptionConfig(
  name: string,
  previous: AppliedSubscription,
  journal: FileJournal,
  ctx: StepContext,
): Promise<void> {
  const files = new Set([...ownedFiles(previous, ctx), nginxConfPath(ctx.layout, assertSubscriptionName(name))]);
  for (const file of files) await journal.remove(file);
}

/**
 * Moves a removed subscription's webspace to `<vhosts-root>/.removed/<name>-<UTC timestamp>/`
 * (a `-2`, `-3`… suffix when that exists already); never deletes it. Returns where it went, or
 * undefined when there was no webspace.
 */
export async function moveAside(name: string, layout: Layout, now: Date): Promise<string | undefined> {
  const from = webspaceDir(layout, name);
  try {
    await fs.lstat(from);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const root = removedRoot(layout);
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  const base = path.join(root, `${name}-${stamp(now)}`);
  for (let n = 1; ; n++) {
    const to = n === 1 ? base : `${base}-${n}`;
    if (await exists(to)) continue;
    await fs.rename(from, to);
    return to;
  }
}

/** The files recorded for a subscription, limited to the config dir (the state file is not trusted). */
function ownedFiles(previous: AppliedSubscription | undefined, ctx: StepContext): string[] {
  const files = previous?.files ?? [];
  const inside = files.filter((f) => path.isAbsolute(f) && isInside(ctx.layout.configDir, f));
  if (inside.length !== files.length) {
    ctx.log.warn({ component: 'realize', ignored: files.filter((f) => !inside.includes(f)) }, 'applied state lists files outside the config dir; ignored');
  }
  return inside;
}

/** Creates a directory (0755) unless it exists; refuses a symlink or a file in its place. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (err) {
    if (!isErrno(err, 'EEXIST') && !isErrno(err, 'ENOTDIR')) throw err;
  }
  const st = await fs.lstat(dir).catch(() => undefined);
  if (!st) throw new Error(`'${dir}' cannot be created: a parent is not a directory`);
  if (!st.isDirectory()) throw new Error(`'${dir}' exists and is not a directory`);
}

async function certificateInstalled(layout: Layout, name: string): Promise<boolean> {
  const { certificate, key } = certificatePaths(layout, name);
  return (await exists(certificate)) && (await exists(key));
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
