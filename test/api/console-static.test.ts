/**
 * The console's static files on the HTTP listener: the page and its assets from the build, each
 * with a Content-Security-Policy that keeps everything on this origin; nothing else of the
 * filesystem is reachable; a controller whose console was not built says so at `/` and still serves
 * the JSON API.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleDir, consoleRoutes } from '../../controller/src/api/console.js';
import type { RunningHttp } from '../../controller/src/api/http.js';
import { startTestApi, startTestHttp, type TestApi } from '../helpers/api.js';
import { tempDir } from '../helpers/processes.js';
import { createServer, type Server } from 'node:http';

let api: TestApi;
let http: RunningHttp & { base: string };
let base: string;

beforeAll(async () => {
  api = await startTestApi();
  http = await startTestHttp(api);
  base = http.base;
});
afterAll(async () => {
  await http?.close();
  await api?.stop();
});

/** A raw GET: the path exactly as given (fetch would normalize `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console on the HTTP listener', () => {
  it('serves the built page and its assets, with a same-origin-only CSP and no caching of the page', async () => {
    expect(consoleDir()).toBeDefined(); // npm run build built it
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBe(2); // the script and the stylesheet
    for (const asset of assets) {
      const res = await fetch(`${base}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    // No reference to another host anywhere in what the browser loads (XML namespaces aside).
    for (const asset of assets) {
      const text = (await (await fetch(`${base}${asset}`)).text()).replace(/http:\/\/www\.w3\.org\/[\w/.]+/g, '');
      expect(text).not.toMatch(/https?:\/\/[a-z]/i);
    }
    expect((await fetch(`${base}/index.html`)).status).toBe(200);
    expect((await fetch(`${base}/`, { method: 'HEAD' })).status).toBe(200);
  });

  it('reaches nothing but the build: unknown assets, traversal and other paths are 404 or the API', async () => {
    for (const path of ['/assets/nope.js', '/assets/../package.json', '/assets/..%2f..%2fpackage.json', '/assets/']) {
      const res = await rawGet(http.port, path);
      expect(res.status, path).toBe(404);
    }
    const other = await fetch(`${base}/etc/passwd`);
    expect(other.status).toBe(501); // not the console's: the API's "no procedure"
  });

  it('without a build, / says how to build it', async () => {
    const routes = consoleRoutes(null);
    const server: Server = createServer((req, res) => {
      if (!routes(req, res, req.url ?? '/')) res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const res = await rawGet(port, '/');
    expect(res).toEqual({ status: 404, body: expect.stringContaining('npm run build') });
    server.close();
  });

  it('serves only the files the build made, read once', async () => {
    const dir = tempDir('hostplane-console-');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'assets', 'a.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'not a web asset');
    const routes = consoleRoutes(dir);
    const server: Server = createServer((req, res) => {
      if (!routes(req, res, req.url ?? '/')) res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    writeFileSync(join(dir, 'assets', 'later.js'), 'added after start');
    expect((await rawGet(port, '/assets/a.js')).status).toBe(200);
    expect((await rawGet(port, '/assets/notes.txt')).status).toBe(404);
    expect((await rawGet(port, '/assets/later.js')).status).toBe(404);
    server.close();
  });
});
