/**
 * The system user each site runs as. On a real host (the agent runs as root) every subscription
 * gets its own user and group, created with `useradd` and removed with `userdel` (argv, no shell),
 * so that one customer's PHP and CGI cannot read another's files. A user is the subscription's only
 * when its comment says so (`hostplane <domain>`): a user of that name that belongs to anything else
 * is never adopted, changed or removed — the subscription fails with an error naming it.
 *
 * Without root (a developer's `npm start`) users cannot be created: every site then runs as the
 * agent's own user (`SharedSiteUser`), which the agent says once at start — never silently.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { runCommand } from './commands.js';

export interface SiteUser {
  readonly name: string;
  readonly uid: number;
  /** Its primary group (for a site's own user: the group of the same name). */
  readonly group: string;
  readonly gid: number;
}

export interface SiteUsers {
  /** True when each site has its own user (files are chowned to it; pools run as it). */
  readonly isolated: boolean;
  /** The user the site of `domain` runs as, created when needed. Throws an Error saying why not. */
  ensure(domain: string): Promise<SiteUser>;
  /** Removes the site's user and group if they exist and are the site's; a no-op otherwise. */
  remove(domain: string): Promise<void>;
}

export interface SystemUsersOptions {
  /** Prepended to every user name (default `hp_`); `[a-z_][a-z0-9_-]*`. */
  readonly prefix: string;
  /** The uid (and gid) range new users are taken from. */
  readonly uidMin: number;
  readonly uidMax: number;
  readonly shell: string;
  /** The user's home: its webspace. */
  readonly home: (domain: string) => string;
  readonly commandTimeoutMs: number;
  /** Where accounts are read from (tests of parsing only). */
  readonly passwdFile?: string;
}

export const MAX_USER_NAME = 32;
const HASH_CHARS = 8;

/**
 * The user name of a domain: the prefix, then the domain with dots as underscores (a domain has no
 * underscores, so this is one-to-one); when that is longer than 32 characters, its head and 8 hex
 * characters of the domain's SHA-256. Stable: the same domain always gets the same name.
 */
export function siteUserName(prefix: string, domain: string): string {
  const full = prefix + domain.replace(/\./g, '_');
  if (full.length <= MAX_USER_NAME) return full;
  const hash = createHash('sha256').update(domain).digest('hex').slice(0, HASH_CHARS);
  const head = full.slice(0, MAX_USER_NAME - HASH_CHARS - 1).replace(/[-_]+$/, '');
  return `${head}_${hash}`;
}

/** The comment that marks a user as the site's. */
export function siteUserComment(domain: string): string {
  return `hostplane ${domain}`;
}

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly comment: string;
  readonly home: string;
}

/** Parses `/etc/passwd` text; malformed lines are skipped. */
export function parsePasswd(text: string): Map<string, PasswdEntry> {
  const out = new Map<string, PasswdEntry>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!f[0] || !Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) continue;
    out.set(f[0], { name: f[0], uid, gid, comment: f[4] ?? '', home: f[5] ?? '' });
  }
  return out;
}

/** `/etc/group` as name → gid. */
export async function readGroups(groupFile = '/etc/group'): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await fs.readFile(groupFile, 'utf8')).split('\n')) {
    const f = line.split(':');
    const gid = Number(f[2]);
    if (f[0] && f.length >= 3 && Number.isSafeInteger(gid)) out.set(f[0], gid);
  }
  return out;
}

/** A group's gid; undefined when there is none of that name. */
export async function groupId(name: string): Promise<number | undefined> {
  return (await readGroups()).get(name);
}

/** `useradd` exits 1 or 10 when another process holds the account files' lock: try again. */
const LOCK_RETRIES = 5;

/** One user and group per site, on a host where the agent is root. */
export class SystemUsers implements SiteUsers {
  readonly isolated = true;
  private readonly passwdFile: string;

  constructor(private readonly opts: SystemUsersOptions) {
    this.passwdFile = opts.passwdFile ?? '/etc/passwd';
  }

  async ensure(domain: string): Promise<SiteUser> {
    const name = siteUserName(this.opts.prefix, domain);
    const existing = await this.lookup(name);
    if (existing) return this.adopt(existing, domain);
    let last = '';
    for (let attempt = 0; attempt < LOCK_RETRIES; attempt++) {
      const r = await runCommand(
        [
          'useradd',
          '--comment', siteUserComment(domain),
          '--home-dir', this.opts.home(domain),
          '--no-create-home',
          '--shell', this.opts.shell,
          '--user-group',
          '-K', `UID_MIN=${this.opts.uidMin}`, '-K', `UID_MAX=${this.opts.uidMax}`,
          '-K', `GID_MIN=${this.opts.uidMin}`, '-K', `GID_MAX=${this.opts.uidMax}`,
          name,
        ],
        this.opts.commandTimeoutMs,
      );
      const created = await this.lookup(name);
      if (created) return this.adopt(created, domain);
      last = r.message;
      if (!/lock|try again/i.test(r.message)) break;
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
    throw new Error(`system user '${name}' for ${domain} could not be created: ${last || 'useradd reported success but the user is missing'}`);
  }

  async remove(domain: string): Promise<void> {
    const name = siteUserName(this.opts.prefix, domain);
    const existing = await this.lookup(name);
    if (!existing || existing.comment !== siteUserComment(domain)) return;
    // php-fpm ends a removed pool's workers shortly after its reload: userdel refuses while they live.
    let r = await runCommand(['userdel', name], this.opts.commandTimeoutMs);
    for (let i = 0; !r.ok && /currently used|lock|try again/i.test(r.message) && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      r = await runCommand(['userdel', name], this.opts.commandTimeoutMs);
    }
    // userdel removes the user's group too (USERGROUPS_ENAB); a group left behind is removed here.
    if (!r.ok && (await this.lookup(name))) throw new Error(`system user '${name}' of ${domain} could not be removed: ${r.message}`);
    if ((await groupId(name)) !== undefined) await runCommand(['groupdel', name], this.opts.commandTimeoutMs);
  }

  private adopt(entry: PasswdEntry, domain: string): SiteUser {
    if (entry.comment !== siteUserComment(domain)) {
      throw new Error(
        `system user '${entry.name}' already exists and is not the user of ${domain} (its comment is '${entry.comment}', ` +
          `expected '${siteUserComment(domain)}'): nothing was changed; remove or rename that user, or choose another users prefix`,
      );
    }
    return { name: entry.name, uid: entry.uid, group: entry.name, gid: entry.gid };
  }

  private async lookup(name: string): Promise<PasswdEntry | undefined> {
    return parsePasswd(await fs.readFile(this.passwdFile, 'utf8')).get(name);
  }
}

/** Development mode: every site runs as the agent's own user (nothing is created or removed). */
export class SharedSiteUser implements SiteUsers {
  readonly isolated = false;

  constructor(readonly user: SiteUser) {}

  /** The agent's own user and its primary group. */
  static async current(): Promise<SharedSiteUser> {
    const info = os.userInfo();
    const groups = await readGroups().catch(() => new Map<string, number>());
    const group = [...groups].find(([, gid]) => gid === info.gid)?.[0] ?? info.username;
    return new SharedSiteUser({ name: info.username, uid: info.uid, group, gid: info.gid });
  }

  ensure(): Promise<SiteUser> {
    return Promise.resolve(this.user);
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }
}
