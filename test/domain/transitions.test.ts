import { describe, expect, it } from 'vitest';
import { sameConflicts, transitions, type Conflict, type DomainEvent, type EntityRef, type Status } from '../../controller/src/domain/index.js';

const MIVA: Conflict = { property: 'hosting.miva', planValue: true, availableValue: false, reason: 'Miva is not installed on the host' };
const PHP: Conflict = { property: 'hosting.php_version', planValue: '8.3', availableValue: '8.2', reason: 'PHP 8.3 is not installed (installed: 8.2)' };
const TOTAL: Conflict = { property: 'limits.disk_space', planValue: 10, availableValue: 12, reason: '12 already allocated' };

const SUB: EntityRef = { kind: 'subscription', name: 'example.com' };
const RESELLER: EntityRef = { kind: 'reseller', name: 'acme' };

/** A subscription's status: synced and active unless told. */
const sub = (s: Partial<Status> = {}): Status => ({ syncStatus: 'synced', conflicts: [], reasons: [], ...s });
/** A reseller's status: no state axis here. */
const res = (s: Partial<Status> = {}): Status => ({ syncStatus: 'synced', conflicts: [], ...s });

interface Row {
  rule: string;
  entity?: EntityRef;
  before: Status;
  after: Status;
  /** In order: the event's type, or its type and data. */
  events: (string | [type: string, data: Record<string, unknown>])[];
}

const ROWS: Row[] = [
  // ---- sync status ----
  { rule: 'nothing changed: no event', before: sub(), after: sub(), events: [] },
  { rule: 'becoming unsynced records the conflicts', before: sub(), after: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), events: [['subscription.unsynced', { conflicts: [MIVA] }]] },
  { rule: 'unsynced with the same conflicts: no event', before: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), after: sub({ syncStatus: 'unsynced', conflicts: [{ ...MIVA }] }), events: [] },
  { rule: 'unsynced with other conflicts: unsynced again, with the new ones', before: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), after: sub({ syncStatus: 'unsynced', conflicts: [MIVA, PHP] }), events: [['subscription.unsynced', { conflicts: [MIVA, PHP] }]] },
  { rule: 'a conflict whose available value changed is another conflict', before: sub({ syncStatus: 'unsynced', conflicts: [PHP] }), after: sub({ syncStatus: 'unsynced', conflicts: [{ ...PHP, availableValue: '8.1' }] }), events: ['subscription.unsynced'] },
  { rule: 'a conflict whose reason changed is another conflict', before: sub({ syncStatus: 'unsynced', conflicts: [PHP] }), after: sub({ syncStatus: 'unsynced', conflicts: [{ ...PHP, reason: 'PHP 8.3 is not installed (installed: 8.1, 8.2)' }] }), events: ['subscription.unsynced'] },
  { rule: 'conflicts vanishing make it synced', before: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), after: sub(), events: ['subscription.synced'] },
  { rule: 'Customize (or Accept) locks it', before: sub(), after: sub({ syncStatus: 'locked' }), events: ['subscription.locked'] },
  { rule: 'locking an unsynced subscription records locked only', before: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), after: sub({ syncStatus: 'locked' }), events: ['subscription.locked'] },
  { rule: 'Unlock and Sync: unlocked, then synced', before: sub({ syncStatus: 'locked' }), after: sub(), events: ['subscription.unlocked', 'subscription.synced'] },
  { rule: 'Unlock and Sync may end unsynced: unlocked, then unsynced', before: sub({ syncStatus: 'locked' }), after: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), events: ['subscription.unlocked', 'subscription.unsynced'] },
  { rule: 'detaching a locked subscription makes it custom, not unlocked', before: sub({ syncStatus: 'locked' }), after: sub({ syncStatus: 'custom' }), events: [] },
  { rule: 'detaching a synced subscription: no sync event', before: sub(), after: sub({ syncStatus: 'custom' }), events: [] },
  { rule: 'a custom subscription switched onto a plan is synced', before: sub({ syncStatus: 'custom' }), after: sub(), events: ['subscription.synced'] },

  // ---- state ----
  { rule: 'a first reason suspends it, with its reasons', before: sub(), after: sub({ reasons: ['manual'] }), events: [['subscription.suspended', { reasons: ['manual'] }]] },
  { rule: 'another reason: suspended again, with every reason', before: sub({ reasons: ['manual'] }), after: sub({ reasons: ['manual', 'customer'] }), events: [['subscription.suspended', { reasons: ['manual', 'customer'] }]] },
  { rule: 'one reason of two removed: still suspended, not suspended anew: the suspension is lifted in part', before: sub({ reasons: ['manual', 'customer'] }), after: sub({ reasons: ['customer'] }), events: [['subscription.updated', { operation: 'suspension-lifted', removed: ['manual'], reasons: ['customer'] }]] },
  { rule: 'one reason removed and another added: suspended, with every reason', before: sub({ reasons: ['manual'] }), after: sub({ reasons: ['customer'] }), events: [['subscription.suspended', { reasons: ['customer'] }]] },
  { rule: 'the same reasons: no event', before: sub({ reasons: ['expired'] }), after: sub({ reasons: ['expired'] }), events: [] },
  { rule: 'the last reason removed activates it', before: sub({ reasons: ['expired'] }), after: sub(), events: ['subscription.activated'] },
  { rule: 'sync events come before state events', before: sub({ reasons: ['manual'] }), after: sub({ syncStatus: 'unsynced', conflicts: [MIVA] }), events: ['subscription.unsynced', 'subscription.activated'] },

  // ---- resellers: the same sync rules, no state axis ----
  { rule: 'a reseller whose allocation exceeds its plan becomes unsynced', entity: RESELLER, before: res(), after: res({ syncStatus: 'unsynced', conflicts: [TOTAL] }), events: [['reseller.unsynced', { conflicts: [TOTAL] }]] },
  { rule: 'a reseller unsynced with the same totals: no event', entity: RESELLER, before: res({ syncStatus: 'unsynced', conflicts: [TOTAL] }), after: res({ syncStatus: 'unsynced', conflicts: [{ ...TOTAL }] }), events: [] },
  { rule: 'a reseller unsynced by more: unsynced again', entity: RESELLER, before: res({ syncStatus: 'unsynced', conflicts: [TOTAL] }), after: res({ syncStatus: 'unsynced', conflicts: [{ ...TOTAL, availableValue: 14, reason: '14 already allocated' }] }), events: ['reseller.unsynced'] },
  { rule: 'a reseller back within its plan is synced', entity: RESELLER, before: res({ syncStatus: 'unsynced', conflicts: [TOTAL] }), after: res(), events: ['reseller.synced'] },
  { rule: 'a customized reseller is locked', entity: RESELLER, before: res(), after: res({ syncStatus: 'locked' }), events: ['reseller.locked'] },
  { rule: 'an unlocked reseller: unlocked, then synced', entity: RESELLER, before: res({ syncStatus: 'locked' }), after: res(), events: ['reseller.unlocked', 'reseller.synced'] },
];

/** The events as the row states them: its type, with its data where the row gives data. */
function shown(events: readonly DomainEvent[], expected: Row['events']): Row['events'] {
  return events.map((e, i) => (Array.isArray(expected[i]) ? [e.type, e.data] : e.type));
}

describe('transitions: one row per rule', () => {
  it.each(ROWS)('$rule', ({ entity = SUB, before, after, events }) => {
    const out = transitions(entity, before, after);
    expect(shown(out, events)).toEqual(events);
    for (const e of out) expect(e.entity).toBe(entity.name);
  });
});

describe('sameConflicts', () => {
  it.each([
    { rule: 'no conflicts are the same as no conflicts', a: [], b: [], same: true },
    { rule: 'equal rows in other objects are the same', a: [MIVA, PHP], b: [{ ...MIVA }, { ...PHP }], same: true },
    { rule: 'order counts (reports are built in catalogue order)', a: [MIVA, PHP], b: [PHP, MIVA], same: false },
    { rule: 'one row more is different', a: [MIVA], b: [MIVA, PHP], same: false },
    { rule: 'another plan value is different', a: [PHP], b: [{ ...PHP, planValue: '8.4' }], same: false },
  ] as { rule: string; a: Conflict[]; b: Conflict[]; same: boolean }[])('$rule', ({ a, b, same }) => {
    expect(sameConflicts(a, b)).toBe(same);
  });

  it('agrees with comparing the stored JSON text', () => {
    const reports = [[], [MIVA], [PHP], [MIVA, PHP], [PHP, MIVA], [{ ...PHP, availableValue: null }], [TOTAL]];
    for (const a of reports) {
      for (const b of reports) expect(sameConflicts(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    }
  });
});
