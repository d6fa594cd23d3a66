/** The controller on a port in use: one sentence naming the address and the flag, exit 1 — no stack trace. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, removeDir, startController, tempDir, type ControllerProc } from '../helpers/processes.js';
import { TEST_STORE } from '../helpers/store.js';

let first: ControllerProc;
beforeAll(async () => {
  first = await startController();
});
afterAll(async () => {
  await first.stop();
  removeDir(first.dataDir);
});

describe('a port in use', () => {
  it.each([
    ['--listen', () => ['--listen', first.address, '--metrics-listen', 'off']],
    ['--metrics-listen', () => ['--listen', '127.0.0.1:0', '--metrics-listen', `127.0.0.1:${first.metricsPort}`]],
    ['--http-listen', () => ['--listen', '127.0.0.1:0', '--metrics-listen', 'off', '--http-listen', `127.0.0.1:${first.metricsPort}`]],
  ] as const)('%s: one line, exit 1', (flag, args) => {
    const dataDir = tempDir('hostplane-ctl-busy-');
    try {
      const r = spawnSync(process.execPath, [BIN.controller, '--data-dir', dataDir, ...args()], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^hostplane-controller: cannot listen on 127\\.0\\.0\\.1:\\d+: the address is in use .*choose another with ${flag}`));
    } finally {
      removeDir(dataDir);
    }
  });
});

describe('a store that cannot be used', () => {
  it.each([
    ['not a postgres:// URL', 'mysql://root@127.0.0.1/hostplane', 2, /^hostplane-controller: store: 'mysql:\/\/…@127\.0\.0\.1\/hostplane' is not a postgres:\/\/ URL/],
    ['a PostgreSQL that does not answer', 'postgres://hostplane@127.0.0.1:1/hostplane', 1, /^hostplane-controller: store: cannot connect to PostgreSQL: .*127\.0\.0\.1.*port 1/],
  ] as const)('%s: one line, no stack trace, nothing started', (_what, url, code, message) => {
    const dataDir = tempDir('hostplane-ctl-store-');
    try {
      const r = spawnSync(process.execPath, [BIN.controller, '--data-dir', dataDir, '--store', url, '--listen', '127.0.0.1:0', '--metrics-listen', 'off'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(code);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(r.stdout).not.toContain('"msg":"listening"');
    } finally {
      removeDir(dataDir);
    }
  });
});

describe('at rest', () => {
  it('the data dir is 0700; the database (on SQLite), its WAL and the admin token are 0600', () => {
    const dir = first.dataDir;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => f.startsWith('hostplane.db') || f === 'admin-token');
    // On PostgreSQL the state is in the database, and no SQLite file is made beside it.
    if (TEST_STORE === 'sqlite') expect(files).toContain('hostplane.db');
    else expect(files.filter((f) => f.startsWith('hostplane.db'))).toEqual([]);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
  });
});
