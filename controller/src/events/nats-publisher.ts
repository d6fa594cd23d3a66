/**
 * Publishes the event outbox to NATS JetStream: stream `HOSTPLANE_EVENTS`, subjects
 * `hostplane.events.<entity>.<change>`, message id = event id, so JetStream drops a duplicate sent
 * again after a crash or a lost ack. Events go in id order and are marked delivered only after the
 * server's ack; while NATS is down the controller keeps working and the backlog drains on return.
 */
import { connect, InvalidArgumentError, nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { EVENT_SUBJECTS, eventEntity, eventSubject } from '@hostplane/shared';
import type { ControllerCore } from '../core.js';
import type { Logger } from '../logger.js';
import type { EventRecord } from '../store/index.js';

export const STREAM = 'HOSTPLANE_EVENTS';
const BATCH = 256;
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** The JSON body of a published event. */
export function eventBody(e: EventRecord): string {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    entity: eventEntity(e.type),
    entityName: e.entityName,
    time: e.time,
    actor: e.actor,
    onBehalfOf: e.onBehalfOf,
    data: e.data,
  });
}

/**
 * Why NATS refuses this event whatever the retries (larger than the server's max_payload, or than
 * the stream's largest message); undefined for errors of the server or connection, which pass.
 */
export function refusedForItself(err: unknown): string | undefined {
  if (err instanceof InvalidArgumentError && /max_payload/.test(err.message)) return `larger than the NATS server's max_payload`;
  if (err instanceof JetStreamApiError && (err.code === 10054 || /message size/i.test(err.message))) {
    return `refused by the ${STREAM} stream: ${err.message}`;
  }
  return undefined;
}

export class NatsPublisher {
  private running = false;
  private wake: (() => void) | null = null;
  private nc: NatsConnection | null = null;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Events delivered since start (for logs and tests). */
  delivered = 0;
  /** Events set aside since start. */
  parked = 0;

  constructor(
    private readonly core: ControllerCore,
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.core.onEvents(() => this.poke());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.poke();
    await this.nc?.close().catch(() => undefined);
    await this.loop;
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (this.running) {
      try {
        const js = await this.ready();
        backoff = 500;
        await this.drain(js);
        if (this.running) await this.sleep(1000);
      } catch (err) {
        if (!this.running) break;
        this.log.warn({ component: 'nats', url: this.url, err: (err as Error).message, backlog: this.core.eventBacklog() }, 'NATS unavailable; events stay in the outbox');
        await this.nc?.close().catch(() => undefined);
        this.nc = null;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private async ready(): Promise<JetStreamClient> {
    if (!this.nc || this.nc.isClosed()) {
      this.nc = await connect({ servers: this.url, name: 'hostplane-controller', reconnect: false, timeout: 2000 });
      const jsm = await jetstreamManager(this.nc);
      try {
        await jsm.streams.info(STREAM);
      } catch {
        await jsm.streams.add({ name: STREAM, subjects: [EVENT_SUBJECTS], duplicate_window: nanos(DUPLICATE_WINDOW_MS) });
      }
      this.log.info({ component: 'nats', url: this.url, stream: STREAM }, 'publishing events to NATS JetStream');
    }
    return jetstream(this.nc, { timeout: 5000 });
  }

  private async drain(js: JetStreamClient): Promise<void> {
    for (;;) {
      if (!this.running) return;
      const batch = this.core.unpublishedEvents(BATCH);
      if (batch.length === 0) return;
      for (const e of batch) {
        try {
          await js.publish(eventSubject(e.type), eventBody(e), { msgID: String(e.id) });
        } catch (err) {
          const reason = refusedForItself(err);
          if (reason === undefined) throw err; // the server or the connection: retried, in order
          // Retrying would stall every event after it forever: set it aside, kept and listed.
          this.core.parkEvent(e.id, reason);
          this.parked++;
          this.log.warn({ component: 'nats', event: e.id, type: e.type, reason }, 'event set aside: NATS refuses it (hostplane events --parked)');
          continue;
        }
        this.core.markEventPublished(e.id);
        this.delivered++;
      }
    }
  }
}
