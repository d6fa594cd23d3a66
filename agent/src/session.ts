/**
 * One Connect stream to the controller, from hello to its end: the hello and the capability report
 * go first; then the desired state arrives (a snapshot, then deltas) and goes to the apply loop,
 * whose outcomes go back as acknowledgements; heartbeats keep the host alive; a detect command
 * detects now and retries a failed apply at once.
 */
import { createHash } from 'node:crypto';
import { Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { ACK_ERRORS_BUDGET_CHARS, APPLY_ERROR_UNTOLD, clipApplyError, reportToProto, valuesFromProto, type CapabilityReport } from '@hostplane/shared';
import type { AgentClient, ConnectRequest, ConnectResponse, DesiredSubscription as ProtoDesired, ValueSet as ProtoValueSet } from '@hostplane/proto/hostplane/v1/agent.js';
import { SubscriptionState } from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Logger } from 'pino';
import type { ApplyLoop } from './apply-loop.js';
import type { StoredCredential } from './credential.js';
import { reportsEqual } from './detect/index.js';
import type { DetectionLoop } from './detection-loop.js';
import type { ApplyOutcome, DesiredSubscription } from './realize/index.js';
import type { SiteUsage } from './usage/meter.js';
import type { MoveManager } from './move.js';
import type { CertificateStatus } from './acme/certificates.js';
import { AGENT_VERSION, PROTOCOL_VERSION } from './version.js';

/** `awaiting-snapshot`: hello sent, no desired state yet; `live`: desired state flowing; `closed`: over. */
export type SessionState = 'awaiting-snapshot' | 'live' | 'closed';

export type SessionEnd = 'ended' | 'unauthenticated';

type Stream = ClientDuplexStream<ConnectRequest, ConnectResponse>;

export interface SessionDeps {
  readonly client: AgentClient;
  readonly credential: StoredCredential;
  readonly detection: DetectionLoop;
  readonly apply: ApplyLoop;
  readonly heartbeatMs: number;
  readonly log: Logger;
  /** Called once the controller answered with a snapshot (the connection is good: reset backoff). */
  readonly onLive: () => void;
  /** Saves a new host credential the controller sent (in place of the current one, mode 0600). */
  readonly saveCredential: (credential: string) => Promise<void>;
  /** Measures the sites' usage now (after a `host detect`); it comes back through reportUsage. */
  readonly measureUsage: () => void;
  /** Webspaces moving to or from this host. */
  readonly moves: MoveManager;
}

/**
 * The subscriptions of a snapshot or delta, their values taken from the message's value sets
 * (each decoded once) or, from a protocol-1 controller, from each subscription. A reference to a
 * set the message does not carry is a protocol error: realizing defaults instead would be wrong.
 */
export function desiredFromProto(subs: readonly ProtoDesired[], valueSets: readonly ProtoValueSet[]): DesiredSubscription[] {
  const sets = new Map(valueSets.map((v) => [v.id, valuesFromProto(v.values)]));
  return subs.map((s) => {
    let values;
    if (s.valueSet && s.valueSet !== '0') {
      values = sets.get(s.valueSet);
      if (!values) throw new Error(`protocol error: ${s.name} refers to value set ${s.valueSet}, which the message does not carry`);
    } else {
      values = valuesFromProto(s.values);
    }
    return {
      name: s.name,
      generation: Number(s.generation),
      state: s.state === SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED ? 'suspended' : 'active',
      values,
    };
  });
}

export class Session {
  private state: SessionState = 'awaiting-snapshot';
  private readonly stream: Stream;
  private readonly log: Logger;
  private lastSent: CapabilityReport | undefined;
  /** The system user acknowledged for each subscription in this session. */
  private readonly usersSent = new Map<string, string>();
  /** The usage sent for each subscription in this session. */
  private readonly usageSent = new Map<string, string>();
  /** The certificate status sent for each subscription in this session. */
  private readonly certificatesSent = new Map<string, string>();

  constructor(private readonly deps: SessionDeps) {
    const md = new Metadata();
    md.set('authorization', `Bearer ${deps.credential.credential}`);
    this.stream = deps.client.connect(md);
    this.log = deps.log.child({ component: 'session' });
  }

  get current(): SessionState {
    return this.state;
  }

  /** Runs the stream until it ends or `signal` aborts. */
  run(signal: AbortSignal): Promise<SessionEnd> {
    const { stream, deps, log } = this;
    return new Promise((resolve) => {
      const heartbeat = setInterval(() => this.send({ $case: 'heartbeat', value: { sentAt: new Date() } }), deps.heartbeatMs);
      const unlisten = deps.detection.onReport((report) => this.reportIfChanged(report));
      const finish = (end: SessionEnd) => {
        if (this.state === 'closed') return;
        this.state = 'closed';
        clearInterval(heartbeat);
        unlisten();
        signal.removeEventListener('abort', onAbort);
        resolve(end);
      };
      const onAbort = () => {
        stream.end();
        stream.cancel();
        finish('ended');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (msg: ConnectResponse) => {
        try {
          this.onMessage(msg);
        } catch (err) {
          // A message the agent cannot trust: end the stream; the next session starts from a snapshot.
          log.error({ err: (err as Error).message }, 'message refused; reconnecting');
          stream.cancel();
          finish('ended');
        }
      });
      stream.on('error', (err: ServiceError) => {
        if (err.code === status.UNAUTHENTICATED || err.code === status.PERMISSION_DENIED) {
          log.error({ code: err.code, err: err.details }, 'the controller refused this agent: enroll it again with a new join token');
          return finish('unauthenticated');
        }
        if (err.code !== status.CANCELLED) log.warn({ code: err.code, err: err.details }, 'stream error');
        finish('ended');
      });
      stream.on('end', () => finish('ended'));
      this.send({
        $case: 'hello',
        value: { hostName: deps.credential.host, agentVersion: AGENT_VERSION, protocolVersion: PROTOCOL_VERSION, observedRevision: String(deps.apply.desiredRevision) },
      });
      const report = deps.detection.report;
      if (report) this.sendReport(report, '');
      // Not "connected" yet: that is when the controller answers with a snapshot (a server that
      // refuses this agent, or is not its controller, never does).
      log.debug({ host: deps.credential.host }, 'stream opened');
    });
  }

  /**
   * Acknowledges an apply pass (while the stream is open). The revision says it all for the
   * subscriptions that applied (the controller marks every one up to it); results go only for
   * those that failed, and for a system user the controller has not heard from this session yet.
   * A plan update acknowledged by a thousand agents is then a thousand small messages.
   */
  acknowledge(outcome: ApplyOutcome): void {
    const results = ackResults(outcome, this.usersSent);
    this.send({ $case: 'ack', value: { observedRevision: String(outcome.revision), results } });
  }

  private onMessage(msg: ConnectResponse): void {
    const p = msg.payload;
    if (!p || this.state === 'closed') return;
    const { apply } = this.deps;
    switch (p.$case) {
      case 'snapshot':
        if (this.state === 'awaiting-snapshot') {
          this.log.info({ host: this.deps.credential.host }, 'connected');
          this.deps.onLive();
        }
        this.state = 'live';
        apply.snapshot(Number(p.value.revision), desiredFromProto(p.value.subscriptions, p.value.valueSets));
        this.log.info({ revision: apply.desiredRevision, subscriptions: apply.size }, 'snapshot received');
        return;
      case 'delta':
        apply.delta({ revision: Number(p.value.revision), upserts: desiredFromProto(p.value.upserts, p.value.valueSets), removals: p.value.removals });
        this.log.debug({ revision: apply.desiredRevision, upserts: p.value.upserts.length, removals: p.value.removals.length }, 'delta received');
        return;
      case 'moveExport':
        this.deps.moves.export(p.value.moveId, p.value.name, (m) => this.send(m));
        return;
      case 'moveCredit':
        this.deps.moves.credit(p.value.moveId, p.value.chunks);
        return;
      case 'moveImport':
        void this.deps.moves.import({ ...p.value, seq: Number(p.value.seq), data: Buffer.from(p.value.data) }, (m) => this.send(m));
        return;
      case 'moveAbort':
        this.deps.moves.abort(p.value.moveId);
        return;
      case 'rotateCredential':
        // Confirmed only once saved: until then the controller keeps the current one valid too.
        void this.deps.saveCredential(p.value.credential).then(
          () => {
            this.send({ $case: 'credentialSaved', value: { credentialSha256: createHash('sha256').update(p.value.credential, 'utf8').digest('hex') } });
            this.log.info({}, 'new host credential saved');
          },
          (err: Error) => this.log.error({ err: err.message }, 'cannot save the new host credential; keeping the current one'),
        );
        return;
      case 'detect':
        // `host detect` also retries a failed apply at once (level-triggered: it re-applies all).
        void this.deps.detection.detect().then(
          (report) => {
            this.sendReport(report, p.value.requestId);
            apply.retryNow();
            this.deps.measureUsage();
          },
          (err: Error) => this.log.warn({ err: err.message }, 'detection failed'),
        );
        return;
    }
  }

  /** Sends the certificate status of the sites whose status changed since this session last sent it. */
  reportCertificates(statuses: readonly CertificateStatus[]): void {
    if (this.state !== 'live') return;
    const changed = statuses.filter((c) => this.certificatesSent.get(c.name) !== JSON.stringify(c));
    if (changed.length === 0) return;
    this.send({
      $case: 'certificates',
      value: {
        sites: changed.map((c) => ({
          name: c.name,
          status: c.status,
          names: [...c.names],
          notAfter: c.notAfter ? new Date(c.notAfter) : undefined,
          issuer: c.issuer ?? '',
          error: c.error ?? '',
        })),
      },
    });
    for (const c of changed) this.certificatesSent.set(c.name, JSON.stringify(c));
  }

  /** Sends the usage of the sites whose usage changed since this session last sent theirs. */
  reportUsage(usages: readonly SiteUsage[]): void {
    if (this.state !== 'live') return;
    const changed = usages.filter((u) => this.usageSent.get(u.name) !== usageKey(u));
    if (changed.length === 0) return;
    this.send({
      $case: 'usage',
      value: {
        sites: changed.map((u) => ({ name: u.name, diskBytes: String(u.diskBytes), trafficBytes: String(u.trafficBytes), trafficMonth: u.trafficMonth, measuredAt: u.measuredAt })),
      },
    });
    for (const u of changed) this.usageSent.set(u.name, usageKey(u));
  }

  private reportIfChanged(report: CapabilityReport): void {
    if (!this.lastSent || !reportsEqual(report, this.lastSent)) this.sendReport(report, '');
  }

  private sendReport(report: CapabilityReport, requestId: string): void {
    this.send({ $case: 'capabilities', value: { report: reportToProto(report), requestId } });
    this.lastSent = report;
  }

  private send(payload: ConnectRequest['payload']): void {
    const s = this.stream;
    if (this.state !== 'closed' && !s.destroyed && s.writable) s.write({ payload });
  }
}

const usageKey = (u: SiteUsage) => `${u.diskBytes}/${u.trafficBytes}/${u.trafficMonth}`;

/**
 * The results an acknowledgement carries: failures, and system users `usersSent` does not hold yet
 * (it is updated). However many sites fail, the message stays well under the controller's limit:
 * each error cut to MAX_APPLY_ERROR_CHARS, all of them to ACK_ERRORS_BUDGET_CHARS together.
 */
export function ackResults(outcome: ApplyOutcome, usersSent: Map<string, string>) {
  const results = [];
  // Counted in encoded bytes, names included: multi-byte text cannot overrun the message limit.
  let budget = ACK_ERRORS_BUDGET_CHARS;
  for (const r of outcome.results) {
    const newUser = r.systemUser !== '' && usersSent.get(r.name) !== r.systemUser;
    if (r.error === '' && !newUser) continue;
    let error = clipApplyError(r.error);
    if (Buffer.byteLength(error) > budget) error = r.error === '' ? '' : APPLY_ERROR_UNTOLD;
    budget -= Buffer.byteLength(error) + Buffer.byteLength(r.name) + r.systemUser.length;
    results.push({ name: r.name, appliedGeneration: String(r.appliedGeneration), error, systemUser: newUser ? r.systemUser : '' });
    if (newUser) usersSent.set(r.name, r.systemUser);
  }
  return results;
}
