/**
 * What agents measure of their sites (disk, traffic this month), and the overuse policy applied to
 * it (the rule is the domain's: `applyOverusePolicy`). An agent reports only for the subscriptions
 * placed on its own host; anything else it names is ignored.
 */
import { clipApplyError } from '@hostplane/shared';
import { applyOverusePolicy, overusePolicy } from '../domain/index.js';
import { editable, formatReasons, type MeasuredUsage, type SubscriptionRecord } from '../store/index.js';
import { RevisionBumper, type Context } from './context.js';
import { save } from './persist.js';

export interface UsageReport {
  readonly name: string;
  readonly diskBytes: number;
  readonly trafficBytes: number;
  readonly trafficMonth: string;
  readonly measuredAt: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const valid = (u: UsageReport) =>
  Number.isSafeInteger(u.diskBytes) && u.diskBytes >= 0 && Number.isSafeInteger(u.trafficBytes) && u.trafficBytes >= 0 && MONTH.test(u.trafficMonth);

/** Traffic counts for the current month only: a count of an earlier month is 0 now. */
export function current(u: MeasuredUsage, month: string): MeasuredUsage {
  return u.trafficMonth < month ? { ...u, trafficBytes: 0, trafficMonth: month } : u;
}

/** Records the usage an agent measured on its host; returns how many subscriptions it concerned. */
export function recordUsage(ctx: Context, hostId: number, reports: readonly UsageReport[]): number {
  return ctx.tx(() => {
    const bumper = new RevisionBumper(ctx);
    const month = ctx.nowIso().slice(0, 7);
    let n = 0;
    for (const u of reports) {
      const row = ctx.subscriptions.byName(u.name);
      // A month ahead of ours is a clock that is wrong somewhere: not recorded.
      if (!row || row.hostId !== hostId || !valid(u) || u.trafficMonth > month) continue;
      const usage = current({ diskBytes: u.diskBytes, trafficBytes: u.trafficBytes, trafficMonth: u.trafficMonth, measuredAt: ctx.nowIso() }, month);
      checkOveruse(ctx, row, usage, bumper);
      n++;
    }
    return n;
  });
}

/**
 * Applies the overuse policy to every measured subscription again: a limit raised, a policy
 * changed or a new month lifts (or sets) what the last measurement decided. Run with the resync.
 */
export function recheckOveruse(ctx: Context): number {
  return ctx.tx(() => {
    const bumper = new RevisionBumper(ctx);
    const month = ctx.nowIso().slice(0, 7);
    let changed = 0;
    for (const row of ctx.subscriptions.measured()) {
      if (checkOveruse(ctx, row, current(row.usage!, month), bumper)) changed++;
    }
    return changed;
  });
}

/** Stores `usage` for `row` and applies the policy; true when its overuse or state changed. */
function checkOveruse(ctx: Context, row: SubscriptionRecord, usage: MeasuredUsage, bumper: RevisionBumper): boolean {
  const o = applyOverusePolicy({ overused: row.overused, reasons: row.suspensionReasons }, row.providedValues, usage);
  if (o.announce) {
    ctx.record({
      type: 'subscription.overused',
      entity: row.name,
      data: { exceeded: o.exceeded, diskBytes: usage.diskBytes, trafficBytes: usage.trafficBytes, policy: overusePolicy(row.providedValues) },
    });
  }
  const same = row.usage && row.usage.diskBytes === usage.diskBytes && row.usage.trafficBytes === usage.trafficBytes && row.usage.trafficMonth === usage.trafficMonth;
  if (!same || o.overused !== row.overused) ctx.subscriptions.recordUsage(row.id, same ? row.usage! : usage, o.overused);
  if (formatReasons(o.reasons) === formatReasons(row.suspensionReasons)) return o.overused !== row.overused;
  const d = editable(row);
  d.suspensionReasons = o.reasons;
  save(ctx, row, d, bumper);
  return true;
}

export interface CertificateReport {
  readonly name: string;
  readonly status: string;
  readonly names: readonly string[];
  readonly notAfter: string | null;
  readonly issuer: string;
  readonly error: string;
}

/**
 * Records the certificate status an agent reports for the subscriptions of its own host (others,
 * and malformed reports, are ignored); returns how many it concerned.
 */
export function recordCertificates(ctx: Context, hostId: number, reports: readonly CertificateReport[]): number {
  return ctx.tx(() => {
    let n = 0;
    for (const c of reports) {
      const row = ctx.subscriptions.byName(c.name);
      if (!row || row.hostId !== hostId) continue;
      if ((c.status !== 'valid' && c.status !== 'failed') || c.names.length > 2 || c.names.some((x) => x.length > 253)) continue;
      ctx.subscriptions.setCertificate(row.id, {
        status: c.status,
        names: [...c.names],
        notAfter: c.notAfter,
        issuer: c.issuer.slice(0, 200),
        error: c.error === '' ? null : clipApplyError(c.error),
      });
      n++;
    }
    return n;
  });
}
