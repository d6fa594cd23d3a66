/**
 * The controller core: every use case bound to one store — the one way into the use cases for the
 * gRPC handlers, the agent sessions and the scheduled jobs alike. It owns the store's connection.
 */
import type { CapabilityReport } from '@hostplane/shared';
import type { HostState } from './domain/index.js';
import { openDatabase, openPostgres, SqlStore, type Db } from './store/index.js';
import * as uc from './usecases/index.js';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export class ControllerCore {
  readonly ctx: uc.Context;
  /** Told how long each synchronization took (metrics). */
  syncObserver?: (operation: string, seconds: number) => void;

  constructor(db: Db, clock: uc.Clock = uc.systemClock) {
    this.ctx = new uc.Context(new SqlStore(db), clock);
  }

  /**
   * Opens (creating and migrating as needed) the store at `location`: a `postgres://` or
   * `postgresql://` URL for PostgreSQL, else the path of the SQLite file.
   */
  static open(location: string, clock?: uc.Clock): ControllerCore {
    return new ControllerCore(isPostgresUrl(location) ? openPostgres(location) : openDatabase(location), clock);
  }

  close(): void {
    this.ctx.store.close();
  }

  private timed<T>(operation: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.syncObserver?.(operation, (performance.now() - started) / 1000);
    }
  }

  // Plans
  createPlan = (input: uc.CreatePlanInput) => uc.createPlan(this.ctx, input);
  getPlan = (name: string) => uc.getPlan(this.ctx, name);
  listPlans = (kind?: string) => uc.listPlans(this.ctx, kind);
  updatePlan = (name: string, input: uc.UpdatePlanInput) =>
    input.dryRun ? uc.updatePlan(this.ctx, name, input) : this.timed('plan-update', () => uc.updatePlan(this.ctx, name, input));
  deletePlan = (name: string) => uc.deletePlan(this.ctx, name);

  // Customers
  createCustomer = (input: uc.CreateCustomerInput) => uc.createCustomer(this.ctx, input);
  getCustomer = (login: string) => uc.getCustomer(this.ctx, login);
  listCustomers = () => uc.listCustomers(this.ctx);
  suspendCustomer = (login: string) => uc.suspendCustomer(this.ctx, login);
  activateCustomer = (login: string) => uc.activateCustomer(this.ctx, login);
  deleteCustomer = (login: string) => uc.deleteCustomer(this.ctx, login);

  // Resellers
  createReseller = (input: uc.CreateResellerInput) => uc.createReseller(this.ctx, input);
  getReseller = (login: string) => uc.getReseller(this.ctx, login);
  listResellers = () => uc.listResellers(this.ctx);
  suspendReseller = (login: string) => uc.suspendReseller(this.ctx, login);
  activateReseller = (login: string) => uc.activateReseller(this.ctx, login);
  deleteReseller = (login: string) => uc.deleteReseller(this.ctx, login);
  switchResellerPlan = (login: string, plan: string) => uc.switchResellerPlan(this.ctx, login, plan);
  customizeReseller = (login: string, input: uc.CustomizeResellerInput) => uc.customizeReseller(this.ctx, login, input);
  unlockReseller = (login: string) => uc.unlockReseller(this.ctx, login);
  syncReseller = (login: string) => uc.syncReseller(this.ctx, login);
  createResellerToken = (login: string, name?: string) => uc.createResellerToken(this.ctx, login, name);
  acceptResellerValues = (login: string, fingerprint: string) => uc.acceptResellerValues(this.ctx, login, fingerprint);

  // Subscriptions
  createSubscription = (input: uc.CreateSubscriptionInput) => uc.createSubscription(this.ctx, input);
  getSubscription = (name: string) => uc.getSubscription(this.ctx, name);
  listSubscriptions = (filter?: uc.SubscriptionListFilter) => uc.listSubscriptions(this.ctx, filter);
  syncSubscription = (name: string) => uc.syncSubscription(this.ctx, name);
  acceptConflicts = (name: string, fingerprint: string) => uc.acceptConflicts(this.ctx, name, fingerprint);
  customizeSubscription = (name: string, input: uc.CustomizeInput) => uc.customizeSubscription(this.ctx, name, input);
  unlockSubscription = (name: string) => uc.unlockSubscription(this.ctx, name);
  switchPlan = (name: string, plan: string, dryRun = false) => uc.switchPlan(this.ctx, name, plan, dryRun);
  detachSubscription = (name: string) => uc.detachSubscription(this.ctx, name);
  addAddon = (name: string, addon: string) => uc.addAddon(this.ctx, name, addon);
  removeAddon = (name: string, addon: string) => uc.removeAddon(this.ctx, name, addon);
  suspendSubscription = (name: string) => uc.suspendSubscription(this.ctx, name);
  activateSubscription = (name: string) => uc.activateSubscription(this.ctx, name);
  renewSubscription = (name: string, expiresAt: string) => uc.renewSubscription(this.ctx, name, expiresAt);
  deleteSubscription = (name: string) => uc.deleteSubscription(this.ctx, name);
  expireDue = () => uc.expireDue(this.ctx);

  // Hosts
  /** Creates the host when new: for enrollment-like set-ups (tests, tools); agents report by id. */
  reportCapabilities = (host: string, report: CapabilityReport) => this.timed('capabilities', () => uc.reportCapabilities(this.ctx, host, report));
  /** A connected agent's report: never creates a host (a removed one stays removed). */
  reportHostCapabilities = (hostId: number, report: CapabilityReport) => this.timed('capabilities', () => uc.reportHostCapabilities(this.ctx, hostId, report));
  getHost = (name: string) => uc.getHost(this.ctx, name);
  listHosts = () => uc.listHosts(this.ctx);
  setHostState = (name: string, state: HostState) => uc.setHostState(this.ctx, name, state);
  removeHost = (name: string) => uc.removeHost(this.ctx, name);
  createJoinToken = (ttlSeconds?: number) => this.ctx.tx(() => uc.createJoinToken(this.ctx, ttlSeconds));
  listJoinTokens = (includeSpent: boolean) => uc.listJoinTokens(this.ctx, includeSpent);

  // API tokens
  listTokens = () => uc.listTokens(this.ctx);
  createToken = (input: uc.CreateTokenInput) => uc.createToken(this.ctx, input);
  revokeToken = (name: string) => uc.revokeToken(this.ctx, name);

  // Who calls
  ensureAdminToken = (secret: string) => this.ctx.tx(() => uc.ensureAdminToken(this.ctx, secret));
  authenticate = (token: string | undefined) => uc.authenticate(this.ctx, token);
  authenticateAgent = (credential: string | undefined) => uc.authenticateAgent(this.ctx, credential);
  /** A reseller's call: its reseller, once the call is known to touch only that reseller's own entities. */
  authorizeReseller = (login: string | null, method: string, request: unknown) => uc.authorizeReseller(this.ctx, login, method, request);
  /** Runs `fn` with `actor` recorded as the author of its events. */
  as = <T>(actor: uc.Actor, fn: () => T): T => this.ctx.as(actor, fn);

  // Agents (their sessions)
  enrollHost = (joinToken: string, hostName: string) => uc.enrollHost(this.ctx, joinToken, hostName);
  /** A move checked before content travels; the switch once the target holds it all. */
  planMove = (name: string, host: string, allowUnsynced: boolean) => uc.planMove(this.ctx, name, host, allowUnsynced);
  planDrain = (host: string) => uc.planDrain(this.ctx, host);
  drainTarget = (name: string, host: string) => uc.drainTarget(this.ctx, name, host);
  completeMove = (plan: uc.MovePlan, bytes: number) => this.timed('move', () => uc.completeMove(this.ctx, plan, bytes));
  /** Usage an agent measured on its host's subscriptions, and the overuse policy applied to it. */
  recordUsage = (hostId: number, reports: readonly uc.UsageReport[]) => this.timed('usage', () => uc.recordUsage(this.ctx, hostId, reports));
  /** Certificate status an agent reports for its host's subscriptions. */
  recordCertificates = (hostId: number, reports: readonly uc.CertificateReport[]) => uc.recordCertificates(this.ctx, hostId, reports);
  /** The overuse policy applied again to every measured subscription (limits and months change). */
  recheckOveruse = () => uc.recheckOveruse(this.ctx);
  usageByHost = () => this.ctx.subscriptions.usageByHost();
  beginCredentialRotation = (hostId: number) => uc.beginCredentialRotation(this.ctx, hostId);
  completeCredentialRotation = (hostId: number, savedHash?: string) => uc.completeCredentialRotation(this.ctx, hostId, savedHash);
  /** Enrolled hosts whose agent's credential is older than `maxAgeMs`. */
  credentialsDue = (maxAgeMs: number) => uc.credentialsIssuedBefore(this.ctx, new Date(this.ctx.clock.now().getTime() - maxAgeMs).toISOString());
  agentHello = (hostId: number, agentVersion: string, protocolVersion: number, controller?: string) => uc.agentHello(this.ctx, hostId, agentVersion, protocolVersion, controller);
  agentLeft = (hostId: number, controller: string) => uc.agentLeft(this.ctx, hostId, controller);
  controllerGone = (controller: string) => uc.controllerGone(this.ctx, controller);
  agentsAttached = (hostIds: readonly number[], controller: string) => uc.agentsAttached(this.ctx, hostIds, controller);
  connectedElsewhere = (h: { controller: string | null; lastHeartbeatAt: string | null }, self: string | undefined) => uc.connectedElsewhere(this.ctx, h, self);
  recordHeartbeat = (hostId: number) => uc.recordHeartbeat(this.ctx, hostId);
  recordAcks = (acks: readonly uc.Ack[]) => uc.recordAcks(this.ctx, acks);
  desiredState = (hostId: number, afterRevision: number) => uc.desiredState(this.ctx, hostId, afterRevision);

  // Jobs
  markSilentHosts = (graceMs: number) => uc.markSilentHosts(this.ctx, graceMs);
  resyncAll = () => uc.resyncAll(this.ctx);
  collectGarbage = (retentionMs: number, publishing: boolean) => uc.collectGarbage(this.ctx, retentionMs, publishing);

  // Events (the outbox, read)
  eventsAfter = (afterId: number, limit: number, types: readonly string[] = [], newest = false) => this.ctx.events.after(afterId, limit, types, newest);
  /** The oldest and newest retained event ids (0 when none). */
  eventIdRange = () => ({ oldest: this.ctx.events.minId(), newest: this.ctx.events.maxId() });
  onEvents = (listener: () => void) => this.ctx.onEvents(listener);
  /** Events not yet delivered to NATS. */
  eventBacklog = () => this.ctx.events.backlog();
  /** The oldest events not yet delivered to NATS, in order (the outbox). */
  unpublishedEvents = (limit: number) => this.ctx.events.unpublished(limit);
  markEventPublished = (id: number) => this.ctx.tx(() => this.ctx.events.markPublished(id, this.ctx.nowIso()));
  /** Sets aside an event NATS refuses for itself, so that the feed goes on after it. */
  parkEvent = (id: number, reason: string) => this.ctx.tx(() => this.ctx.events.park(id, reason));
  /** Events set aside (never published), oldest first. */
  parkedEvents = (afterId: number, limit: number) => this.ctx.events.parked(afterId, limit);
  parkedEventCount = () => this.ctx.events.parkedCount();

  // Metrics (read models)
  subscriptionCounts = () => this.ctx.subscriptions.countsByStatus();
  /** Hears of hosts whose desired state changed, once committed (the sessions push to their agents). */
  onHostsChanged = (listener: (hostIds: ReadonlySet<number>) => void) => this.ctx.onHostsChanged(listener);
}
