/**
 * Everything one subscription needs on disk, as data: the entries of its webspace with their owner
 * and mode, and the configuration files it owns with their exact text. The applier carries it out;
 * nothing here does I/O.
 *
 * The webspace and its `logs/` belong to root, so that the site's user can neither replace a log
 * file by a link that the web server (opening logs as root) would follow, nor rename the
 * directories the agent manages; `httpdocs/` is the site's, readable by the web server's group
 * only; `tmp/` is the site's alone.
 */
import path from 'node:path';
import { cgiBinDir, docrootDir, logsDir, nginxConfPath, poolPath, tmpDir, webspaceDir, type Layout } from '../layout.js';
import { renderNginxSite } from './nginx.js';
import { phpErrorLog, renderPhpFpmPool } from './php-fpm.js';
import type { SiteSpec } from './site.js';

export interface RenderContext {
  readonly layout: Layout;
  /** The site's user and group (PHP and CGI run as them). */
  readonly user: string;
  readonly group: string;
  /** The web server's user and group: they may read `httpdocs/` and use the sockets. */
  readonly webUser: string;
  readonly webGroup: string;
  /** Whether the subscription's TLS certificate is installed. */
  readonly hasCertificate: boolean;
  /** A digest of the installed certificate: a new one changes the server block, so nginx reloads. */
  readonly certificateId?: string;
  readonly listen?: readonly string[];
  readonly listenTls?: readonly string[];
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** Who owns a webspace entry: root, the site's user (or group), or the web server's. */
export type Owner = 'root' | 'site' | 'web';

export interface WebspaceEntry {
  readonly path: string;
  readonly kind: 'dir' | 'file';
  readonly owner: Owner;
  readonly group: Owner;
  readonly mode: number;
}

export interface RenderedSubscription {
  readonly name: string;
  readonly webspace: string;
  /**
   * Directories and (empty when new) log files of the webspace, parents first; created when
   * missing, their owner and mode put back when changed. Never removed on update.
   */
  readonly entries: readonly WebspaceEntry[];
  /**
   * The configuration files it owns: its server block (with `hosting.web`) and, for PHP with the
   * `fpm` handler while active, its php-fpm pool. Any file it owned before and not listed is stale.
   */
  readonly files: readonly RenderedFile[];
  /** Whether its CGI runner (fcgiwrap) must run: CGI on and not suspended. */
  readonly cgi: boolean;
}

export function renderSubscription(spec: SiteSpec, ctx: RenderContext): RenderedSubscription {
  const { layout } = ctx;
  const files: RenderedFile[] = [];
  if (spec.web) files.push({ path: nginxConfPath(layout, spec.name), content: renderNginxSite(spec, ctx) });
  // A suspended subscription runs no PHP and no CGI at all until it is active again.
  const fpm = spec.php?.handler === 'fpm' && !spec.suspended;
  if (fpm) {
    files.push({
      path: poolPath(layout, spec.php!.version, spec.name),
      content: renderPhpFpmPool(spec, { layout, user: ctx.user, group: ctx.group, socketOwner: ctx.webUser, socketGroup: ctx.webGroup }),
    });
  }
  const logs = logsDir(layout, spec.name);
  const entries: WebspaceEntry[] = [
    { path: webspaceDir(layout, spec.name), kind: 'dir', owner: 'root', group: 'root', mode: 0o755 },
    { path: docrootDir(layout, spec.name), kind: 'dir', owner: 'site', group: 'web', mode: 0o750 },
    { path: logs, kind: 'dir', owner: 'root', group: 'site', mode: 0o750 },
    { path: path.join(logs, 'access.log'), kind: 'file', owner: 'web', group: 'site', mode: 0o640 },
    { path: path.join(logs, 'error.log'), kind: 'file', owner: 'web', group: 'site', mode: 0o640 },
    { path: tmpDir(layout, spec.name), kind: 'dir', owner: 'site', group: 'site', mode: 0o700 },
  ];
  if (spec.php) entries.push({ path: phpErrorLog(layout, spec.name), kind: 'file', owner: 'site', group: 'site', mode: 0o640 });
  if (spec.cgi) {
    entries.push({ path: cgiBinDir(layout, spec.name), kind: 'dir', owner: 'site', group: 'site', mode: 0o750 });
    entries.push({ path: cgiErrorLog(layout, spec.name), kind: 'file', owner: 'site', group: 'site', mode: 0o640 });
  }
  return { name: spec.name, webspace: webspaceDir(layout, spec.name), entries, files, cgi: spec.cgi && !spec.suspended };
}

/** What the site's CGI scripts write on stderr (fcgiwrap's output). */
export function cgiErrorLog(layout: Layout, name: string): string {
  return path.join(logsDir(layout, name), 'cgi_error.log');
}
