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
  /** A connected agent whose credential is older than this gets a new one. */
  readonly credentialMaxAgeMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  livenessGraceMs: 90_000,
  eventRetentionMs: 7 * 86_400_000,
  publishing: false,
  credentialMaxAgeMs: 30 * 86_400_000,
};

export interface JobResult {
  readonly affected: number;
  readonly summary: string;
}

export interface JobContext {
  readonly core: ControllerCore;
  readonly settings: JobSettings;
  /** Asks connected agents to take a fresh snapshot (after a full resync). */
  readonly resendSnapshots?: () => void;
  /** The agents connected to this controller, and how to give one a new credential. */
  readonly agents?: { isConnected(host: string): boolean; rotateCredential(host: string): Promise<void> };
  /** Told of a rotation that did not complete (the agent keeps its current credential). */
  readonly onRotationFailed?: (host: string, err: Error) => void;
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
    description: 're-evaluate every subscription against its host, re-push the desired state, and apply the overuse policy again',
    run: ({ core, resendSnapshots }) => {
      const r = core.resyncAll();
      resendSnapshots?.();
      // Limits raised or lowered, policies changed, a new month: overuse is decided again.
      const overuse = core.recheckOveruse();
      return { affected: r.changed + overuse, summary: `re-evaluated ${r.subscriptions} subscription(s), ${r.changed} changed; overuse changed for ${overuse}` };
    },
  },
  credentials: {
    schedule: '0 41 3 * * *',
    jitterMs: 20 * 60_000,
    description: 'give connected agents whose credential is older than 30 days a new one, over their stream',
    run: ({ core, settings, agents, onRotationFailed }) => {
      const due = core.credentialsDue(settings.credentialMaxAgeMs).filter((h) => agents?.isConnected(h.name));
      for (const h of due) void agents!.rotateCredential(h.name).catch((err: Error) => onRotationFailed?.(h.name, err));
      return { affected: due.length, summary: due.length ? `new credentials sent to: ${due.map((h) => h.name).join(', ')}` : 'no connected agent holds a credential due for rotation' };
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
