/** What every use case works with: the store's tables, a clock, and one transaction per call. */
import type { Db } from '../store/db.js';
import { CustomerStore, HostStore, PlanStore, SubscriptionStore, TokenStore, ValueSetStore } from '../store/index.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class Context {
  readonly plans: PlanStore;
  readonly customers: CustomerStore;
  readonly hosts: HostStore;
  readonly subscriptions: SubscriptionStore;
  readonly valueSets: ValueSetStore;
  readonly tokens: TokenStore;

  constructor(
    readonly db: Db,
    readonly clock: Clock = systemClock,
  ) {
    this.plans = new PlanStore(db);
    this.customers = new CustomerStore(db);
    this.hosts = new HostStore(db);
    this.subscriptions = new SubscriptionStore(db);
    this.valueSets = new ValueSetStore(db);
    this.tokens = new TokenStore(db);
  }

  private depth = 0;
  private pendingHosts = new Set<number>();
  private readonly hostListeners = new Set<(hostIds: ReadonlySet<number>) => void>();

  /**
   * Runs `fn` in one SQLite transaction: all of its writes land, or none. Transactions nest (as
   * savepoints); listeners hear of changed hosts once the outermost one has committed.
   */
  tx<T>(fn: () => T): T {
    this.depth++;
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } catch (err) {
      this.depth--;
      // An inner savepoint's changes roll back with it, but a change already recorded by a
      // sibling savepoint may be kept: over-notifying is harmless (agents get an empty delta).
      if (this.depth === 0) this.pendingHosts = new Set();
      throw err;
    }
    this.depth--;
    if (this.depth === 0 && this.pendingHosts.size > 0) {
      const changed = this.pendingHosts;
      this.pendingHosts = new Set();
      for (const listener of this.hostListeners) listener(changed);
    }
    return result;
  }

  /** Called within a transaction when a host's desired state changed (its revision was bumped). */
  hostChanged(hostId: number): void {
    this.pendingHosts.add(hostId);
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
