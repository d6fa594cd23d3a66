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
  /** `--config-dir`: the agent's own files (the suspended page, certificates); default home of the rest. */
  readonly configDir: string;
  /** nginx's include dir for server blocks (default `<config-dir>/nginx`). */
  readonly nginxDir?: string;
  /** php-fpm's include dir of pools, `{version}` standing for X.Y (default `<config-dir>/php/{version}/fpm/pool.d`). */
  readonly poolDir?: string;
  /** Where php-fpm creates the pools' sockets (default `/run/php`, Debian's). */
  readonly phpSocketDir?: string;
  /** Where the sites' fcgiwrap sockets go (default `<config-dir>/cgi`). */
  readonly cgiSocketDir?: string;
}

export const VERSION_PLACEHOLDER = '{version}';

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

/** PHP's temp, upload and session directory: private to the site's user. */
export function tmpDir(layout: Layout, name: string): string {
  return path.join(webspaceDir(layout, name), 'tmp');
}

/** CGI scripts (`hosting.cgi`), served under `/cgi-bin/`. */
export function cgiBinDir(layout: Layout, name: string): string {
  return path.join(webspaceDir(layout, name), 'cgi-bin');
}

/** `<vhosts-root>/.removed`: webspaces of removed subscriptions, moved aside, never deleted. */
export function removedRoot(layout: Layout): string {
  return path.join(path.resolve(layout.vhostsRoot), '.removed');
}

/** `<config-dir>/nginx`: include `<config-dir>/nginx/*.conf` in nginx's `http` block. */
export function nginxDir(layout: Layout): string {
  return path.resolve(layout.nginxDir ?? path.join(layout.configDir, 'nginx'));
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

/** The pool dir of PHP X.Y: `<config-dir>/php/<X.Y>/fpm/pool.d` unless configured otherwise. */
export function poolDir(layout: Layout, phpVersion: string): string {
  return path.resolve(withVersion(layout.poolDir ?? path.join(layout.configDir, 'php', VERSION_PLACEHOLDER, 'fpm', 'pool.d'), phpVersion));
}

/** Replaces `{version}` by a PHP version X.Y, checked first (it ends up in paths and commands). */
export function withVersion(template: string, phpVersion: string): string {
  if (!PHP_VERSION.test(phpVersion)) {
    throw new InvalidArgumentError('hosting.php_version', `hosting.php_version: '${phpVersion}' is not a version X.Y`);
  }
  return template.split(VERSION_PLACEHOLDER).join(phpVersion);
}

export function poolPath(layout: Layout, phpVersion: string, name: string): string {
  return path.join(poolDir(layout, phpVersion), `${assertSubscriptionName(name)}.conf`);
}

/** The php-fpm pool's socket, which nginx passes PHP requests to. */
export function phpSocketPath(layout: Layout, name: string): string {
  return path.join(path.resolve(layout.phpSocketDir ?? '/run/php'), `hostplane-${assertSubscriptionName(name)}.sock`);
}

/** `<cgi-socket-dir>/<name>/`: the site's fcgiwrap socket dir (its user's, group = the web server's). */
export function cgiSocketDir(layout: Layout, name: string): string {
  return path.join(cgiSocketRoot(layout), assertSubscriptionName(name));
}

export function cgiSocketRoot(layout: Layout): string {
  return path.resolve(layout.cgiSocketDir ?? path.join(layout.configDir, 'cgi'));
}

export function cgiSocketPath(layout: Layout, name: string): string {
  return path.join(cgiSocketDir(layout, name), 'fcgiwrap.sock');
}

/** `<config-dir>/traffic`: the sites' traffic logs, written by nginx, read by the agent only (0700). */
export function trafficDir(layout: Layout): string {
  return path.join(path.resolve(layout.configDir), 'traffic');
}

/** The log nginx writes the bytes it sends for a subscription's names to (the agent's own format). */
export function trafficLogPath(layout: Layout, name: string): string {
  return path.join(trafficDir(layout), `${assertSubscriptionName(name)}.log`);
}

/** `<config-dir>/acme-challenge/<domain>`: the ACME HTTP-01 tokens of its certificate, served by nginx. */
export function acmeChallengeDir(layout: Layout, name: string): string {
  return path.join(path.resolve(layout.configDir), 'acme-challenge', assertSubscriptionName(name));
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

/** A server the agent configures: nginx, or the php-fpm of one PHP version. */
export type Component = { readonly kind: 'nginx' } | { readonly kind: 'php-fpm'; readonly version: string };

export function componentKey(c: Component): string {
  return c.kind === 'nginx' ? 'nginx' : `php-fpm ${c.version}`;
}

/**
 * The configuration files the agent may write and the server each belongs to: server blocks (and
 * the pages they serve) are nginx's, a file directly in the pool dir of version X.Y is php-fpm X.Y's.
 */
export class ManagedConfig {
  private readonly pool: RegExp;

  constructor(private readonly layout: Required<Layout>) {
    const [before, after] = path.resolve(layout.poolDir).split(VERSION_PLACEHOLDER) as [string, string?];
    this.pool = new RegExp(`^${escape(before)}(\\d{1,3}\\.\\d{1,3})${escape(after ?? '')}/[^/]+$`);
  }

  /** The server that reads `file`, or undefined when it is no managed configuration file. */
  componentOf(file: string): Component | undefined {
    if (isInside(this.layout.nginxDir, file) || isInside(pagesDir(this.layout), file)) return { kind: 'nginx' };
    const m = this.pool.exec(path.resolve(file));
    if (m) return { kind: 'php-fpm', version: m[1]! };
    return undefined;
  }

  /** Whether the agent may write or remove `file`. */
  allows(file: string): boolean {
    return this.componentOf(file) !== undefined || isInside(this.layout.configDir, file);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
