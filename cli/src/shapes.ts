/**
 * The `--json` shapes of the CLI: plain JSON for tools, not the proto's. Enums are
 * lower-case words (`synced`, `active`, `addon`), value maps hold plain values keyed by property key
 * (values.ts), int64 fields are numbers when safe, times are ISO 8601 strings or null, and an absent
 * plan is null.
 */
import type { CapabilityReport } from '@hostplane/proto/hostplane/v1/capability.js';
import { customerStateToJSON, type Customer, type CustomerState } from '@hostplane/proto/hostplane/v1/customer.js';
import type { Event } from '@hostplane/proto/hostplane/v1/event.js';
import { hostStateToJSON, type Host, type HostState, type JoinToken } from '@hostplane/proto/hostplane/v1/host.js';
import { planKindToJSON, type Plan, type PlanKind, type SyncSummary } from '@hostplane/proto/hostplane/v1/plan.js';
import {
  subscriptionStateToJSON,
  suspensionReasonToJSON,
  syncStatusToJSON,
  type Subscription,
  type SubscriptionState,
  type SuspensionReason,
  type SyncStatus,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import { resellerStateToJSON, type Reseller, type ResellerState } from '@hostplane/proto/hostplane/v1/reseller.js';
import type { Conflict } from '@hostplane/proto/hostplane/v1/values.js';
import { enumWord, int64Json, isoTime } from './output.js';
import { toJsonValue, toJsonValues } from './values.js';

export const planKindWord = (k: PlanKind) => enumWord(planKindToJSON(k), 'PLAN_KIND_');
export const customerStateWord = (s: CustomerState) => enumWord(customerStateToJSON(s), 'CUSTOMER_STATE_');
export const syncStatusWord = (s: SyncStatus) => enumWord(syncStatusToJSON(s), 'SYNC_STATUS_');
export const subscriptionStateWord = (s: SubscriptionState) => enumWord(subscriptionStateToJSON(s), 'SUBSCRIPTION_STATE_');
export const reasonWord = (r: SuspensionReason) => enumWord(suspensionReasonToJSON(r), 'SUSPENSION_REASON_');
export const resellerStateWord = (s: ResellerState) => enumWord(resellerStateToJSON(s), 'RESELLER_STATE_');
export const hostStateWord = (s: HostState) => enumWord(hostStateToJSON(s), 'HOST_STATE_');

export function planJson(plan: Plan) {
  return {
    name: plan.name,
    kind: planKindWord(plan.kind),
    values: toJsonValues(plan.values),
    version: int64Json(plan.version),
    subscriptionCount: plan.subscriptionCount,
    createdAt: isoTime(plan.createdAt),
    updatedAt: isoTime(plan.updatedAt),
    reseller: plan.reseller ?? null,
  };
}

export function conflictJson(c: Conflict) {
  return {
    property: c.property,
    planValue: toJsonValue(c.planValue),
    availableValue: toJsonValue(c.availableValue),
    reason: c.reason,
  };
}

export function summaryJson(s: SyncSummary) {
  return {
    syncedCount: s.syncedCount,
    unsyncedCount: s.unsyncedCount,
    skippedLockedCount: s.skippedLockedCount,
    unsynced: s.unsynced.map((u) => ({ name: u.name, conflicts: u.conflicts.map(conflictJson) })),
    skippedLocked: s.skippedLocked,
  };
}

export function customerJson(c: Customer) {
  return {
    login: c.login,
    displayName: c.displayName,
    email: c.email,
    state: customerStateWord(c.state),
    subscriptionCount: c.subscriptionCount,
    createdAt: isoTime(c.createdAt),
    reseller: c.reseller ?? null,
  };
}

/** A subscription; `full` adds the value maps (left out of basic listings, where they are empty). */
export function subscriptionJson(s: Subscription, full = true) {
  const basic = {
    name: s.name,
    displayName: s.displayName,
    customer: s.customer,
    plan: s.plan === '' ? null : s.plan,
    addons: s.addons,
    host: s.host === '' ? null : s.host,
    syncStatus: syncStatusWord(s.syncStatus),
    state: subscriptionStateWord(s.state),
    suspensionReasons: s.suspensionReasons.map(reasonWord),
    expiresAt: isoTime(s.expiresAt),
    generation: int64Json(s.generation),
    appliedGeneration: int64Json(s.appliedGeneration),
    applyError: s.applyError === '' ? null : s.applyError,
    systemUser: s.systemUser === '' ? null : s.systemUser,
    createdAt: isoTime(s.createdAt),
    updatedAt: isoTime(s.updatedAt),
    usage: s.usage
      ? {
          diskBytes: int64Json(s.usage.diskBytes),
          trafficBytes: int64Json(s.usage.trafficBytes),
          measuredAt: isoTime(s.usage.measuredAt),
          diskLimit: s.usage.diskLimit,
          trafficLimit: s.usage.trafficLimit,
          overused: s.usage.overused,
        }
      : null,
    certificate: {
      status: s.certificate?.status ?? 'none',
      names: s.certificate?.names ?? [],
      notAfter: isoTime(s.certificate?.notAfter),
      issuer: s.certificate?.issuer || null,
      error: s.certificate?.error || null,
    },
  };
  if (!full) return basic;
  return {
    ...basic,
    planValues: toJsonValues(s.planValues),
    desiredValues: toJsonValues(s.desiredValues),
    providedValues: toJsonValues(s.providedValues),
    ownValues: toJsonValues(s.ownValues),
    subscriberValues: toJsonValues(s.subscriberValues),
    conflicts: s.conflicts.map(conflictJson),
    conflictsFingerprint: s.conflictsFingerprint === '' ? null : s.conflictsFingerprint,
  };
}

export function capabilitiesJson(r: CapabilityReport | undefined) {
  if (!r) return null;
  return {
    components: r.components.map((c) => ({ name: c.name, version: c.version, path: c.path })),
    disk: r.disk
      ? {
          mount: r.disk.mount,
          totalBytes: int64Json(r.disk.totalBytes),
          freeBytes: int64Json(r.disk.freeBytes),
          allocatableBytes: int64Json(r.disk.allocatableBytes),
        }
      : null,
    os: r.os ?? null,
    cpu: r.cpu ?? null,
    memory: r.memory ? { totalBytes: int64Json(r.memory.totalBytes) } : null,
    detectedAt: isoTime(r.detectedAt),
  };
}

/** `revision - observedRevision`, exactly (int64 strings). */
export function syncLag(h: Host): number | string {
  return int64Json((BigInt(h.revision || '0') - BigInt(h.observedRevision || '0')).toString());
}

export function hostJson(h: Host) {
  return {
    name: h.name,
    state: hostStateWord(h.state),
    connected: h.connected,
    controller: h.controller || null,
    lastHeartbeatAt: isoTime(h.lastHeartbeatAt),
    revision: int64Json(h.revision),
    observedRevision: int64Json(h.observedRevision),
    syncLag: syncLag(h),
    agentVersion: h.agentVersion,
    protocolVersion: h.protocolVersion,
    subscriptionCount: h.subscriptionCount,
    failingSubscriptions: h.failingSubscriptionCount,
    createdAt: isoTime(h.createdAt),
    credentialIssuedAt: isoTime(h.credentialIssuedAt),
    capabilities: capabilitiesJson(h.capabilities),
  };
}

export function joinTokenJson(t: JoinToken) {
  return {
    id: t.id,
    createdAt: isoTime(t.createdAt),
    expiresAt: isoTime(t.expiresAt),
    usedAt: isoTime(t.usedAt),
    host: t.host === '' ? null : t.host,
  };
}

export function eventJson(e: Event) {
  return {
    id: int64Json(e.id),
    type: e.type,
    entityName: e.entityName,
    time: isoTime(e.time),
    actor: e.actor,
    onBehalfOf: e.onBehalfOf === '' ? null : e.onBehalfOf,
    data: e.data ?? {},
    parked: e.parked === '' ? null : e.parked,
  };
}

export function resellerJson(r: Reseller) {
  return {
    login: r.login,
    displayName: r.displayName,
    email: r.email,
    plan: r.plan,
    state: resellerStateWord(r.state),
    syncStatus: syncStatusWord(r.syncStatus),
    planValues: toJsonValues(r.planValues),
    ownValues: Object.keys(r.ownValues).length > 0 ? toJsonValues(r.ownValues) : null,
    effectiveValues: toJsonValues(r.effectiveValues),
    allocation: toJsonValues(r.allocation),
    conflicts: r.conflicts.map(conflictJson),
    customerCount: r.customerCount,
    planCount: r.planCount,
    subscriptionCount: r.subscriptionCount,
    createdAt: isoTime(r.createdAt),
  };
}
