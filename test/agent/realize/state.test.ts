/** The applied state file: atomic, private (0600), round-trips, and survives a corrupt file. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPLIED_STATE_FILE,
  emptyAppliedState,
  loadAppliedState,
  parseAppliedState,
  saveAppliedState,
  serializeAppliedState,
  type AppliedState,
  type AppliedSubscription,
  type RealizeLogger,
} from '../../../agent/src/realize/index.js';
import { makeSandbox, type Sandbox } from './helpers.js';

let s: Sandbox;
beforeEach(async () => {
  s = await makeSandbox();
});
afterEach(() => s.cleanup());

const state: AppliedState = {
  revision: 12,
  subscriptions: new Map<string, AppliedSubscription>([
    ['b.com', { generation: 2, state: 'suspended', values: { 'hosting.php': true, 'limits.disk_space': 'unlimited' }, files: ['/etc/hostplane/nginx/b.com.conf'] }],
    ['a.com', { generation: 7, state: 'active', values: { 'php.memory_limit': 268435456 }, files: [] }],
  ]),
};

describe('applied state', () => {
  it('a missing file is an empty state', async () => {
    expect(await loadAppliedState(s.stateDir)).toEqual(emptyAppliedState());
  });

  it('round-trips, in a file of mode 0600 in a state dir it creates (0700), leaving no temporary file', async () => {
    expect(await saveAppliedState(s.stateDir, state)).toBe(true);
    expect(await loadAppliedState(s.stateDir)).toEqual(state);
    expect((await fs.stat(path.join(s.stateDir, APPLIED_STATE_FILE))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(s.stateDir)).mode & 0o777).toBe(0o700);
    expect(await fs.readdir(s.stateDir)).toEqual([APPLIED_STATE_FILE]);
  });

  it('serializes names in order, so equal states give equal text; an equal state is not rewritten', async () => {
    const reordered: AppliedState = { revision: 12, subscriptions: new Map([...state.subscriptions].reverse()) };
    expect(serializeAppliedState(reordered)).toBe(serializeAppliedState(state));
    expect(Object.keys(JSON.parse(serializeAppliedState(state)).subscriptions)).toEqual(['a.com', 'b.com']);
    await saveAppliedState(s.stateDir, state);
    const before = await fs.stat(path.join(s.stateDir, APPLIED_STATE_FILE));
    await new Promise((r) => setTimeout(r, 20));
    expect(await saveAppliedState(s.stateDir, reordered)).toBe(false);
    expect((await fs.stat(path.join(s.stateDir, APPLIED_STATE_FILE))).mtimeMs).toBe(before.mtimeMs);
    expect(await saveAppliedState(s.stateDir, { ...state, revision: 13 })).toBe(true);
  });

  it('replaces the file atomically: the old inode is swapped, never truncated in place', async () => {
    await saveAppliedState(s.stateDir, state);
    const file = path.join(s.stateDir, APPLIED_STATE_FILE);
    const held = await fs.open(file, 'r');
    await saveAppliedState(s.stateDir, { ...state, revision: 99 });
    // A reader that opened the old file still reads the whole old state.
    expect(parseAppliedState(await held.readFile('utf8')).revision).toBe(12);
    await held.close();
    expect((await loadAppliedState(s.stateDir)).revision).toBe(99);
  });

  it.each([
    ['not JSON', '{"version": 1, "revis'],
    ['another format version', JSON.stringify({ version: 2, revision: 1, subscriptions: {} })],
    ['a negative revision', JSON.stringify({ version: 1, revision: -1, subscriptions: {} })],
    ['a bad state', JSON.stringify({ version: 1, revision: 1, subscriptions: { 'a.com': { generation: 1, state: 'paused', values: {}, files: [] } } })],
    ['values that are not values', JSON.stringify({ version: 1, revision: 1, subscriptions: { 'a.com': { generation: 1, state: 'active', values: { a: {} }, files: [] } } })],
    ['files that are not paths', JSON.stringify({ version: 1, revision: 1, subscriptions: { 'a.com': { generation: 1, state: 'active', values: {}, files: [1] } } })],
  ])('a corrupt file (%s) is moved aside and logged; the agent starts from an empty state', async (_case, text) => {
    await fs.mkdir(s.stateDir, { recursive: true });
    await fs.writeFile(path.join(s.stateDir, APPLIED_STATE_FILE), text);
    const logged: string[] = [];
    const log: RealizeLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (_o, msg) => logged.push(msg) };
    expect(await loadAppliedState(s.stateDir, log)).toEqual(emptyAppliedState());
    expect(logged).toEqual(['applied state unreadable; starting from an empty state']);
    const files = await fs.readdir(s.stateDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^applied-state\.json\.corrupt-\d+$/);
    expect(await fs.readFile(path.join(s.stateDir, files[0]!), 'utf8')).toBe(text);
  });

  it('a pino logger fits the logger option', async () => {
    const { pino } = await import('pino');
    const log: RealizeLogger = pino({ enabled: false });
    expect(typeof log.info).toBe('function');
  });
});
