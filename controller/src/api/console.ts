/**
 * The web console's static files (console/dist, built by Vite) at `/` on the HTTP listener: the
 * page, and its hashed assets under /assets/. Read once at start (a few hundred KB); names are
 * looked up in that map, so no request path ever reaches the filesystem.
 *
 * Every answer carries a Content-Security-Policy that allows this origin only — scripts, styles,
 * and API calls — with no inline code, no frames and no form posts: the console cannot be made to
 * load or send anything elsewhere, and no other site can frame it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly immutable: boolean;
}

/** Where the built console is: the `@hostplane/console` workspace's dist/, if it was built. */
export function consoleDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@hostplane/console/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function load(dir: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  files.set('/', { body: readFileSync(join(dir, 'index.html')), type: TYPES['.html']!, immutable: false });
  const assets = join(dir, 'assets');
  if (existsSync(assets)) {
    for (const name of readdirSync(assets)) {
      const type = TYPES[extname(name)];
      if (type) files.set(`/assets/${name}`, { body: readFileSync(join(assets, name)), type, immutable: true });
    }
  }
  return files;
}

/**
 * Serves the console: answers (and returns true) for `GET|HEAD /`, `/index.html` and the assets;
 * returns false for any other request (the JSON API's). `dir` null: no console (not built).
 */
export function consoleRoutes(dir: string | null = consoleDir() ?? null): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const files = dir ? load(dir) : new Map<string, Asset>();
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const key = path === '/index.html' ? '/' : path;
    if (key !== '/' && !key.startsWith('/assets/')) return false;
    const asset = files.get(key);
    const headers: Record<string, string | number> = {
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    if (!asset) {
      const text = key === '/' ? 'The console is not built: run npm run build (the JSON API is served all the same).\n' : 'Not found.\n';
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
