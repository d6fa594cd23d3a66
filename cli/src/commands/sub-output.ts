/**
 * Human renderings of subscriptions: the listing row (display name, sync status, applied, state), the
 * full view of `sub show` (values as property/plan/desired/provided rows, then the conflicts), and the
 * conflict report of `sub sync` (property, plan value, available value), as in the seed. An apply
 * error is never hidden behind `synced`: every rendering says the host failed to apply it.
 */
import type { Subscription } from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Context } from '../context.js';
import { present } from '../errors.js';
import type { Conflict } from '@hostplane/proto/hostplane/v1/values.js';
import { humanTime, plural, renderFields, renderTable } from '../output.js';
import { reasonWord, subscriptionJson, subscriptionStateWord, syncStatusWord } from '../shapes.js';
import { formatProtoValue, orderedKeys } from '../values.js';
import { formatSize, parseSize } from '@hostplane/shared';

/** `active`, or `suspended (manual, expired)`. */
export function stateText(s: Subscription): string {
  const state = subscriptionStateWord(s.state);
  return s.suspensionReasons.length > 0 ? `${state} (${s.suspensionReasons.map(reasonWord).join(', ')})` : state;
}

/** `example.com (Unlimited)` / `example.com (Custom)`, from the controller or made here. */
export function displayName(s: Subscription): string {
  return s.displayName || `${s.name} (${s.plan || 'Custom'})`;
}

/**
 * Whether the host's agent realized the current generation: `failed` while an apply error is
 * pending, `pending` until it applied the current generation, `ok` then.
 */
export function appliedWord(s: Subscription): 'ok' | 'pending' | 'failed' {
  if (s.applyError) return 'failed';
  return s.appliedGeneration === s.generation ? 'ok' : 'pending';
}

/**
 * `, but its host failed to apply it: <error>.` and how it is retried, to end a sentence that says
 * where the subscription stands; undefined without an apply error. `retried`: the agent was just
 * asked to apply it again (`sub sync`).
 */
function applyFailure(s: Subscription, retried: boolean): string | undefined {
  if (!s.applyError) return undefined;
  const retry = retried
    ? `Its agent was asked to apply it again now (when connected); \`hostplane sub show ${s.name}\` shows how that went.`
    : `The agent retries; \`hostplane sub sync ${s.name}\` retries now.`;
  return `, but its host failed to apply it: ${s.applyError.replace(/[.\s]+$/, '')}.\n${retry}\n`;
}

/** `example.com (Basic) is synced, but its host failed to apply it: …` and how it is retried; undefined without an apply error. */
export function applyFailureText(s: Subscription, retried = false): string | undefined {
  const failure = applyFailure(s, retried);
  return failure && `${displayName(s)} is ${syncStatusWord(s.syncStatus)}${failure}`;
}

export const LIST_HEADERS = ['subscription', 'customer', 'host', 'sync', 'applied', 'state', 'disk', 'traffic', 'expires'] as const;

/** `1.2G/10G` (`!` when over it), or `-` before the first measurement. */
function usedOf(bytes: string, limit: string, over: boolean): string {
  const used = formatSize(Number(bytes));
  const text = limit === 'unlimited' ? `${used}/∞` : `${used}/${limit}`;
  return over && limit !== 'unlimited' && Number(bytes) > Number(parseSize(limit)) ? `${text}!` : text;
}

/** Disk and traffic this month against the limits, for a listing row. */
export function usageCells(s: Subscription): [string, string] {
  const u = s.usage;
  if (!u) return ['-', '-'];
  return [usedOf(u.diskBytes, u.diskLimit, u.overused), usedOf(u.trafficBytes, u.trafficLimit, u.overused)];
}

export function listRow(s: Subscription): string[] {
  return [
    displayName(s),
    s.customer,
    s.host || '-',
    syncStatusWord(s.syncStatus),
    appliedWord(s),
    stateText(s),
    ...usageCells(s),
    s.expiresAt ? humanTime(s.expiresAt) : 'never',
  ];
}

/** The conflict report: property, plan value, available value, and why. */
export function renderConflicts(conflicts: readonly Conflict[]): string {
  return renderTable(
    ['property', 'plan value', 'available value', 'reason'],
    conflicts.map((c) => [c.property, formatProtoValue(c.property, c.planValue), formatProtoValue(c.property, c.availableValue), c.reason]),
  );
}

function usageFields(s: Subscription): [string, string | undefined][] {
  const u = s.usage;
  if (!u) return [['Usage', 'not measured yet (its agent measures every 15 minutes and on `hostplane host detect`)']];
  const [disk, traffic] = usageCells(s);
  return [
    ['Disk', `${disk.replace('/', ' of ')}`],
    ['Traffic', `${traffic.replace('/', ' of ')} this month`],
    ['Measured', `${humanTime(u.measuredAt)}${u.overused ? ' — over a limit (limits.overuse decides what that does)' : ''}`],
  ];
}

function certificateFields(s: Subscription): [string, string | undefined][] {
  const c = s.certificate;
  if (!c || c.status === 'none') return [];
  const text =
    c.status === 'valid'
      ? `valid for ${c.names.join(', ')} until ${c.notAfter ? humanTime(c.notAfter) : '?'}${c.issuer ? ` (${c.issuer})` : ''}`
      : c.status === 'pending'
        ? `pending: its agent obtains one by ACME (HTTP until then)`
        : `failed — served over HTTP: ${c.error}`;
  return [['Certificate', c.status === 'valid' && c.error ? `${text}; last renewal failed: ${c.error}` : text]];
}

export function renderSubscription(s: Subscription): string {
  let out = renderFields([
    ['Subscription', displayName(s)],
    ['Customer', s.customer],
    ['Plan', s.plan || '(custom)'],
    ['Add-ons', s.addons.length > 0 ? s.addons.join(', ') : '-'],
    ['Host', s.host || '-'],
    ['Sync status', s.applyError ? `${syncStatusWord(s.syncStatus)} (apply failed)` : syncStatusWord(s.syncStatus)],
    ['State', stateText(s)],
    ['Expires', s.expiresAt ? humanTime(s.expiresAt) : 'never'],
    ['Generation', `${s.generation} (applied ${s.appliedGeneration})`],
    ['Applied', appliedWord(s)],
    ['System user', s.systemUser || '-'],
    ...usageFields(s),
    ...certificateFields(s),
  ]);
  const failure = applyFailureText(s);
  if (failure) out += `\n${failure}`;
  const keys = orderedKeys(s.planValues, s.desiredValues, s.providedValues);
  if (keys.length > 0) {
    const rows = keys.map((key) => [
      key,
      formatProtoValue(key, s.planValues[key]),
      formatProtoValue(key, s.desiredValues[key]),
      formatProtoValue(key, s.providedValues[key]),
    ]);
    out += `\n${renderTable(['property', 'plan', 'desired', 'provided'], rows)}`;
  }
  const own = orderedKeys(s.ownValues);
  if (own.length > 0) out += `\nOwn values (${s.plan ? 'locked' : 'custom'}): ${own.map((k) => `${k}=${formatProtoValue(k, s.ownValues[k])}`).join(', ')}\n`;
  const subscriber = orderedKeys(s.subscriberValues);
  if (subscriber.length > 0) {
    out += `\nSet by the customer: ${subscriber.map((k) => `${k}=${formatProtoValue(k, s.subscriberValues[k])}`).join(', ')}\n`;
  }
  if (s.conflicts.length > 0) {
    out += `\nConflicts (the host cannot provide ${plural(s.conflicts.length, 'property', 'properties')}):\n${renderConflicts(s.conflicts)}`;
  }
  return out;
}

/**
 * The answer of `sub sync`: the report, then (with `hint`) how to accept it or fix the cause. A
 * pending apply error is said first; the controller has just asked the agent to retry it.
 */
export function renderSyncReport(s: Subscription, conflicts: readonly Conflict[], fingerprint: string, hint = true): string {
  const name = displayName(s);
  const failure = applyFailureText(s, true);
  if (conflicts.length === 0) return failure ?? `${name} is ${syncStatusWord(s.syncStatus)}: its host provides everything it should.\n`;
  const report =
    (failure ? `${failure}\n` : '') +
    `${name} is ${syncStatusWord(s.syncStatus)}: its host cannot provide ${plural(conflicts.length, 'property', 'properties')}.\n\n` +
    renderConflicts(conflicts);
  if (!hint) return report;
  return (
    report +
    '\nTo use the available values (the subscription becomes locked):\n' +
    `  hostplane sub sync ${s.name} --accept${fingerprint ? ` --fingerprint ${fingerprint}` : ''}\n` +
    'Or adapt the plan to the host (hostplane plan update), or the host to the plan (install what is missing).\n'
  );
}

/** What a verb did, then where the subscription stands, with its conflicts when it has some. */
export function renderOutcome(headline: string, s: Subscription): string {
  let out = `${headline}\n${displayName(s)} is ${syncStatusWord(s.syncStatus)} and ${stateText(s)}${applyFailure(s, false) ?? '.\n'}`;
  if (s.conflicts.length > 0) out += `\nConflicts:\n${renderConflicts(s.conflicts)}`;
  return out;
}

/** Prints a verb's resulting subscription: its full JSON shape, or the outcome for people. */
export function emitSubscription(ctx: Context, json: boolean | undefined, s: Subscription | undefined, headline: (s: Subscription) => string) {
  const sub = present(s, 'subscription');
  ctx.emit(json, subscriptionJson(sub), () => renderOutcome(headline(sub), sub));
}
