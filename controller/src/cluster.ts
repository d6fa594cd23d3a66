/**
 * Several controllers on one PostgreSQL (SPEC §14). Each takes Admin calls and agent streams; what
 * one commits reaches the agents connected to the others through PostgreSQL's NOTIFY, sent inside
 * the committing transaction (so it goes out with the commit and never for a rollback) and heard on
 * a LISTEN connection of each controller. The scheduled jobs and the NATS publisher run on one
 * controller at a time: the holder of a session-level advisory lock (the lease), which PostgreSQL
 * releases as soon as the holder's connection ends — a controller that dies is replaced by another
 * within one lease period.
 */
import { randomUUID } from 'node:crypto';
import { PgDb, PgListener } from './store/pg.js';
import type { ControllerCore } from './core.js';
import type { Logger } from './logger.js';

const CHANNEL = 'hostplane_changes';
/** The advisory lock whose holder runs the jobs and the publisher. */
const LEASE_KEY = 7204312;
/** NOTIFY payloads are at most 8000 bytes: beyond this, "any host may have changed". */
const MAX_PAYLOAD = 7000;

interface Announcement {
  /** The announcing controller. */
  readonly from: string;
  /** Host ids whose desired state changed; null when too many to list. */
  readonly h: number[] | null;
  /** Whether events were recorded. */
  readonly e: boolean;
}

export interface ClusterOptions {
  readonly url: string;
  /** How often a controller without the lease tries to take it, and the holder checks it still has it. */
  readonly leaseCheckMs?: number;
  /** Called when this controller takes the lease (start the jobs and the publisher). */
  readonly lead: () => void;
  /** Called when it loses it (stop them). */
  readonly follow: () => Promise<void> | void;
}

export class Cluster {
  private listener: PgListener | undefined;
  private lease: PgDb | undefined;
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly notify;
  /** This process, in its announcements (its own are not heard twice): unique even for two controllers on one address. */
  private readonly self = randomUUID();

  constructor(
    private readonly core: ControllerCore,
    private readonly options: ClusterOptions,
    private readonly log: Logger,
  ) {
    const db = core.ctx.db;
    this.notify = db.prepare<[string]>(`SELECT pg_notify('${CHANNEL}', ?)`);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Announces this controller's changes and hears the others' — from before it serves anything,
   * so that no change committed here goes unannounced.
   */
  listenForChanges(): void {
    this.core.ctx.announce = (hostIds, events) => {
      let payload = JSON.stringify({ from: this.self, h: [...hostIds], e: events } satisfies Announcement);
      if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ from: this.self, h: null, e: events } satisfies Announcement);
      this.notify.run(payload);
    };
    this.listen();
  }

  /** Competes for the lease (the jobs and the publisher), once this controller serves. */
  startLease(): void {
    this.checkLease();
  }

  /** LISTENs for the others' changes; after a broken connection, listens again and treats everything as changed. */
  private listen(missed = false): void {
    if (this.stopped) return;
    try {
      this.listener = new PgListener(
        this.options.url,
        CHANNEL,
        (payload) => this.heard(payload),
        (err) => {
          this.listener = undefined;
          this.log.warn({ component: 'cluster', err: err.message }, 'lost the change feed; listening again');
          setTimeout(() => this.listen(true), 1000).unref();
        },
      );
    } catch (err) {
      this.log.warn({ component: 'cluster', err: (err as Error).message }, 'cannot listen for changes; retrying');
      setTimeout(() => this.listen(true), 1000).unref();
      return;
    }
    // Whatever was announced while nobody listened: every host may have changed.
    if (missed) this.tell(undefined, true);
  }

  private tell(hostIds: ReadonlySet<number> | undefined, events: boolean): void {
    try {
      this.core.ctx.changedElsewhere(hostIds, events);
    } catch (err) {
      // The store's connection is being replaced too: the agents' next change or resync catches up.
      this.log.warn({ component: 'cluster', err: (err as Error).message }, 'could not pass on the changes heard');
    }
  }

  private heard(payload: string): void {
    let a: Announcement;
    try {
      a = JSON.parse(payload) as Announcement;
    } catch {
      return;
    }
    if (a.from === this.self) return; // our own, already told
    this.tell(a.h ? new Set(a.h) : undefined, a.e);
  }

  /** Takes the lease when free; checks it is still held (a broken connection has lost it). */
  private checkLease(): void {
    if (this.stopped) return;
    try {
      this.lease ??= new PgDb(this.options.url);
      if (!this.leading) {
        const [row] = this.lease.query<{ held: number }>('SELECT pg_try_advisory_lock(?) AS held', [LEASE_KEY]);
        if (row?.held) {
          this.leading = true;
          this.log.info({ component: 'cluster' }, 'took the lease: running the jobs and the publisher here');
          this.options.lead();
        }
      } else {
        this.lease.query('SELECT 1');
      }
    } catch (err) {
      this.log.warn({ component: 'cluster', err: (err as Error).message }, 'the lease connection failed');
      this.lease?.close();
      this.lease = undefined;
      if (this.leading) {
        this.leading = false;
        this.log.warn({ component: 'cluster' }, 'lost the lease: jobs and publisher stopped here');
        void this.options.follow();
      }
    }
    this.timer = setTimeout(() => this.checkLease(), this.options.leaseCheckMs ?? 5000);
    this.timer.unref();
  }

  /** Gives up the lease (stopping the jobs and the publisher here): another controller takes it at its next check. */
  async stopLease(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.leading) {
      this.leading = false;
      await this.options.follow();
    }
    this.lease?.close();
    this.lease = undefined;
  }

  /** Stops announcing and hearing changes (once this controller serves no more). */
  stopListening(): void {
    this.stopped = true;
    this.core.ctx.announce = undefined;
    this.listener?.close();
    this.listener = undefined;
  }
}
