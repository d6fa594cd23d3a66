/**
 * Translation between the domain's plain objects and the proto messages of `hostplane.v1`. Nothing
 * else. Values, conflicts and capability reports are translated by `@hostplane/shared` (the agent
 * and the CLI use the same functions).
 */
export { conflictToProto, reportFromProto, reportToProto, valueFromProto, valuesFromProto, valueToProto, valuesToProto } from '@hostplane/shared';
import { conflictToProto, formatSize, InvalidArgumentError, reportToProto, valuesFromProto, valuesToProto, type Value, type Values } from '@hostplane/shared';
import type { Value as ProtoValue } from '@hostplane/proto/hostplane/v1/values.js';
import { PlanKind, type Plan } from '@hostplane/proto/hostplane/v1/plan.js';
import { CustomerState, type Customer } from '@hostplane/proto/hostplane/v1/customer.js';
import { HostState, type Host } from '@hostplane/proto/hostplane/v1/host.js';
import { ResellerState, type Reseller } from '@hostplane/proto/hostplane/v1/reseller.js';
import {
  SubscriptionState,
  SuspensionReason,
  SyncStatus,
  type Subscription,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import type { HostState as DomainHostState, PlanKind as DomainPlanKind, SuspensionReason as DomainReason, SyncStatus as DomainSync } from '../domain/index.js';
import type { CustomerView, HostView, PlanView, ResellerView, SubscriptionView } from '../usecases/index.js';

const PLAN_KINDS: Record<DomainPlanKind, PlanKind> = {
  service: PlanKind.PLAN_KIND_SERVICE,
  addon: PlanKind.PLAN_KIND_ADDON,
  reseller: PlanKind.PLAN_KIND_RESELLER,
};

export function planKindFromProto(k: PlanKind): DomainPlanKind | undefined {
  return (Object.entries(PLAN_KINDS) as [DomainPlanKind, PlanKind][]).find(([, v]) => v === k)?.[0];
}

export function planToProto(p: PlanView): Plan {
  return {
    name: p.name,
    kind: PLAN_KINDS[p.kind],
    values: valuesToProto(p.values),
    version: String(p.version),
    subscriptionCount: p.subscriptions,
    createdAt: new Date(p.createdAt),
    updatedAt: new Date(p.updatedAt),
    ...(p.reseller !== null ? { reseller: p.reseller } : {}),
  };
}

export function customerToProto(c: CustomerView): Customer {
  return {
    login: c.login,
    displayName: c.displayName,
    email: c.email,
    state: c.state === 'active' ? CustomerState.CUSTOMER_STATE_ACTIVE : CustomerState.CUSTOMER_STATE_SUSPENDED,
    subscriptionCount: c.subscriptions,
    createdAt: new Date(c.createdAt),
    ...(c.reseller !== null ? { reseller: c.reseller } : {}),
  };
}

const SYNC: Record<DomainSync, SyncStatus> = {
  synced: SyncStatus.SYNC_STATUS_SYNCED,
  unsynced: SyncStatus.SYNC_STATUS_UNSYNCED,
  locked: SyncStatus.SYNC_STATUS_LOCKED,
  custom: SyncStatus.SYNC_STATUS_CUSTOM,
};
const REASONS: Record<DomainReason, SuspensionReason> = {
  manual: SuspensionReason.SUSPENSION_REASON_MANUAL,
  expired: SuspensionReason.SUSPENSION_REASON_EXPIRED,
  customer: SuspensionReason.SUSPENSION_REASON_CUSTOMER,
  overuse: SuspensionReason.SUSPENSION_REASON_OVERUSE,
};

export function syncStatusFromProto(s: SyncStatus): DomainSync | undefined {
  return (Object.entries(SYNC) as [DomainSync, SyncStatus][]).find(([, v]) => v === s)?.[0];
}

export function subscriptionToProto(s: SubscriptionView, fingerprint: string, full = true): Subscription {
  return {
    name: s.name,
    displayName: s.displayName,
    customer: s.customer,
    plan: s.plan ?? '',
    addons: s.addons,
    host: s.host,
    syncStatus: SYNC[s.syncStatus],
    state: s.state === 'active' ? SubscriptionState.SUBSCRIPTION_STATE_ACTIVE : SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED,
    suspensionReasons: s.suspensionReasons.map((r) => REASONS[r]),
    planValues: full ? valuesToProto(s.planValues) : {},
    desiredValues: full ? valuesToProto(s.desiredValues) : {},
    providedValues: full ? valuesToProto(s.providedValues) : {},
    ownValues: full ? valuesToProto(s.ownValues) : {},
    subscriberValues: full ? valuesToProto(s.subscriberValues) : {},
    conflicts: full ? s.conflicts.map(conflictToProto) : [],
    conflictsFingerprint: fingerprint,
    generation: String(s.generation),
    appliedGeneration: String(s.appliedGeneration),
    expiresAt: s.expiresAt ? new Date(s.expiresAt) : undefined,
    applyError: s.applyError ?? '',
    systemUser: s.systemUser ?? '',
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(s.updatedAt),
    usage: s.usage
      ? {
          diskBytes: String(s.usage.diskBytes),
          trafficBytes: String(s.usage.trafficBytes),
          measuredAt: new Date(s.usage.measuredAt),
          diskLimit: limitText(s.usage.diskLimit),
          trafficLimit: limitText(s.usage.trafficLimit),
          overused: s.usage.overused,
        }
      : undefined,
    certificate: {
      status: s.certificate.status,
      names: [...s.certificate.names],
      notAfter: s.certificate.notAfter ? new Date(s.certificate.notAfter) : undefined,
      issuer: s.certificate.issuer ?? '',
      error: s.certificate.error ?? '',
    },
  };
}

/** A size limit as shown: `10G`, or `unlimited`. */
function limitText(v: Value): string {
  return typeof v === 'number' ? formatSize(v) : String(v);
}

const HOST_STATES: Record<DomainHostState, HostState> = {
  ready: HostState.HOST_STATE_READY,
  unknown: HostState.HOST_STATE_UNKNOWN,
  maintenance: HostState.HOST_STATE_MAINTENANCE,
  incompatible: HostState.HOST_STATE_INCOMPATIBLE,
};

export function hostStateFromProto(s: HostState): DomainHostState | undefined {
  return (Object.entries(HOST_STATES) as [DomainHostState, HostState][]).find(([, v]) => v === s)?.[0];
}

export function hostToProto(h: HostView, connected = false): Host {
  return {
    name: h.name,
    state: HOST_STATES[h.state],
    connected,
    lastHeartbeatAt: h.lastHeartbeatAt ? new Date(h.lastHeartbeatAt) : undefined,
    capabilities: reportToProto(h.report),
    revision: String(h.revision),
    observedRevision: String(h.observedRevision),
    agentVersion: h.agentVersion ?? '',
    protocolVersion: h.protocolVersion ?? 0,
    subscriptionCount: h.subscriptions,
    failingSubscriptionCount: h.failingSubscriptions,
    createdAt: new Date(h.createdAt),
    credentialIssuedAt: h.credentialIssuedAt ? new Date(h.credentialIssuedAt) : undefined,
    controller: connected ? (h.controller ?? '') : '',
  };
}

export function resellerToProto(r: ResellerView): Reseller {
  return {
    login: r.login,
    displayName: r.displayName,
    email: r.email,
    plan: r.plan,
    state: r.state === 'active' ? ResellerState.RESELLER_STATE_ACTIVE : ResellerState.RESELLER_STATE_SUSPENDED,
    syncStatus: SYNC[r.syncStatus],
    planValues: valuesToProto(r.planValues),
    ownValues: valuesToProto(r.ownValues ?? {}),
    effectiveValues: valuesToProto(r.effectiveValues),
    allocation: valuesToProto(r.allocation),
    conflicts: r.conflicts.map(conflictToProto),
    customerCount: r.customers,
    planCount: r.plans,
    subscriptionCount: r.subscriptions,
    createdAt: new Date(r.createdAt),
  };
}

/**
 * An enum filter of a request: unset (0) is no filter; a known value its domain word; anything
 * else INVALID_ARGUMENT naming the field — never silently ignored (a typo would list everything).
 */
export function enumFilter<T>(value: number, fromProto: (v: number) => T | undefined, field: string): T | undefined {
  if (value === 0) return undefined;
  const known = fromProto(value);
  if (known === undefined) throw new InvalidArgumentError(field, `${field}: ${value} is not a known value`);
  return known;
}

/**
 * Property values of a request, strictly: a value without a kind, or a key the decoder could not
 * keep (`__proto__`), is refused naming the field instead of being dropped.
 */
export function requestValues(values: { [key: string]: ProtoValue } | undefined, field: string): Values {
  if (values && Object.getPrototypeOf(values) !== Object.prototype) {
    throw new InvalidArgumentError(field, `${field}: '__proto__' is not a property key`);
  }
  for (const [key, v] of Object.entries(values ?? {})) {
    if (!v?.kind) throw new InvalidArgumentError(`${field}.${key}`, `${field}.${key}: the value is empty (no kind set)`);
  }
  return valuesFromProto(values);
}

export function subscriptionStateFromProto(s: SubscriptionState): 'active' | 'suspended' | undefined {
  return s === SubscriptionState.SUBSCRIPTION_STATE_ACTIVE ? 'active' : s === SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED ? 'suspended' : undefined;
}
