/**
 * Everything one subscription needs on disk, as data: the directories of its webspace and the
 * configuration files it owns with their exact text. The applier writes it; nothing here does I/O.
 */
import { docrootDir, logsDir, nginxConfPath, poolPath, webspaceDir, type Layout } from '../layout.js';
import { renderNginxSite } from './nginx.js';
import { renderPhpFpmPool } from './php-fpm.js';
import type { SiteSpec } from './site.js';

export interface RenderContext {
  readonly layout: Layout;
  /** php-fpm pool user and group. */
  readonly user: string;
  readonly group: string;
  /** Whether the subscription's TLS certificate is installed. */
  readonly hasCertificate: boolean;
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export interface RenderedSubscription {
  readonly name: string;
  readonly webspace: string;
  /** Directories to create: the webspace, its `httpdocs/` and `logs/` (never removed on update). */
  readonly dirs: readonly string[];
  /**
   * The configuration files it owns: its server block (with `hosting.web`) and, for PHP with the
   * `fpm` handler while active, its php-fpm pool. Any file it owned before and not listed is stale.
   */
  readonly files: readonly RenderedFile[];
}

export function renderSubscription(spec: SiteSpec, ctx: RenderContext): RenderedSubscription {
  const { layout } = ctx;
  const files: RenderedFile[] = [];
  if (spec.web) files.push({ path: nginxConfPath(layout, spec.name), content: renderNginxSite(spec, ctx) });
  // A suspended subscription runs no PHP at all: its pool goes until it is active again.
  if (spec.php?.handler === 'fpm' && !spec.suspended) {
    files.push({ path: poolPath(layout, spec.php.version, spec.name), content: renderPhpFpmPool(spec, ctx) });
  }
  return {
    name: spec.name,
    webspace: webspaceDir(layout, spec.name),
    dirs: [webspaceDir(layout, spec.name), docrootDir(layout, spec.name), logsDir(layout, spec.name)],
    files,
  };
}
