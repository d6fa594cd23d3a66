/**
 * The nginx server block of a subscription: its webspace served under its name and `www.` name,
 * logs in the webspace, PHP passed to its own php-fpm pool, `/cgi-bin/` to its own fcgiwrap; or,
 * when suspended, the fixed "suspended" page with status 503 instead of the site. Nothing is ever
 * served as source: PHP files without PHP, `/cgi-bin/` without CGI and hidden files are refused.
 * Pure: the same spec gives the same text.
 */
import { createHash } from 'node:crypto';
import { TRAFFIC_LOG_FORMAT } from '../../usage/traffic.js';
import { acmeChallengeDir, certificatePaths, cgiSocketPath, docrootDir, logsDir, pagesDir, phpSocketPath, SUSPENDED_PAGE, trafficLogPath, webspaceDir, type Layout } from '../layout.js';
import type { SiteSpec } from './site.js';

export interface NginxContext {
  readonly layout: Layout;
  /** Whether the subscription's certificate and key are installed (`hosting.ssl`). */
  readonly hasCertificate: boolean;
  /** A digest of the installed certificate (renewals change it, and so the file: nginx reloads). */
  readonly certificateId?: string | undefined;
  /** `listen` parameters for HTTP (default `80` and `[::]:80`). */
  readonly listen?: readonly string[];
  /** `listen` parameters for HTTPS, once a certificate is installed (default `443` and `[::]:443`). */
  readonly listenTls?: readonly string[];
}

export const DEFAULT_LISTEN: readonly string[] = ['80', '[::]:80'];
export const DEFAULT_LISTEN_TLS: readonly string[] = ['443', '[::]:443'];

const I = '    ';

export function renderNginxSite(spec: SiteSpec, ctx: NginxContext): string {
  const { name } = spec;
  const header = [
    `# Managed by hostplane-agent for ${name}; changes here are overwritten.`,
    `# The bytes sent for its names, in the agent's format, for its usage (limits.traffic).`,
    `log_format ${trafficFormatName(name)} ${TRAFFIC_LOG_FORMAT};`,
  ];
  const body = spec.suspended ? suspendedBody(spec, ctx) : siteBody(spec, ctx);
  const names = `${I}server_name ${serverNames(name).join(' ')};`;
  const server = (listen: string[], content: string[]) => ['server {', ...listen, names, '', ...content, '}'];
  const blocks =
    spec.ssl && ctx.hasCertificate && !spec.suspended
      ? // HTTPS serves the site; HTTP answers ACME challenges (renewals) and redirects everything else.
        [
          ...server(httpListen(ctx), [
            ...logLines(spec, ctx),
            '',
            ...acmeLocation(spec, ctx),
            '',
            `${I}location / {`,
            `${I}${I}return 301 https://$host$request_uri;`,
            `${I}}`,
          ]),
          '',
          ...server(sslLines(spec, ctx), body),
        ]
      : server([...httpListen(ctx), ...sslLines(spec, ctx)], body);
  return `${[...header, ...blocks].join('\n')}\n`;
}

function httpListen(ctx: NginxContext): string[] {
  return (ctx.listen ?? DEFAULT_LISTEN).map((l) => `${I}listen ${l};`);
}

/**
 * ACME HTTP-01 challenges of the site's certificate (`hosting.ssl`), served from the agent's own
 * directory (never from the webspace: a tenant's symbolic link there could not steer the agent's
 * writes), as plain text.
 */
function acmeLocation(spec: SiteSpec, ctx: NginxContext): string[] {
  if (!spec.ssl) return [];
  return [
    `${I}# ACME challenges for its certificate, from the agent's own directory.`,
    `${I}location ^~ /.well-known/acme-challenge/ {`,
    `${I}${I}alias ${acmeChallengeDir(ctx.layout, spec.name)}/;`,
    `${I}${I}default_type text/plain;`,
    `${I}}`,
  ];
}

/** The name and its `www.` alias (a name that already starts with `www.` gets no second one). */
export function serverNames(name: string): string[] {
  return name.startsWith('www.') ? [name] : [name, `www.${name}`];
}

function sslLines(spec: SiteSpec, ctx: NginxContext): string[] {
  if (!spec.ssl) return [];
  const cert = certificatePaths(ctx.layout, spec.name);
  if (!ctx.hasCertificate) {
    return [`${I}# hosting.ssl: no certificate at ${cert.certificate} yet (the agent obtains one by ACME); HTTPS is served once it is installed.`];
  }
  return [
    ...(ctx.listenTls ?? DEFAULT_LISTEN_TLS).map((l) => `${I}listen ${l} ssl;`),
    ...(ctx.certificateId ? [`${I}# certificate ${ctx.certificateId}: a renewed one changes this line, and nginx is reloaded onto it.`] : []),
    `${I}ssl_certificate ${cert.certificate};`,
    `${I}ssl_certificate_key ${cert.key};`,
  ];
}

/**
 * A `log_format` name of the site's own (formats live in nginx's http block, shared by every
 * file): a hash of the name, so that no two sites' names ever collide.
 */
export function trafficFormatName(name: string): string {
  return `hostplane_traffic_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

function logLines(spec: SiteSpec, ctx: NginxContext): string[] {
  const logs = logsDir(ctx.layout, spec.name);
  return [
    `${I}access_log ${logs}/access.log;`,
    `${I}access_log ${trafficLogPath(ctx.layout, spec.name)} ${trafficFormatName(spec.name)};`,
    `${I}error_log ${logs}/error.log;`,
  ];
}

function suspendedBody(spec: SiteSpec, ctx: NginxContext): string[] {
  return [
    `${I}# Suspended: every request is answered with the "suspended" page and status 503.`,
    `${I}root ${pagesDir(ctx.layout)};`,
    '',
    ...logLines(spec, ctx),
    '',
    `${I}error_page 503 /${SUSPENDED_PAGE};`,
    `${I}location = /${SUSPENDED_PAGE} {`,
    `${I}${I}internal;`,
    `${I}}`,
    '',
    `${I}location / {`,
    `${I}${I}return 503;`,
    `${I}}`,
  ];
}

function siteBody(spec: SiteSpec, ctx: NginxContext): string[] {
  const fpm = spec.php?.handler === 'fpm';
  return [
    `${I}root ${docrootDir(ctx.layout, spec.name)};`,
    `${I}index ${fpm ? 'index.php ' : ''}index.html index.htm;`,
    ...(spec.ssi ? [`${I}ssi on;`] : []),
    '',
    ...logLines(spec, ctx),
    '',
    `${I}location / {`,
    `${I}${I}try_files $uri $uri/ =404;`,
    `${I}}`,
    '',
    ...acmeLocation(spec, ctx),
    `${I}# Hidden files (.git, .env, .htpasswd) are never served; ACME challenges are.`,
    `${I}location ~ /\\.(?!well-known/) {`,
    `${I}${I}deny all;`,
    `${I}}`,
    '',
    ...cgiLocation(spec, ctx),
    '',
    ...phpLocation(spec, ctx),
    '',
    `${I}# PHP sources under other names (or in upper case) are never served as text.`,
    `${I}location ~* \\.(php|phtml|phar|phps|php\\d+|inc)$ {`,
    `${I}${I}deny all;`,
    `${I}}`,
  ];
}

/** `/cgi-bin/` runs `<webspace>/cgi-bin/` through the site's fcgiwrap, or is refused. */
function cgiLocation(spec: SiteSpec, ctx: NginxContext): string[] {
  if (!spec.cgi) {
    return [`${I}# CGI is off: nothing under /cgi-bin/ is served, not even as text.`, `${I}location ^~ /cgi-bin/ {`, `${I}${I}deny all;`, `${I}}`];
  }
  return [
    `${I}# CGI scripts in ${webspaceDir(ctx.layout, spec.name)}/cgi-bin/, run as the site's user by its fcgiwrap.`,
    `${I}location ^~ /cgi-bin/ {`,
    `${I}${I}root ${webspaceDir(ctx.layout, spec.name)};`,
    `${I}${I}location ~ /\\. {`,
    `${I}${I}${I}deny all;`,
    `${I}${I}}`,
    `${I}${I}include fastcgi_params;`,
    `${I}${I}fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`,
    `${I}${I}fastcgi_pass unix:${cgiSocketPath(ctx.layout, spec.name)};`,
    `${I}}`,
  ];
}

function phpLocation(spec: SiteSpec, ctx: NginxContext): string[] {
  if (spec.php?.handler === 'fpm') {
    return [
      `${I}location ~ \\.php$ {`,
      `${I}${I}try_files $uri =404;`,
      `${I}${I}include fastcgi_params;`,
      `${I}${I}fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`,
      `${I}${I}fastcgi_pass unix:${phpSocketPath(ctx.layout, spec.name)};`,
      `${I}}`,
    ];
  }
  const why = spec.php
    ? `PHP ${spec.php.version} with the ${spec.php.handler} handler is not run by nginx`
    : 'PHP is off';
  return [`${I}# ${why}: PHP sources are not served as text.`, `${I}location ~ \\.php$ {`, `${I}${I}deny all;`, `${I}}`];
}
