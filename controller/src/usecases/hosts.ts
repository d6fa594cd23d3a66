/**
 * Hosts: the capability reports agents send, and host states. A changed report re-evaluates every
 * subscription on the host: unsynced ones whose conflicts vanished become synced by
 * themselves, synced ones whose component disappeared become unsynced.
 */
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  compareComponents,
  isComponentName,
  reportsEqual,
  validateHostName,
  type CapabilityReport,
  type Component,
} from '@hostplane/shared';
import { HOST_STATES, nextHostState, operatorSignal, type HostState } from '../domain/index.js';
import { RevisionBumper, type Context } from './context.js';
import { findHost } from './lookup.js';
import { reevaluateRows, type Outcome } from './reevaluate.js';
import { hostView, type HostView } from './views.js';

/** Validates a report and puts it in a canonical form, so that an unchanged report compares equal. */
export function canonicalReport(report: CapabilityReport): CapabilityReport {
  const components: Component[] = [];
  for (const [i, c] of (report.components ?? []).entries()) {
    if (!isComponentName(c.name)) throw new InvalidArgumentError(`components[${i}].name`, `unknown component '${c.name}'`);
    components.push({ name: c.name, ...(c.version ? { version: c.version } : {}), ...(c.path ? { path: c.path } : {}) });
  }
  components.sort(compareComponents);
  const disk = report.disk;
  if (disk) {
    for (const f of ['totalBytes', 'freeBytes', 'allocatableBytes'] as const) {
      if (!Number.isFinite(disk[f]) || disk[f] < 0) throw new InvalidArgumentError(`disk.${f}`, `disk.${f} must be a number ≥ 0`);
    }
  }
  return {
    components,
    ...(disk ? { disk: { ...(disk.mount ? { mount: disk.mount } : {}), totalBytes: disk.totalBytes, freeBytes: disk.freeBytes, allocatableBytes: disk.allocatableBytes } } : {}),
    ...(report.os ? { os: report.os } : {}),
    ...(report.cpu ? { cpu: report.cpu } : {}),
    ...(report.memory ? { memory: report.memory } : {}),
  };
}

export interface ReportResult {
  readonly host: HostView;
  readonly created: boolean;
  /** The report differed from the stored one, and the host's subscriptions were re-evaluated. */
  readonly changed: boolean;
  readonly outcomes: Outcome[];
}

/** Records a host's capability report (creating the host on first report) and resyncs on change. */
export function reportCapabilities(ctx: Context, hostName: string, report: CapabilityReport): ReportResult {
  return ctx.tx(() => {
    const name = validateHostName(hostName ?? '');
    const canonical = canonicalReport(report);
    const json = JSON.stringify(canonical);
    const existing = ctx.hosts.byName(name);
    if (!existing) {
      const host = ctx.hosts.insert(name, 'ready', canonical, ctx.nowIso());
      ctx.record({ type: 'host.capabilities_changed', entity: name, data: { components: canonical.components.map((c) => c.name), disk: canonical.disk ?? null } });
      return { host: hostView(host, { subscriptions: 0, failing: 0 }), created: true, changed: true, outcomes: [] };
    }
    // Free disk moving by a few MiB is no change worth an event and a re-evaluation of every
    // subscription (`host detect` reports every time); the stored report stays the last one acted on.
    if (existing.report && reportsEqual(existing.report, canonical)) {
      return { host: hostView(ctx.hosts.byId(existing.id)!, ctx.subscriptions.countsOfHost(existing.id)), created: false, changed: false, outcomes: [] };
    }
    ctx.hosts.setReport(existing.id, json, ctx.nowIso());
    if (existing.reportJson === json) {
      return { host: hostView(ctx.hosts.byId(existing.id)!, ctx.subscriptions.countsOfHost(existing.id)), created: false, changed: false, outcomes: [] };
    }
    ctx.record({ type: 'host.capabilities_changed', entity: name, data: { components: canonical.components.map((c) => c.name), disk: canonical.disk ?? null } });
    const rows = ctx.subscriptions.bulkByHost(existing.id);
    const { outcomes } = reevaluateRows(ctx, rows, new RevisionBumper(ctx), { skipLocked: false });
    return { host: hostView(ctx.hosts.byId(existing.id)!, ctx.subscriptions.countsOfHost(existing.id)), created: false, changed: true, outcomes };
  });
}

/**
 * A connected agent's capability report, for its host by id: a host that was removed meanwhile is
 * not created again (NOT_FOUND); reports create hosts only through enrollment.
 */
export function reportHostCapabilities(ctx: Context, hostId: number, report: CapabilityReport): ReportResult {
  return ctx.tx(() => {
    const host = ctx.hosts.byId(hostId);
    if (!host) throw new NotFoundError('host', `#${hostId}`, 'this host was removed: enroll the agent again with a new join token');
    return reportCapabilities(ctx, host.name, report);
  });
}

export function getHost(ctx: Context, name: string): HostView {
  const h = findHost(ctx, name, 'name');
  return hostView(h, ctx.subscriptions.countsOfHost(h.id));
}

/** Every host, with its counts from two grouped queries (not two per host: fleets have 1,000 hosts). */
export function listHosts(ctx: Context): HostView[] {
  const counts = ctx.subscriptions.countsByHost();
  return ctx.hosts.list().map((h) => hostView(h, counts.get(h.id) ?? { subscriptions: 0, failing: 0 }));
}

/**
 * The operator's maintenance switch: `maintenance` puts the host in maintenance, `ready` takes it out
 * (a host not in maintenance stays as it is). `unknown` and `incompatible` are refused: liveness and
 * the agent's hello decide them.
 */
export function setHostState(ctx: Context, name: string, state: HostState): HostView {
  return ctx.tx(() => {
    if (!HOST_STATES.includes(state)) throw new InvalidArgumentError('state', `state: '${state}' is not one of ${HOST_STATES.join(', ')}`);
    const signal = operatorSignal(state);
    if (!signal) {
      throw new InvalidArgumentError('state', `state: '${state}' is not set by hand (the agent's liveness and hello decide it): set maintenance or ready`);
    }
    const h = findHost(ctx, name, 'name');
    const next = nextHostState(h.state, signal);
    if (next !== h.state) {
      ctx.hosts.setState(h.id, next);
      ctx.record({ type: 'host.state_changed', entity: h.name, data: { from: h.state, to: next } });
    }
    return getHost(ctx, h.name);
  });
}

/** Removes a host that carries no subscriptions. */
export function removeHost(ctx: Context, name: string): void {
  ctx.tx(() => {
    const h = findHost(ctx, name, 'name');
    const n = ctx.subscriptions.countByHost(h.id);
    if (n > 0) throw new FailedPreconditionError(`host '${h.name}' still carries ${n} subscription(s)`);
    ctx.hosts.delete(h.id);
    ctx.record({ type: 'host.removed', entity: h.name, data: {} });
  });
}
