/**
 * The controller's jobs: each idempotent, run by the scheduler and on demand
 * (`hostplane job run <name>`).
 */
import type { ControllerCore } from './core.js';

export interface JobSettings {
  /** A host silent for longer than this becomes `unknown`. */
  readonly livenessGraceMs: number;
  /** Events older than this are trimmed. */
  readonly eventRetentionMs: number;
  /** Whether a NATS publisher delivers events (then only delivered ones are trimmed). */
  readonly publishing: boolean;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { livenessGraceMs: 90_000, eventRetentionMs: 7 * 86_400_000, publishing: false };

export interface JobResult {
  readonly affected: number;
  readonly summary: string;
}

export interface JobContext {
  readonly core: ControllerCore;
  readonly settings: JobSettings;
  /** Asks connected agents to take a fresh snapshot (after a full resync). */
  readonly resendSnapshots?: () => void;
}

export interface JobDef {
  /** node-cron expression (6 fields: with seconds). */
  readonly schedule: string;
  /** Random delay before a scheduled run, so that fleets of controllers do not beat in step. */
  readonly jitterMs: number;
  readonly description: string;
  run(ctx: JobContext): JobResult;
}

export const JOBS: Record<string, JobDef> = {
  expire: {
    schedule: '0 * * * * *',
    jitterMs: 0,
    description: 'suspend subscriptions past their expiry date (reason expired)',
    run: ({ core }) => {
      const names = core.expireDue();
      return { affected: names.length, summary: names.length ? `suspended as expired: ${names.join(', ')}` : 'no subscription newly expired' };
    },
  },
  liveness: {
    schedule: '*/15 * * * * *',
    jitterMs: 0,
    description: 'mark hosts silent past the grace period as unknown',
    run: ({ core, settings }) => {
      const names = core.markSilentHosts(settings.livenessGraceMs);
      return { affected: names.length, summary: names.length ? `now unknown: ${names.join(', ')}` : 'every ready host is alive' };
    },
  },
  resync: {
    schedule: '0 */15 * * * *',
    jitterMs: 60_000,
    description: 're-evaluate every subscription against its host and re-push the desired state',
    run: ({ core, resendSnapshots }) => {
      const r = core.resyncAll();
      resendSnapshots?.();
      return { affected: r.changed, summary: `re-evaluated ${r.subscriptions} subscription(s), ${r.changed} changed` };
    },
  },
  'events-gc': {
    schedule: '0 17 * * * *',
    jitterMs: 30_000,
    description: 'trim delivered events past the retention, and unused value sets',
    run: ({ core, settings }) => {
      const r = core.collectGarbage(settings.eventRetentionMs, settings.publishing);
      return { affected: r.events, summary: `trimmed ${r.events} event(s) and ${r.valueSets} unused value set(s)` };
    },
  },
};
