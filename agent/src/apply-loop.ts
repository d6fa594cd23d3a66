/**
 * The apply loop: holds the desired state the controller sent (a snapshot, then deltas) and keeps
 * the host converged to it. Level-triggered: each pass applies the whole desired state; changes
 * arriving during a pass are folded into one more pass; a pass in which some subscription failed
 * is followed by another after a backoff (min, doubling up to max, jittered) until none fails —
 * the cause fixed, the sites get their changes without anyone asking. `retryNow` (after
 * `host detect`, or a snapshot that `sub sync` pushed) skips the wait.
 */
import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import { applyDelta, desiredMap, type ApplyOutcome, type Applier, type DesiredDelta, type DesiredSubscription } from './realize/index.js';

/** `idle`: converged (or nothing received yet); `applying`: a pass runs; `waiting-retry`: some failed, a pass is due. */
export type ApplyLoopState = 'idle' | 'applying' | 'waiting-retry' | 'stopped';

export interface ApplyLoopOptions {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** Told of every pass's outcome (the session acknowledges it to the controller). */
  readonly onOutcome: (outcome: ApplyOutcome) => void;
}

export class ApplyLoop {
  private state: ApplyLoopState = 'idle';
  private desired = new Map<string, DesiredSubscription>();
  private revision = 0;
  /** A desired state arrived since start: there is something to apply. */
  private received = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly applier: Applier,
    private readonly opts: ApplyLoopOptions,
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(opts.retryMinMs, opts.retryMaxMs);
  }

  get current(): ApplyLoopState {
    return this.state;
  }

  /** The revision of the desired state held (the applied state's at start). */
  get desiredRevision(): number {
    return this.revision;
  }

  /** Starts from what the host last applied: its revision is what the agent reports in its hello. */
  async start(): Promise<void> {
    this.revision = (await this.applier.appliedState()).revision;
  }

  /** A full desired state: anything not in it is removed. */
  snapshot(revision: number, subscriptions: readonly DesiredSubscription[]): void {
    this.desired = desiredMap(subscriptions);
    this.revision = revision;
    this.received = true;
    this.backoff.reset();
    this.schedule();
  }

  delta(delta: DesiredDelta): void {
    this.desired = applyDelta(this.desired, delta);
    this.revision = delta.revision;
    this.received = true;
    this.schedule();
  }

  /** Applies again now, whatever the backoff said. */
  retryNow(): void {
    if (!this.received) return;
    this.backoff.reset();
    this.schedule();
  }

  get size(): number {
    return this.desired.size;
  }

  /** Waits for a running pass, then applies nothing more. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'stopped';
    await this.idle;
  }

  private schedule(): void {
    if (this.state === 'stopped') return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.state === 'applying') {
      this.again = true;
      return;
    }
    this.state = 'applying';
    this.idle = this.passes();
  }

  private async passes(): Promise<void> {
    let failed = 0;
    try {
      do {
        this.again = false;
        const outcome = await this.applier.apply({ revision: this.revision, subscriptions: [...this.desired.values()] });
        const failures = outcome.results.filter((r) => r.error);
        failed = failures.length;
        if (failed) this.log.warn({ component: 'realize', revision: outcome.revision, failed: failures.map((f) => ({ subscription: f.name, error: f.error })) }, 'some subscriptions failed to apply');
        this.opts.onOutcome(outcome);
      } while (this.again && (this.state as ApplyLoopState) !== 'stopped');
    } catch (err) {
      failed = 1;
      this.log.error({ component: 'realize', err: (err as Error).message }, 'cannot apply the desired state');
    }
    if ((this.state as ApplyLoopState) === 'stopped') return;
    if (failed === 0) {
      this.backoff.reset();
      this.state = 'idle';
      return;
    }
    const delay = this.backoff.next();
    this.log.info({ component: 'realize', failed, retryInMs: delay }, 'apply failed; retrying');
    this.state = 'waiting-retry';
    this.timer = setTimeout(() => this.schedule(), delay);
    this.timer.unref();
  }
}
