/** Runs the controller's jobs on their schedules (node-cron), logging what each did. */
import { schedule, type ScheduledTask } from 'node-cron';
import { JOBS, type JobContext } from './jobs.js';
import type { Logger } from './logger.js';

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly jobs: JobContext,
    private readonly log: Logger,
  ) {}

  /** Runs a job now; errors are logged, never thrown into the timer. */
  runNow(name: string): void {
    const job = JOBS[name];
    if (!job) return;
    const started = performance.now();
    try {
      const result = job.run(this.jobs);
      const level = result.affected > 0 ? 'info' : 'debug';
      this.log[level]({ component: 'scheduler', job: name, affected: result.affected, ms: Math.round(performance.now() - started) }, result.summary);
    } catch (err) {
      this.log.error({ component: 'scheduler', job: name, err }, 'job failed');
    }
  }

  start(): void {
    for (const [name, job] of Object.entries(JOBS)) {
      this.tasks.push(
        schedule(job.schedule, () => this.runNow(name), { name, noOverlap: true, maxRandomDelay: job.jitterMs || undefined, unref: true }),
      );
    }
    this.log.info({ component: 'scheduler', jobs: Object.keys(JOBS) }, 'scheduler started');
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.splice(0).map((t) => t.stop()));
  }
}
