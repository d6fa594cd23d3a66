/**
 * The store, as the use cases see it: one interface per table (or concern) and transactions. It is
 * the seam a second engine implements (PostgreSQL next to the embedded SQLite): the use cases and
 * everything above them know only `Store`. `SqlStore` implements it on either engine's `Db`.
 */
import type { Db } from './db.js';
import { CustomerStore } from './customers.js';
import { DeliveryStore } from './delivery.js';
import { EventStore } from './events.js';
import { HostStore } from './hosts.js';
import { PlanStore } from './plans.js';
import { ResellerStore } from './resellers.js';
import { SubscriptionStore } from './subscriptions.js';
import { TokenStore } from './tokens.js';
import { ValueSetStore } from './value-sets.js';

/** The public face of a table class: what another engine's table must offer. */
type Face<T> = { [K in keyof T]: T[K] };

export type PlanTable = Face<PlanStore>;
export type CustomerTable = Face<CustomerStore>;
export type ResellerTable = Face<ResellerStore>;
export type HostTable = Face<HostStore>;
export type SubscriptionTable = Face<SubscriptionStore>;
export type DeliveryTable = Face<DeliveryStore>;
export type ValueSetTable = Face<ValueSetStore>;
export type TokenTable = Face<TokenStore>;
export type EventTable = Face<EventStore>;

export interface Store {
  readonly plans: PlanTable;
  readonly customers: CustomerTable;
  readonly resellers: ResellerTable;
  readonly hosts: HostTable;
  readonly subscriptions: SubscriptionTable;
  /** What each host's agent must realize, and what the agents report back. */
  readonly delivery: DeliveryTable;
  readonly valueSets: ValueSetTable;
  readonly tokens: TokenTable;
  readonly events: EventTable;
  /** Runs `fn` in one transaction (nested calls are savepoints): all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
  /** The connection (raw SQL for tests, benchmarks and tooling), on either engine. */
  readonly db: Db;
  close(): void;
}

/**
 * Every table on one connection: the embedded default on SQLite (better-sqlite3, WAL), or
 * PostgreSQL (`--store postgres://…`, libpq): the same table classes, written in the SQL both speak.
 */
export class SqlStore implements Store {
  readonly plans: PlanStore;
  readonly customers: CustomerStore;
  readonly resellers: ResellerStore;
  readonly hosts: HostStore;
  readonly subscriptions: SubscriptionStore;
  readonly delivery: DeliveryStore;
  readonly valueSets: ValueSetStore;
  readonly tokens: TokenStore;
  readonly events: EventStore;

  constructor(readonly db: Db) {
    this.plans = new PlanStore(db);
    this.customers = new CustomerStore(db);
    this.resellers = new ResellerStore(db);
    this.hosts = new HostStore(db);
    this.subscriptions = new SubscriptionStore(db);
    this.delivery = new DeliveryStore(db);
    this.valueSets = new ValueSetStore(db);
    this.tokens = new TokenStore(db);
    this.events = new EventStore(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
