/**
 * The event contract: every type the controller records, its entity and its NATS subject, derived
 * in one place; and the compiler refusing an unknown type or data of another shape (checked by
 * `tsc`, which type-checks the tests: each `@ts-expect-error` below must be an error).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EVENT_ENTITIES,
  EVENT_SUBJECTS,
  EVENT_TYPES,
  eventEntity,
  eventSubject,
  isEventEntity,
  isEventType,
  type HostplaneEvent,
} from '@hostplane/shared';

describe('event types', () => {
  it('lists every type once, each `<entity>.<change>` in lower case', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    for (const t of EVENT_TYPES) expect(t).toMatch(/^[a-z]+\.[a-z_]+$/);
  });

  it('covers the six entities, in order', () => {
    expect(EVENT_ENTITIES).toEqual(['plan', 'customer', 'reseller', 'subscription', 'host', 'token']);
    for (const t of EVENT_TYPES) expect(EVENT_ENTITIES).toContain(eventEntity(t));
  });

  it.each([
    { rule: 'a subscription changes in every way a status can, plus created, updated, deleted, moved and overused', entity: 'subscription', changes: ['created', 'updated', 'deleted', 'moved', 'synced', 'unsynced', 'locked', 'unlocked', 'suspended', 'activated', 'overused'] },
    { rule: 'a reseller has the sync rules of a subscription, its own suspension and its tokens', entity: 'reseller', changes: ['created', 'updated', 'suspended', 'activated', 'deleted', 'token_created', 'synced', 'unsynced', 'locked', 'unlocked'] },
    { rule: 'a customer is created, suspended, activated and deleted', entity: 'customer', changes: ['created', 'suspended', 'activated', 'deleted'] },
    { rule: 'a plan is created, updated (Update & Sync) and deleted', entity: 'plan', changes: ['created', 'updated', 'deleted'] },
    { rule: 'a host is enrolled, changes state or capabilities, gets a new credential, and is removed', entity: 'host', changes: ['enrolled', 'state_changed', 'capabilities_changed', 'credential_rotated', 'removed'] },
    { rule: 'an API token is created and revoked', entity: 'token', changes: ['created', 'revoked'] },
  ])('$rule', ({ entity, changes }) => {
    const listed = EVENT_TYPES.filter((t) => eventEntity(t) === entity).map((t) => t.slice(entity.length + 1));
    expect([...listed].sort()).toEqual([...changes].sort());
  });

  it.each([
    ['subscription.unsynced', true, false],
    ['reseller.token_created', true, false],
    ['subscription', false, true],
    ['host', false, true],
    ['subscription.nope', false, false],
    ['token', false, true],
    ['tokens', false, false],
    ['', false, false],
    ['toString', false, false],
    ['__proto__', false, false],
  ] as const)('%j: a type %s, an entity %s', (text, type, entity) => {
    expect(isEventType(text)).toBe(type);
    expect(isEventEntity(text)).toBe(entity);
  });
});

describe('subjects and entities, derived in one place', () => {
  it.each([
    ['subscription.unsynced', 'subscription', 'hostplane.events.subscription.unsynced'],
    ['host.capabilities_changed', 'host', 'hostplane.events.host.capabilities_changed'],
    ['plan.created', 'plan', 'hostplane.events.plan.created'],
  ])('%s → entity %s, subject %s', (type, entity, subject) => {
    expect(eventEntity(type)).toBe(entity);
    expect(eventSubject(type)).toBe(subject);
  });

  it('takes a stored type it does not know as it is (an older or newer controller)', () => {
    expect(eventEntity('widget.spun')).toBe('widget');
    expect(eventEntity('widget')).toBe('widget');
    expect(eventSubject('widget.spun')).toBe('hostplane.events.widget.spun');
  });

  it('the stream takes every subject', () => {
    expect(EVENT_SUBJECTS).toBe('hostplane.events.>');
    for (const t of EVENT_TYPES) expect(eventSubject(t).startsWith(EVENT_SUBJECTS.slice(0, -1))).toBe(true);
  });
});

describe('typed events (compile-time)', () => {
  let events: HostplaneEvent[] = [];
  const record = (e: HostplaneEvent) => events.push(e);
  beforeEach(() => {
    events = [];
  });

  it('accepts each type with its data shape', () => {
    record({ type: 'plan.created', entity: 'Basic', data: { kind: 'service', version: 1 } });
    record({ type: 'subscription.updated', entity: 'example.com', data: { operation: 'add-addon', addon: 'Extra' } });
    record({ type: 'subscription.suspended', entity: 'example.com', data: { reasons: ['manual', 'expired'] } });
    record({ type: 'host.removed', entity: 'web1', data: {} });
    expect(events.map((e) => e.type)).toEqual(['plan.created', 'subscription.updated', 'subscription.suspended', 'host.removed']);
  });

  it('refuses an unknown type or data of another shape', () => {
    // @ts-expect-error: not an event type
    record({ type: 'plan.renamed', entity: 'Basic', data: {} });
    // @ts-expect-error: a plan's kind is service, addon or reseller
    record({ type: 'plan.created', entity: 'Basic', data: { kind: 'gold', version: 1 } });
    // @ts-expect-error: an add-on operation names the add-on
    record({ type: 'subscription.updated', entity: 'example.com', data: { operation: 'add-addon', plan: 'Extra' } });
    // @ts-expect-error: no such suspension reason
    record({ type: 'subscription.suspended', entity: 'example.com', data: { reasons: ['unpaid'] } });
    // @ts-expect-error: host.removed carries no data
    record({ type: 'host.removed', entity: 'web1', data: { reason: 'gone' } });
    expect(events).toHaveLength(5); // recorded all the same at run time: the types are the guard
  });
});
