/**
 * What agents report back (SPEC §5.3, §9), through the use cases on a real SQLite file: per
 * subscription apply errors, the system user a site runs as, and the failing count of each host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControllerCore } from '../../controller/src/index.js';
import { MIGRATIONS } from '../../controller/src/store/migrations.js';
import type { SqliteDb } from '../../controller/src/store/db.js';
import { recordAcks } from '../../controller/src/usecases/index.js';
import { STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;

beforeEach(() => {
  t = openTestCore();
  const c = t.core;
  c.reportCapabilities('web1.example.net', report(STANDARD));
  c.reportCapabilities('web2.example.net', report(STANDARD));
  c.reportCapabilities('idle.example.net', report(STANDARD));
  c.createCustomer({ login: 'alice', displayName: 'Alice Martin', email: 'alice@example.org' });
  c.createPlan({ name: 'Basic', values: { 'hosting.php': 'true' } });
  c.createSubscription({ name: 'a.example', customer: 'alice', plan: 'Basic', host: 'web1.example.net' });
  c.createSubscription({ name: 'b.example', customer: 'alice', plan: 'Basic', host: 'web1.example.net' });
  c.createSubscription({ name: 'c.example', customer: 'alice', plan: 'Basic', host: 'web2.example.net' });
});

afterEach(() => t.close());

const host = (name: string) => t.core.ctx.hosts.byName(name)!;
/** The host's agent acknowledges its current revision with these results. */
const ack = (hostName: string, results: { name: string; appliedGeneration: number; error?: string; systemUser?: string }[]) =>
  recordAcks(t.core.ctx, [{ hostId: host(hostName).id, observedRevision: host(hostName).revision, results: results.map((r) => ({ error: '', ...r })) }]);
const failing = () => Object.fromEntries(t.core.listHosts().map((h) => [h.name, h.failingSubscriptions]));

describe('apply results', () => {
  it('an apply failure marks that subscription only, and counts on its host; the others are applied', () => {
    ack('web1.example.net', [
      { name: 'a.example', appliedGeneration: 0, error: 'nginx -t refused the configuration' },
      { name: 'b.example', appliedGeneration: 1 },
    ]);
    expect(t.core.getSubscription('a.example')).toMatchObject({ applyError: 'nginx -t refused the configuration', appliedGeneration: 0 });
    expect(t.core.getSubscription('b.example')).toMatchObject({ applyError: null, appliedGeneration: 1 });
    expect(failing()).toEqual({ 'idle.example.net': 0, 'web1.example.net': 1, 'web2.example.net': 0 });
    expect(t.core.getHost('web1.example.net')).toMatchObject({ subscriptions: 2, failingSubscriptions: 1 });
  });

  it('a later successful acknowledgement clears the error and the count', () => {
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 0, error: 'php-fpm8.2 -t failed' }]);
    expect(t.core.getHost('web1.example.net').failingSubscriptions).toBe(1);
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1 }]);
    expect(t.core.getSubscription('a.example')).toMatchObject({ applyError: null, appliedGeneration: 1 });
    expect(t.core.getHost('web1.example.net').failingSubscriptions).toBe(0);
    expect(failing()['web1.example.net']).toBe(0);
  });

  it('counts every failing subscription of each host, in the listing as in the single view', () => {
    ack('web1.example.net', [
      { name: 'a.example', appliedGeneration: 0, error: 'x' },
      { name: 'b.example', appliedGeneration: 0, error: 'y' },
    ]);
    ack('web2.example.net', [{ name: 'c.example', appliedGeneration: 0, error: 'z' }]);
    expect(failing()).toEqual({ 'idle.example.net': 0, 'web1.example.net': 2, 'web2.example.net': 1 });
    for (const h of t.core.listHosts()) expect(t.core.getHost(h.name)).toEqual(h);
  });
});

describe('the system user', () => {
  it('is unknown until the agent reports it, then stored; an empty report keeps the last one', () => {
    expect(t.core.getSubscription('a.example').systemUser).toBeNull();
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1, systemUser: 'hp_a_example' }]);
    expect(t.core.getSubscription('a.example').systemUser).toBe('hp_a_example');
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1, systemUser: '' }]);
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1 }]);
    expect(t.core.getSubscription('a.example').systemUser).toBe('hp_a_example');
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1, systemUser: 'hp_a_example2' }]);
    expect(t.core.getSubscription('a.example').systemUser).toBe('hp_a_example2');
    expect(t.core.getSubscription('b.example').systemUser).toBeNull();
  });

  it('is kept while an apply fails (the user may predate the failure)', () => {
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1, systemUser: 'hp_a_example' }]);
    ack('web1.example.net', [{ name: 'a.example', appliedGeneration: 1, error: 'nginx -t refused the configuration' }]);
    expect(t.core.getSubscription('a.example')).toMatchObject({ systemUser: 'hp_a_example', applyError: 'nginx -t refused the configuration' });
  });
});

describe('an agent reports only its own host', () => {
  it("results naming another host's subscription change nothing of it", () => {
    ack('web2.example.net', [{ name: 'a.example', appliedGeneration: 9, error: 'forged', systemUser: 'root' }]);
    expect(t.core.getSubscription('a.example')).toMatchObject({ applyError: null, appliedGeneration: 0, systemUser: null });
    expect(t.core.getHost('web1.example.net').failingSubscriptions).toBe(0);
  });
});

describe('migration 6', () => {
  it('gives the subscriptions of an existing store no system user and no failures', () => {
    const dir = mkdtempSync(join(process.env.HOSTPLANE_TEST_TMP ?? tmpdir(), 'hostplane-migrate-'));
    try {
      const file = join(dir, 'hostplane.db');
      const old = new Database(file);
      for (const m of MIGRATIONS.slice(0, 5)) old.exec(m);
      old.pragma('user_version = 5');
      old.exec(`
        INSERT INTO value_sets (id, hash, json) VALUES (1, 'h', '{}');
        INSERT INTO customers (id, login, display_name, email, state, created_at) VALUES (1, 'alice', '', 'a@example.org', 'active', '2026-01-01T00:00:00Z');
        INSERT INTO hosts (id, name, state, created_at) VALUES (1, 'web1.example.net', 'ready', '2026-01-01T00:00:00Z');
        INSERT INTO subscriptions (name, customer_id, host_id, own_values, provided_set, sync_status, created_at, updated_at)
          VALUES ('old.example', 1, 1, '{}', 1, 'custom', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');`);
      old.close();
      const core = ControllerCore.open(file);
      try {
        expect((core.ctx.db as SqliteDb).sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        expect(core.getSubscription('old.example')).toMatchObject({ systemUser: null, applyError: null });
        expect(core.getHost('web1.example.net')).toMatchObject({ subscriptions: 1, failingSubscriptions: 0 });
      } finally {
        core.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
