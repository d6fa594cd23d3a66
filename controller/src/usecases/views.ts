/** What use cases return: plain objects with names (not ids), as the API and CLI show them. */
import { UNLIMITED, type CapabilityReport, type Value, type Values } from '@hostplane/shared';
import { stateOf, type Conflict, type HostState, type PlanKind, type SubscriptionState, type SuspensionReason, type SyncStatus } from '../domain/index.js';
import { type CustomerRecord, type HostCounts, type HostRecord, type PlanRecord, type ReportedCertificate, type SubscriptionRecord } from '../store/index.js';
import type { Context } from './context.js';
import { evaluateData, Lookups } from './reevaluate.js';
import { current } from './usage.js';

export interface PlanView {
  readonly name: string;
  readonly kind: PlanKind;
  readonly values: Values;
  readonly version: number;
  readonly subscriptions: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The reseller that owns the plan; null for the provider's plans. */
  readonly reseller: string | null;
}

export interface CustomerView {
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: 'active' | 'suspended';
  readonly subscriptions: number;
  readonly createdAt: string;
  /** The reseller that owns the customer; null for the provider's customers. */
  readonly reseller: string | null;
}

export interface HostView {
  readonly name: string;
  readonly state: HostState;
  readonly report: CapabilityReport | null;
  readonly lastHeartbeatAt: string | null;
  readonly revision: number;
  readonly observedRevision: number;
  readonly agentVersion: string | null;
  readonly protocolVersion: number | null;
  readonly subscriptions: number;
  /** Its subscriptions whose last apply failed (an apply error is pending; the agent retries). */
  readonly failingSubscriptions: number;
  readonly createdAt: string;
  /** When its agent's current credential was issued; null without an agent. */
  readonly credentialIssuedAt: string | null;
  /** The controller its agent is connected to; null when none. */
  readonly controller: string | null;
}

export interface SubscriptionView {
  readonly name: string;
  /** `example.com (Plan name)` or `example.com (Custom)`. */
  readonly displayName: string;
  readonly customer: string;
  readonly plan: string | null;
  readonly addons: string[];
  readonly host: string;
  readonly syncStatus: SyncStatus;
  readonly state: SubscriptionState;
  readonly suspensionReasons: SuspensionReason[];
  readonly expiresAt: string | null;
  readonly planValues: Values | null;
  readonly desiredValues: Values;
  readonly providedValues: Values;
  readonly ownValues: Values | null;
  readonly subscriberValues: Values;
  readonly conflicts: Conflict[];
  readonly generation: number;
  readonly appliedGeneration: number;
  readonly applyError: string | null;
  /** The system user its site runs as on its host, as the agent last reported it. */
  readonly systemUser: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** What it uses (as its agent last measured it), against its limits; null before a measurement. */
  readonly usage: UsageView | null;
  readonly certificate: CertificateView;
}

export interface CertificateView {
  readonly status: 'none' | 'pending' | 'valid' | 'failed';
  readonly names: readonly string[];
  readonly notAfter: string | null;
  readonly issuer: string | null;
  readonly error: string | null;
}

/** `none` without SSL; `pending` until its agent reported; else what it reported. */
function certificateView(name: string, provided: Values, suspended: boolean, reported: ReportedCertificate | null): CertificateView {
  const names = name.startsWith('www.') ? [name] : [name, `www.${name}`];
  if (provided['hosting.ssl'] !== true || provided['hosting.web'] === false) return { status: 'none', names: [], notAfter: null, issuer: null, error: null };
  if (!reported) return { status: suspended ? 'none' : 'pending', names, notAfter: null, issuer: null, error: null };
  return { status: reported.status, names: reported.names, notAfter: reported.notAfter, issuer: reported.issuer || null, error: reported.error };
}

export interface UsageView {
  readonly diskBytes: number;
  readonly trafficBytes: number;
  readonly measuredAt: string;
  readonly diskLimit: Value;
  readonly trafficLimit: Value;
  readonly overused: boolean;
}

export function displayName(name: string, planName: string | null): string {
  return `${name} (${planName ?? 'Custom'})`;
}

export function planView(p: PlanRecord, subscriptions: number, reseller: string | null = null): PlanView {
  return { name: p.name, kind: p.kind, values: p.values, version: p.version, subscriptions, createdAt: p.createdAt, updatedAt: p.updatedAt, reseller };
}

export function customerView(c: CustomerRecord, subscriptions: number, reseller: string | null = null): CustomerView {
  return { login: c.login, displayName: c.displayName, email: c.email, state: c.state, subscriptions, createdAt: c.createdAt, reseller };
}

/** The login of the reseller with this id; null for none (the provider). */
export function resellerLogin(ctx: Context, id: number | null): string | null {
  return id === null ? null : (ctx.resellers.byId(id)?.login ?? `#${id}`);
}

export function hostView(h: HostRecord, counts: HostCounts): HostView {
  return {
    name: h.name,
    state: h.state,
    report: h.report,
    lastHeartbeatAt: h.lastHeartbeatAt,
    revision: h.revision,
    observedRevision: h.observedRevision,
    agentVersion: h.agentVersion,
    protocolVersion: h.protocolVersion,
    subscriptions: counts.subscriptions,
    failingSubscriptions: counts.failing,
    createdAt: h.createdAt,
    credentialIssuedAt: h.credentialIssuedAt,
    controller: h.controller,
  };
}

/** Builds subscription views, resolving ids to names once per batch. */
export class SubscriptionViews {
  private readonly lookups: Lookups;
  private readonly planNames = new Map<number, string>();
  private readonly customerLogins = new Map<number, string>();
  private readonly hostNames = new Map<number, string>();

  constructor(private readonly ctx: Context) {
    this.lookups = new Lookups(ctx);
  }

  /**
   * `withDerived: false` skips re-evaluating the plan and desired values (left empty) — for basic
   * listings, which do not show them.
   */
  view(row: SubscriptionRecord, withDerived = true): SubscriptionView {
    const d = row;
    const evaluation = withDerived ? evaluateData(d, this.lookups) : { planValues: null, desiredValues: {} };
    const plan = d.planId === null ? null : this.planName(d.planId);
    return {
      name: d.name,
      displayName: displayName(d.name, plan),
      customer: this.name(this.customerLogins, d.customerId, (id) => this.ctx.customers.byId(id)?.login),
      plan,
      addons: d.addonIds.map((id) => this.planName(id)).sort(),
      host: this.name(this.hostNames, d.hostId, (id) => this.ctx.hosts.byId(id)?.name),
      syncStatus: d.syncStatus,
      state: stateOf(d.suspensionReasons),
      suspensionReasons: d.suspensionReasons,
      expiresAt: d.expiresAt,
      planValues: evaluation.planValues,
      desiredValues: evaluation.desiredValues,
      providedValues: d.providedValues,
      ownValues: d.ownValues,
      subscriberValues: d.subscriberValues,
      conflicts: d.conflicts,
      generation: d.generation,
      appliedGeneration: d.appliedGeneration,
      applyError: d.applyError,
      systemUser: d.systemUser,
      createdAt: d.createdAt,
      updatedAt: row.updatedAt,
      usage: row.usage && {
        diskBytes: row.usage.diskBytes,
        trafficBytes: current(row.usage, this.ctx.nowIso().slice(0, 7)).trafficBytes,
        measuredAt: row.usage.measuredAt,
        diskLimit: d.providedValues['limits.disk_space'] ?? UNLIMITED,
        trafficLimit: d.providedValues['limits.traffic'] ?? UNLIMITED,
        overused: row.overused,
      },
      certificate: certificateView(d.name, d.providedValues, d.suspensionReasons.length > 0, row.certificate),
    };
  }

  private planName(id: number): string {
    return this.name(this.planNames, id, (i) => this.ctx.plans.byId(i)?.name);
  }

  private name(memo: Map<number, string>, id: number, load: (id: number) => string | undefined): string {
    let n = memo.get(id);
    if (n === undefined) {
      n = load(id) ?? `#${id}`;
      memo.set(id, n);
    }
    return n;
  }
}
