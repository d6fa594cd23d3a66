/**
 * Detection as a runnable: once at start, then on a node-cron schedule and on request. It keeps the
 * latest report; whoever listens (the session) hears of each report and decides what to send.
 */
import { highestPhpVersion, majorMinor, type CapabilityReport } from '@hostplane/shared';
import { schedule } from 'node-cron';
import type { Logger } from 'pino';
import { detectCapabilities, type DiskReserve } from './detect/index.js';
import type { Finding } from './detect/detector.js';

export interface DetectionOptions {
  readonly vhostsRoot: string;
  readonly probePath?: readonly string[] | undefined;
  readonly reserve?: DiskReserve | undefined;
  /** node-cron expression (with seconds). */
  readonly schedule: string;
}

export class DetectionLoop {
  private latest: CapabilityReport | undefined;
  /** Each detector's last good finding: what a detector that fails once in a while still says. */
  private readonly lastGood = new Map<string, Finding>();
  private readonly listeners = new Set<(report: CapabilityReport) => void>();

  constructor(
    private readonly opts: DetectionOptions,
    private readonly log: Logger,
  ) {}

  /** The latest report; undefined before the first detection. */
  get report(): CapabilityReport | undefined {
    return this.latest;
  }

  /** X.Y of the highest PHP installed (what an unset `hosting.php_version` means here). */
  highestPhp(): string | undefined {
    return this.latest ? highestPhpVersion(this.latest) : undefined;
  }

  /** X.Y of every php-fpm installed. */
  fpmVersions(): string[] {
    const versions = (this.latest?.components ?? []).filter((c) => c.name === 'php-fpm').map((c) => majorMinor(c.version));
    return [...new Set(versions.filter((v): v is string => v !== undefined))];
  }

  /** The quota tools and the vhosts mount, when the latest report has user quotas (`quota`). */
  quotaTarget(): { setquota: string; mount: string } | undefined {
    const tools = this.latest?.components.find((c) => c.name === 'quota');
    const mount = this.latest?.disk?.mount;
    return tools?.path && mount ? { setquota: tools.path, mount } : undefined;
  }

  /** Hears of every scheduled detection's report. */
  onReport(listener: (report: CapabilityReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Detects now and keeps the report. */
  async detect(): Promise<CapabilityReport> {
    const started = performance.now();
    const report = await detectCapabilities({
      vhostsRoot: this.opts.vhostsRoot,
      probePath: this.opts.probePath,
      reserve: this.opts.reserve,
      lastGood: this.lastGood,
      onError: (detector, err) =>
        this.log.warn({ component: 'detect', detector, err: (err as Error).message, kept: this.lastGood.has(detector) }, 'detector failed twice; its last good finding stands'),
    });
    this.log.debug({ component: 'detect', ms: Math.round(performance.now() - started), components: report.components.length }, 'detected');
    this.latest = report;
    return report;
  }

  /** Runs the schedule until `signal` aborts (detect once first, with `detect()`). */
  async start(signal: AbortSignal): Promise<void> {
    const task = schedule(this.opts.schedule, () => void this.scheduled(), { name: 'detect', noOverlap: true });
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await task.stop();
  }

  private async scheduled(): Promise<void> {
    try {
      const report = await this.detect();
      for (const l of this.listeners) l(report);
    } catch (err) {
      this.log.warn({ component: 'detect', err: (err as Error).message }, 'detection failed');
    }
  }
}
