/**
 * Where realization puts things. Every path of a subscription is derived here from its name, and
 * the name is checked first: only a canonical domain name (lower-case DNS labels, no slashes, no
 * dots at either end, hence no `..`) ever becomes a path component, so nothing is written outside
 * the vhosts root and the config directory.
 */
import path from 'node:path';
import { InvalidArgumentError, validateDomainName } from '@hostplane/shared';

export interface Layout {
  /** `--vhosts-root`: one webspace per subscription. */
  readonly vhostsRoot: string;
  /** `--config-dir`: rendered nginx and php-fpm configuration. */
  readonly configDir: string;
}

/** Throws InvalidArgumentError unless `name` is a domain name in canonical (lower-case) form. */
export function assertSubscriptionName(name: string): string {
  const canonical = validateDomainName(name, 'name');
  if (canonical !== name) {
    throw new InvalidArgumentError('name', `name: '${name}' is not in canonical form (expected '${canonical}')`);
  }
  return name;
}

/** `<vhosts-root>/<name>` */
export function webspaceDir(layout: Layout, name: string): string {
  return path.join(path.resolve(layout.vhostsRoot), assertSubscriptionName(name));
}

export function docrootDir(layout: Layout, name: string): string {
  return path.join(webspaceDir(layout, name), 'httpdocs');
}

export function logsDir(layout: Layout, name: string): string {
  return path.join(webspaceDir(layout, name), 'logs');
}

/** `<vhosts-root>/.removed`: webspaces of removed subscriptions, moved aside, never deleted. */
export function removedRoot(layout: Layout): string {
  return path.join(path.resolve(layout.vhostsRoot), '.removed');
}

/** `<config-dir>/nginx`: include `<config-dir>/nginx/*.conf` in nginx's `http` block. */
export function nginxDir(layout: Layout): string {
  return path.join(path.resolve(layout.configDir), 'nginx');
}

export function nginxConfPath(layout: Layout, name: string): string {
  return path.join(nginxDir(layout), `${assertSubscriptionName(name)}.conf`);
}

/** `<config-dir>/pages`: the static "suspended" page served for suspended subscriptions. */
export function pagesDir(layout: Layout): string {
  return path.join(path.resolve(layout.configDir), 'pages');
}

export const SUSPENDED_PAGE = 'suspended.html';

export function suspendedPagePath(layout: Layout): string {
  return path.join(pagesDir(layout), SUSPENDED_PAGE);
}

const PHP_VERSION = /^\d{1,3}\.\d{1,3}$/;

/** `<config-dir>/php/<X.Y>/fpm/pool.d`, the layout of Debian's php-fpm packages. */
export function poolDir(layout: Layout, phpVersion: string): string {
  if (!PHP_VERSION.test(phpVersion)) {
    throw new InvalidArgumentError('hosting.php_version', `hosting.php_version: '${phpVersion}' is not a version X.Y`);
  }
  return path.join(path.resolve(layout.configDir), 'php', phpVersion, 'fpm', 'pool.d');
}

export function poolPath(layout: Layout, phpVersion: string, name: string): string {
  return path.join(poolDir(layout, phpVersion), `${assertSubscriptionName(name)}.conf`);
}

/** The php-fpm pool's socket, which nginx passes PHP requests to. */
export function phpSocketPath(name: string): string {
  return `/run/php/hostplane-${assertSubscriptionName(name)}.sock`;
}

/** Where the operator (or a certificate tool) puts a subscription's certificate for `hosting.ssl`. */
export function certificatePaths(layout: Layout, name: string): { certificate: string; key: string } {
  const dir = path.join(path.resolve(layout.configDir), 'ssl', assertSubscriptionName(name));
  return { certificate: path.join(dir, 'fullchain.pem'), key: path.join(dir, 'privkey.pem') };
}

/** True when `file` lies strictly inside `root` (both resolved). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
