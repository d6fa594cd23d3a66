/**
 * Prometheus metrics on an HTTP `/metrics` endpoint (prom-client): subscriptions by sync status and
 * state, hosts by state, connected agents, event backlog, per-host sync lag, sync durations.
 */
import { HOST_STATES } from './domain/index.js';
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ControllerCore } from './core.js';

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly syncDuration: Histogram<'operation'>;
  readonly rpcErrors: Counter<'method' | 'code'>;

  constructor(core: ControllerCore, connectedAgents: () => number) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: 'hostplane_controller_' });
    new Gauge({
      name: 'hostplane_subscriptions',
      help: 'Subscriptions by sync status and state',
      labelNames: ['sync_status', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of core.subscriptionCounts()) this.set({ sync_status: r.sync_status, state: r.state }, r.n);
      },
    });
    new Gauge({
      name: 'hostplane_hosts',
      help: 'Hosts by state',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const state of HOST_STATES) this.set({ state }, 0);
        for (const h of core.listHosts()) this.inc({ state: h.state });
      },
    });
    new Gauge({
      name: 'hostplane_host_sync_lag',
      help: 'Revisions a host has not acknowledged yet (revision - observedRevision)',
      labelNames: ['host'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const h of core.listHosts()) this.set({ host: h.name }, Math.max(0, h.revision - h.observedRevision));
      },
    });
    new Gauge({
      name: 'hostplane_event_backlog',
      help: 'Events not yet delivered to NATS',
      registers: [registry],
      collect() {
        this.set(core.eventBacklog());
      },
    });
    // Usage by host, one gauge per figure of the same grouped query.
    const usageGauge = (name: string, help: string, figure: (u: ReturnType<ControllerCore['usageByHost']>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['host'] as const,
        registers: [registry],
        collect() {
          this.reset();
          const names = new Map(core.ctx.hosts.list().map((h) => [h.id, h.name] as const));
          for (const u of core.usageByHost()) this.set({ host: names.get(u.host_id) ?? String(u.host_id) }, figure(u));
        },
      });
    usageGauge('hostplane_usage_disk_bytes', "Disk used by the measured subscriptions of each host (their agents' last measurement)", (u) => u.disk);
    usageGauge('hostplane_usage_traffic_bytes', 'Traffic sent this month (UTC) for the measured subscriptions of each host', (u) => u.traffic);
    usageGauge('hostplane_subscriptions_overused', 'Subscriptions over limits.disk_space or limits.traffic, by host', (u) => u.overused);
    new Gauge({
      name: 'hostplane_events_parked',
      help: 'Events NATS refused for themselves (too large for the server), set aside: hostplane events --parked',
      registers: [registry],
      collect() {
        this.set(core.parkedEventCount());
      },
    });
    new Gauge({
      name: 'hostplane_agents_connected',
      help: 'Agents with an open Connect stream',
      registers: [registry],
      collect() {
        this.set(connectedAgents());
      },
    });
    this.syncDuration = new Histogram({
      name: 'hostplane_sync_duration_seconds',
      help: 'Time to re-evaluate and store the subscriptions affected by a change',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 1, 2, 5, 10],
      registers: [registry],
    });
    this.rpcErrors = new Counter({
      name: 'hostplane_rpc_errors_total',
      help: 'Admin and Agent RPCs that ended with an error, by method and gRPC code',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    });
    core.syncObserver = (operation, seconds) => this.syncDuration.observe({ operation }, seconds);
  }

  /** Serves `/metrics` on `HOST:PORT`; resolves with the bound port. */
  listen(host: string, port: number): Promise<{ server: Server; port: number }> {
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/metrics') {
        this.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(text);
          },
          (err: Error) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(err.message);
          },
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics\n');
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const addr = server.address();
        resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
      });
    });
  }
}
