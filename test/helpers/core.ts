/** Test harness for the controller core: a real SQLite file in a temp dir, a controllable clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isHostplaneError, type CapabilityReport, type Component } from '@hostplane/shared';
import { freshStore } from './store.js';
import { ControllerCore } from '../../controller/src/index.js';

export class TestClock {
  constructor(public current = new Date('2026-01-15T12:00:00Z')) {}
  now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestCore {
  core: ControllerCore;
  clock: TestClock;
  file: string;
  /** Every row of every table, as text: to assert that a refused call changed nothing. */
  dump(): string;
  close(): void;
}

export function openTestCore(): TestCore {
  const dir = mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), 'hostplane-test-'));
  const store = freshStore(dir);
  const file = store.location;
  const clock = new TestClock();
  const core = ControllerCore.open(file, clock);
  return {
    core,
    clock,
    file,
    dump() {
      const db = core.ctx.db;
      const tables = db.tables().map((name) => ({ name }));
      // A token's last use is bookkeeping of the call itself, not a change the call made.
      const rows = (name: string) => db.prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}" ORDER BY 1`).all().map((r) => (name === 'api_tokens' ? { ...r, last_used_at: null } : r));
      return tables.map((t) => `${t.name}:${JSON.stringify(rows(t.name))}`).join('\n');
    },
    close() {
      core.close();
      store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn`, expects a hostplane error with `code`, and that the database did not change; returns the error. */
export function expectRefused(t: TestCore, code: string, fn: () => unknown): Error {
  const before = t.dump();
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isHostplaneError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  expect(t.dump()).toBe(before);
  return caught as Error;
}

const GiB = 1024 ** 3;

/** A capability report as an agent would send it. */
export function report(components: Component[], allocatableGiB = 500): CapabilityReport {
  return {
    components,
    disk: { mount: '/var/www', totalBytes: 1000 * GiB, freeBytes: (allocatableGiB + 20) * GiB, allocatableBytes: allocatableGiB * GiB },
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12' },
  };
}

export const NGINX: Component = { name: 'nginx', version: '1.22.1', path: '/usr/sbin/nginx' };
export const POSTFIX: Component = { name: 'postfix', version: '3.7.11', path: '/usr/sbin/postconf' };
export const MARIADB: Component = { name: 'mariadb', version: '10.11.6', path: '/usr/sbin/mariadbd' };
export const MIVA: Component = { name: 'mivavm', version: '5.33', path: '/usr/bin/mivavm' };
export const php = (v: string): Component => ({ name: 'php', version: v, path: `/usr/bin/php${v.split('.').slice(0, 2).join('.')}` });
export const fpm = (v: string): Component => ({ name: 'php-fpm', version: v, path: `/usr/sbin/php-fpm${v.split('.').slice(0, 2).join('.')}` });

/** A typical Debian web server: nginx, PHP 7.4 and 8.2 with FPM, postfix, mariadb; no Miva. */
export const STANDARD = [NGINX, php('7.4.33'), fpm('7.4.33'), php('8.2.12'), fpm('8.2.12'), POSTFIX, MARIADB];
export { GiB };
