/**
 * The events the controller records, as one discriminated union: every type, the data it carries,
 * and the NATS subject it is published on. An event's type is `<entity>.<change>`
 * (`subscription.unsynced`); it is recorded in the transaction of the change it reports, read back
 * by `hostplane events` (WatchEvents) and published on `hostplane.events.<entity>.<change>`.
 *
 * A new event is one row of `EventData` and one of `EVENT_TYPES`; the compiler refuses a recorded
 * event whose type is not listed here or whose data has another shape.
 */
import type { DiskCapacity } from './catalogue/components.js';
import type { Conflict, HostState, PlanKind, SuspensionReason, SyncStatus } from './statuses.js';

/** The data of an event that carries nothing but its type and entity. */
export type NoData = Record<string, never>;

/** Which property keys a change set and unset (their values are in the entity, not in the event). */
type Changed = {
  readonly set: readonly string[];
  readonly unset: readonly string[];
};

/** What the Update & Sync of a plan did: counts of subscriptions (or resellers, for a reseller plan). */
type PlanSync = {
  readonly synced: number;
  readonly unsynced: number;
  readonly skippedLocked: number;
};

/** `subscription.updated`: the operation, and what it names. */
export type SubscriptionUpdate =
  | { readonly operation: 'switch-plan'; readonly plan: string }
  | { readonly operation: 'detach' }
  | { readonly operation: 'add-addon' | 'remove-addon'; readonly addon: string }
  | { readonly operation: 'accept'; readonly properties: readonly string[] }
  | ({ readonly operation: 'customize' | 'customize-as-customer' } & Changed)
  | { readonly operation: 'renew'; readonly expiresAt: string | null }
  /** Some suspension reasons removed, others remain: still suspended (not a new suspension). */
  | { readonly operation: 'suspension-lifted'; readonly removed: readonly SuspensionReason[]; readonly reasons: readonly SuspensionReason[] };

/** `reseller.updated`: the operation, and what it names. */
export type ResellerUpdate =
  | { readonly operation: 'switch-plan'; readonly plan: string }
  | ({ readonly operation: 'customize' } & Changed)
  | { readonly operation: 'accept'; readonly properties: readonly string[] };

/** The data each event type carries. */
export interface EventData {
  'plan.created': { readonly kind: PlanKind; readonly version: number; readonly reseller?: string };
  'plan.updated': { readonly version: number } & Changed & PlanSync;
  'plan.deleted': { readonly kind: PlanKind };

  'customer.created': { readonly reseller?: string };
  'customer.suspended': NoData;
  'customer.activated': NoData;
  'customer.deleted': NoData;

  'reseller.created': { readonly plan: string };
  'reseller.updated': ResellerUpdate;
  'reseller.suspended': NoData;
  'reseller.activated': NoData;
  'reseller.deleted': NoData;
  'reseller.token_created': { readonly token: string };
  'reseller.synced': NoData;
  'reseller.unsynced': { readonly conflicts: readonly Conflict[] };
  'reseller.locked': NoData;
  'reseller.unlocked': NoData;

  'subscription.created': {
    readonly customer: string;
    readonly plan: string | null;
    readonly addons: readonly string[];
    readonly host: string;
    readonly syncStatus: SyncStatus;
    readonly conflicts: readonly Conflict[];
  };
  'subscription.updated': SubscriptionUpdate;
  'subscription.deleted': NoData;
  /** Moved with its webspace content to another host. */
  'subscription.moved': { readonly from: string; readonly to: string; readonly bytes: number };
  'subscription.synced': NoData;
  'subscription.unsynced': { readonly conflicts: readonly Conflict[] };
  'subscription.locked': NoData;
  'subscription.unlocked': NoData;
  'subscription.suspended': { readonly reasons: readonly SuspensionReason[] };
  'subscription.activated': NoData;
  /** Usage crossed a limit (once per crossing; `limits.overuse` notify or suspend). */
  'subscription.overused': {
    readonly exceeded: readonly string[];
    readonly diskBytes: number;
    readonly trafficBytes: number;
    readonly policy: string;
  };

  'host.enrolled': { readonly joinToken: string };
  'host.state_changed': {
    readonly from: HostState;
    readonly to: HostState;
    /** With a hello: the agent that said it. */
    readonly agentVersion?: string;
    readonly protocolVersion?: number;
    /** When the host went silent: its last heartbeat (null: never heard from). */
    readonly lastHeartbeatAt?: string | null;
  };
  'host.capabilities_changed': { readonly components: readonly string[]; readonly disk: DiskCapacity | null };
  'host.removed': NoData;
  /** The agent saved a new credential; the previous one no longer authenticates. */
  'host.credential_rotated': { readonly previousIssuedAt: string | null };
  'token.created': { readonly role: string; readonly reseller: string | null; readonly expiresAt: string | null };
  'token.revoked': NoData;
}

export type EventType = keyof EventData;

/** The kind of entity an event is about: the part of its type before the dot. */
export type EventEntity = EventType extends infer T ? (T extends `${infer E}.${string}` ? E : never) : never;

/** An event to record: its type, the name of the entity it is about, and its data. */
export type HostplaneEvent = {
  [T in EventType]: {
    readonly type: T;
    /** The entity's name: a plan's, a customer's or reseller's login, a subscription's domain, a host's. */
    readonly entity: string;
    readonly data: EventData[T];
  };
}[EventType];

/** The event of one type. */
export type EventOf<T extends EventType> = Extract<HostplaneEvent, { type: T }>;

// Keyed by type, so that the compiler refuses a list that misses one.
const TYPES: { readonly [T in EventType]: true } = {
  'plan.created': true,
  'plan.updated': true,
  'plan.deleted': true,
  'customer.created': true,
  'customer.suspended': true,
  'customer.activated': true,
  'customer.deleted': true,
  'reseller.created': true,
  'reseller.updated': true,
  'reseller.suspended': true,
  'reseller.activated': true,
  'reseller.deleted': true,
  'reseller.token_created': true,
  'reseller.synced': true,
  'reseller.unsynced': true,
  'reseller.locked': true,
  'reseller.unlocked': true,
  'subscription.created': true,
  'subscription.updated': true,
  'subscription.deleted': true,
  'subscription.moved': true,
  'subscription.synced': true,
  'subscription.unsynced': true,
  'subscription.locked': true,
  'subscription.unlocked': true,
  'subscription.suspended': true,
  'subscription.activated': true,
  'subscription.overused': true,
  'host.enrolled': true,
  'host.state_changed': true,
  'host.capabilities_changed': true,
  'host.removed': true,
  'host.credential_rotated': true,
  'token.created': true,
  'token.revoked': true,
};

/** Every event type, grouped by entity. */
export const EVENT_TYPES: readonly EventType[] = Object.keys(TYPES) as EventType[];

/** Every entity kind events are about, in the order of `EVENT_TYPES`. */
export const EVENT_ENTITIES: readonly EventEntity[] = [...new Set(EVENT_TYPES.map((t) => eventEntity(t)))];

export function isEventType(text: string): text is EventType {
  return Object.hasOwn(TYPES, text);
}

export function isEventEntity(text: string): text is EventEntity {
  return (EVENT_ENTITIES as readonly string[]).includes(text);
}

/**
 * The entity kind of an event type: `subscription` for `subscription.unsynced`. Takes any stored
 * type (an older controller's too), so it is typed loosely.
 */
export function eventEntity<T extends EventType>(type: T): EventEntity;
export function eventEntity(type: string): string;
export function eventEntity(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? type : type.slice(0, dot);
}

/** The NATS subjects of events start with this. */
export const EVENT_SUBJECT_PREFIX = 'hostplane.events';

/** Every event's subject: what the JetStream stream takes. */
export const EVENT_SUBJECTS = `${EVENT_SUBJECT_PREFIX}.>`;

/** The NATS subject an event of `type` is published on: `hostplane.events.<entity>.<change>`. */
export function eventSubject(type: string): string {
  return `${EVENT_SUBJECT_PREFIX}.${type}`;
}
