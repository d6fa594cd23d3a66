/**
 * The applied state: what the agent last realized on this host, persisted in its state directory
 * (`applied-state.json`, mode 0600, written atomically) so that the next start diffs the desired
 * state against what is really on disk, not against nothing.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Value, Values } from '@hostplane/shared';
import { readFileOrNull, syncDir, writeFileAtomic } from './fs-atomic.js';
import { SILENT_LOGGER, type RealizeLogger, type SubscriptionState } from './types.js';

/** One subscription as last realized. */
export interface AppliedSubscription {
  readonly generation: number;
  readonly state: SubscriptionState;
  readonly values: Readonly<Values>;
  /** The configuration files written for it (absolute paths); removed with it. */
  readonly files: readonly string[];
  /** The system user its site runs as (absent in states written before users existed). */
  readonly systemUser?: string;
}

export interface AppliedState {
  /** The last desired revision the agent processed. */
  readonly revision: number;
  readonly subscriptions: ReadonlyMap<string, AppliedSubscription>;
}

export const APPLIED_STATE_FILE = 'applied-state.json';
const FORMAT_VERSION = 1;

export function emptyAppliedState(): AppliedState {
  return { revision: 0, subscriptions: new Map() };
}

export function appliedStatePath(stateDir: string): string {
  return path.join(stateDir, APPLIED_STATE_FILE);
}

/** The file's JSON text: names sorted, so equal states serialize to equal text. */
export function serializeAppliedState(state: AppliedState): string {
  const names = [...state.subscriptions.keys()].sort();
  const subscriptions = Object.fromEntries(names.map((n) => [n, state.subscriptions.get(n)!]));
  return `${JSON.stringify({ version: FORMAT_VERSION, revision: state.revision, subscriptions }, null, 2)}\n`;
}

/** Parses the file's text; throws an Error saying what is wrong with it. */
export function parseAppliedState(text: string): AppliedState {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc) || doc.version !== FORMAT_VERSION) throw new Error(`not an applied state of format version ${FORMAT_VERSION}`);
  if (!isCount(doc.revision)) throw new Error('revision: expected a whole number ≥ 0');
  if (!isRecord(doc.subscriptions)) throw new Error('subscriptions: expected an object');
  const subscriptions = new Map<string, AppliedSubscription>();
  for (const [name, raw] of Object.entries(doc.subscriptions)) {
    subscriptions.set(name, parseSubscription(name, raw));
  }
  return { revision: doc.revision, subscriptions };
}

function parseSubscription(name: string, raw: unknown): AppliedSubscription {
  const where = `subscriptions['${name}']`;
  if (!isRecord(raw)) throw new Error(`${where}: expected an object`);
  const { generation, state, values, files, systemUser } = raw;
  if (!isCount(generation)) throw new Error(`${where}.generation: expected a whole number ≥ 0`);
  if (state !== 'active' && state !== 'suspended') throw new Error(`${where}.state: expected 'active' or 'suspended'`);
  if (!isRecord(values) || !Object.values(values).every(isValue)) throw new Error(`${where}.values: expected an object of values`);
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) throw new Error(`${where}.files: expected a list of paths`);
  if (systemUser !== undefined && (typeof systemUser !== 'string' || !/^[A-Za-z0-9._][A-Za-z0-9._$-]{0,31}$/.test(systemUser))) {
    throw new Error(`${where}.systemUser: expected a user name`);
  }
  return { generation, state, values: values as Values, files: files as string[], ...(systemUser !== undefined ? { systemUser } : {}) };
}

/**
 * Loads the applied state; a missing file is an empty state (a fresh agent). An unreadable or
 * malformed file is moved aside (`applied-state.json.corrupt-<ms>`) and logged, and the agent starts
 * from an empty state: every desired subscription is then realized again, which is idempotent.
 */
export async function loadAppliedState(stateDir: string, log: RealizeLogger = SILENT_LOGGER): Promise<AppliedState> {
  const file = appliedStatePath(stateDir);
  const text = await readFileOrNull(file);
  if (text === null) return emptyAppliedState();
  try {
    return parseAppliedState(text);
  } catch (err) {
    const aside = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, aside).catch(() => undefined);
    log.error({ component: 'realize', file, movedTo: aside, err: String(err) }, 'applied state unreadable; starting from an empty state');
    return emptyAppliedState();
  }
}

/**
 * Saves the applied state atomically with mode 0600, creating the state directory (0700) when
 * needed. Returns false, writing nothing, when the file already holds exactly this state.
 */
export async function saveAppliedState(stateDir: string, state: AppliedState): Promise<boolean> {
  const file = appliedStatePath(stateDir);
  const text = serializeAppliedState(state);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  if ((await readFileOrNull(file)) === text) return false;
  await writeFileAtomic(file, text, 0o600);
  await syncDir(stateDir);
  return true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isValue(v: unknown): v is Value {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
}
