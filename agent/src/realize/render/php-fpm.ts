/**
 * The php-fpm pool of a subscription, for its PHP version: named after the domain, running as the
 * site's own user, listening on a socket only the web server may use, confined to its webspace
 * (`open_basedir`, temp, upload and session files in its private `tmp/`), with the subscription's
 * `php.*` values as admin values (only those that are set; PHP's own defaults otherwise). Pure.
 */
import { docrootDir, logsDir, phpSocketPath, tmpDir, webspaceDir, type Layout } from '../layout.js';
import type { PhpSettings, SiteSpec } from './site.js';

export interface PhpFpmContext {
  readonly layout: Layout;
  /** The site's user and group: PHP runs as them. */
  readonly user: string;
  readonly group: string;
  /** Who may connect to the pool's socket: the web server's user and group (mode 0660). */
  readonly socketOwner: string;
  readonly socketGroup: string;
}

/** Bytes in PHP's shorthand: the largest of G, M, K that divides exactly (PHP knows no T). */
export function phpSize(bytes: number): string {
  for (const [unit, factor] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes !== 0 && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

export function renderPhpFpmPool(spec: SiteSpec, ctx: PhpFpmContext): string {
  const { name } = spec;
  const lines = [
    `; Managed by hostplane-agent for ${name}; changes here are overwritten.`,
    `[${name}]`,
    `user = ${ctx.user}`,
    `group = ${ctx.group}`,
    `listen = ${phpSocketPath(ctx.layout, name)}`,
    `listen.owner = ${ctx.socketOwner}`,
    `listen.group = ${ctx.socketGroup}`,
    'listen.mode = 0660',
    '',
    'pm = ondemand',
    'pm.max_children = 5',
    'pm.process_idle_timeout = 10s',
    'pm.max_requests = 500',
    '',
    `chdir = ${docrootDir(ctx.layout, name)}`,
    `env[TMPDIR] = ${tmpDir(ctx.layout, name)}`,
    `php_admin_value[open_basedir] = ${webspaceDir(ctx.layout, name)}/`,
    `php_admin_value[upload_tmp_dir] = ${tmpDir(ctx.layout, name)}`,
    `php_admin_value[session.save_path] = ${tmpDir(ctx.layout, name)}`,
    `php_admin_value[sys_temp_dir] = ${tmpDir(ctx.layout, name)}`,
    `php_admin_value[error_log] = ${phpErrorLog(ctx.layout, name)}`,
    'php_admin_flag[log_errors] = On',
    ...settingLines(spec.php?.settings ?? {}),
  ];
  return `${lines.join('\n')}\n`;
}

/** PHP's error log: a file the agent creates for the site's user in the root-owned `logs/`. */
export function phpErrorLog(layout: Layout, name: string): string {
  return `${logsDir(layout, name)}/php_error.log`;
}

function settingLines(s: PhpSettings): string[] {
  const out: string[] = [];
  if (s.memoryLimit !== undefined) out.push(`php_admin_value[memory_limit] = ${phpSize(s.memoryLimit)}`);
  if (s.uploadMaxFilesize !== undefined) out.push(`php_admin_value[upload_max_filesize] = ${phpSize(s.uploadMaxFilesize)}`);
  if (s.postMaxSize !== undefined) out.push(`php_admin_value[post_max_size] = ${phpSize(s.postMaxSize)}`);
  if (s.maxExecutionTime !== undefined) out.push(`php_admin_value[max_execution_time] = ${s.maxExecutionTime}`);
  if (s.displayErrors !== undefined) out.push(`php_admin_flag[display_errors] = ${s.displayErrors ? 'On' : 'Off'}`);
  return out;
}
