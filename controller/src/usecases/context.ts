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

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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
    }
    return rev;
  }

  get hostIds(): number[] {
    return [...this.bumped.keys()];
  }
}
