/** What every use case works with: the store's tables, a clock, and one transaction per call. */
import { ResourceExhaustedError, type HostplaneEvent } from '@hostplane/shared';
import type { Db } from '../store/db.js';
import {
  type CustomerTable,
  type DeliveryTable,
  type EventTable,
  type HostTable,
  type PlanTable,
  type ResellerTable,
  type Store,
  type SubscriptionTable,
  type TokenTable,
  type ValueSetTable,
} from '../store/index.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The identity recorded with events: who acted, and for whom (`--as-customer`). */
export interface Actor {
  readonly name: string;
  readonly onBehalfOf?: string;
  /** A reseller's token: listings show only that reseller's customers, plans and subscriptions. */
  readonly resellerId?: number;
}

export const SYSTEM: Actor = { name: 'system' };

/** The largest event (its data and entity), in bytes. */
export const MAX_EVENT_BYTES = 64 * 1024;

/** Thrown through a preview's transaction to roll it back. */
class PreviewRollback extends Error {
  constructor() {
    super('preview rolled back');
  }
}

export class Context {
  readonly plans: PlanTable;
  readonly customers: CustomerTable;
  readonly resellers: ResellerTable;
  readonly hosts: HostTable;
  readonly subscriptions: SubscriptionTable;
  readonly delivery: DeliveryTable;
  readonly valueSets: ValueSetTable;
  readonly tokens: TokenTable;
  readonly events: EventTable;
  /** Who is acting: set around each call by the API (`as`); `system` for jobs and agents. */
  actor: Actor = SYSTEM;
  /**
   * Which hosts' agents are connected now, when agents connect to this process (the gRPC server sets
   * it). Without it — the core alone, as in tooling and benchmarks — every host counts as connected.
   */
  agentPresence: { hasSession(hostId: number): boolean; readonly controllerId?: string | undefined } | undefined;

  /** The store: the use cases know only its interface (`Store`); SQLite is the embedded default. */
  constructor(
    readonly store: Store,
    readonly clock: Clock = systemClock,
  ) {
    this.plans = store.plans;
    this.customers = store.customers;
    this.resellers = store.resellers;
    this.hosts = store.hosts;
    this.subscriptions = store.subscriptions;
    this.delivery = store.delivery;
    this.valueSets = store.valueSets;
    this.tokens = store.tokens;
    this.events = store.events;
  }

  /** The store's connection (tests, benchmarks and tooling; `db.dialect` says which engine). */
  get db(): Db {
    return this.store.db;
  }

  private depth = 0;
  private pendingHosts = new Set<number>();
  private pendingEvents = false;
  private readonly eventListeners = new Set<() => void>();
  private readonly hostListeners = new Set<(hostIds: ReadonlySet<number>) => void>();

  /**
   * Runs `fn` in one SQLite transaction: all of its writes land, or none. Transactions nest (as
   * savepoints); listeners hear of changed hosts once the outermost one has committed.
   */
  tx<T>(fn: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = this.store.transaction(() => {
        const r = fn();
        // Told inside the outermost transaction, so that what it announces (PostgreSQL's NOTIFY to
        // the other controllers) goes out with the commit, and not at all with a rollback.
        if (this.depth === 1 && this.announce && (this.pendingHosts.size > 0 || this.pendingEvents)) this.announce(this.pendingHosts, this.pendingEvents);
        return r;
      });
    } catch (err) {
      this.depth--;
      // An inner savepoint's changes roll back with it, but a change already recorded by a
      // sibling savepoint may be kept: over-notifying is harmless (agents get an empty delta).
      if (this.depth === 0) {
        this.pendingHosts = new Set();
        this.pendingEvents = false;
      }
      throw err;
    }
    this.depth--;
    if (this.depth === 0 && this.pendingEvents) {
      this.pendingEvents = false;
      for (const listener of this.eventListeners) listener();
    }
    if (this.depth === 0 && this.pendingHosts.size > 0) {
      const changed = this.pendingHosts;
      this.pendingHosts = new Set();
      for (const listener of this.hostListeners) listener(changed);
    }
    return result;
  }

  /**
   * A preview: runs `fn` in a transaction that is always rolled back, and returns what it computed.
   * The use case runs exactly as it would (same rules, same checks, same summary), but nothing it
   * wrote lands — no value, version, event or revision — and no listener hears of it, so nothing is
   * pushed or published. Only at the outermost level: a preview inside a transaction could not
   * undo its writes without undoing the caller's.
   */
  preview<T>(fn: () => T): T {
    if (this.depth > 0) throw new Error('a preview must not run inside a transaction');
    const rollback = new PreviewRollback();
    let result: T | undefined;
    let ran = false;
    try {
      this.tx(() => {
        result = fn();
        ran = true;
        throw rollback;
      });
    } catch (err) {
      if (err !== rollback) throw err;
    }
    if (!ran) throw new Error('preview did not run');
    return result as T;
  }

  /** Runs `fn` with `actor` recorded as the author of its events. */
  as<T>(actor: Actor, fn: () => T): T {
    const previous = this.actor;
    this.actor = actor;
    try {
      return fn();
    } finally {
      this.actor = previous;
    }
  }

  /** Records an event in the current transaction (the outbox); `onBehalfOf` overrides the actor's. */
  record(event: HostplaneEvent, onBehalfOf?: string): void {
    // An event is at most 64 KB (what every consumer, NATS included, takes): a change whose event
    // would be larger is refused with the transaction, rather than stalling the feed.
    const size = Buffer.byteLength(JSON.stringify(event.data)) + event.entity.length;
    if (size > MAX_EVENT_BYTES) {
      throw new ResourceExhaustedError(`the ${event.type} event of '${event.entity.slice(0, 64)}' would be ${size} bytes (at most ${MAX_EVENT_BYTES}): make the change in smaller steps`);
    }
    this.events.insert(event.type, event.entity, this.nowIso(), this.actor.name, onBehalfOf ?? this.actor.onBehalfOf ?? null, event.data);
    this.pendingEvents = true;
  }

  /** Subscribes to committed events; returns the unsubscribe function. */
  onEvents(listener: () => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called within a transaction when a host's desired state changed (its revision was bumped). */
  hostChanged(hostId: number): void {
    this.pendingHosts.add(hostId);
  }

  /**
   * Told, inside each transaction that changed hosts or recorded events, of those changes — the
   * cluster (several controllers on one PostgreSQL) announces them to the other controllers.
   */
  announce: ((hostIds: ReadonlySet<number>, events: boolean) => void) | undefined;

  /**
   * Changes another controller committed (heard from the cluster): listeners hear of them as of
   * this controller's own. `hostIds` undefined: any host may have changed.
   */
  changedElsewhere(hostIds: ReadonlySet<number> | undefined, events: boolean): void {
    if (events) for (const listener of this.eventListeners) listener();
    const ids = hostIds ?? new Set(this.hosts.list().map((h) => h.id));
    if (ids.size > 0) for (const listener of this.hostListeners) listener(ids);
  }

  /** Subscribes to committed changes of hosts' desired state; returns the unsubscribe function. */
  onHostsChanged(listener: (hostIds: ReadonlySet<number>) => void): () => void {
    this.hostListeners.add(listener);
    return () => this.hostListeners.delete(listener);
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }
}

/**
 * Bumps each host's revision at most once per transaction: every subscription of that host changed
 * in the transaction carries the same new revision, which is what the agent acknowledges.
 */
export class RevisionBumper {
  private readonly bumped = new Map<number, number>();
  constructor(private readonly ctx: Context) {}

  revisionFor(hostId: number): number {
    let rev = this.bumped.get(hostId);
    if (rev === undefined) {
      rev = this.ctx.hosts.bumpRevision(hostId);
      this.bumped.set(hostId, rev);
      this.ctx.hostChanged(hostId);
    }
    return rev;
  }

  get hostIds(): number[] {
    return [...this.bumped.keys()];
  }
}
