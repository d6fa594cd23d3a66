/**
 * The Agent service: enrollment, and one long-lived Connect stream per agent. On connect the
 * controller pushes the host's full desired state (snapshot), then deltas whenever a committed
 * transaction changed the host's revision; the agent acknowledges revisions and reports its
 * capabilities and heartbeats. Level-triggered: a reconnecting agent gets a fresh snapshot.
 */
import { randomUUID } from 'node:crypto';
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { clipApplyError, FailedPreconditionError, PermissionDeniedError, withoutDefaults, type Values } from '@hostplane/shared';
import type { AgentServer, ConnectRequest, ConnectResponse, DesiredSubscription, EnrollRequest, ValueSet } from '@hostplane/proto/hostplane/v1/agent.js';
import { SubscriptionState } from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Value as ProtoValue } from '@hostplane/proto/hostplane/v1/values.js';
import type { ControllerCore } from '../core.js';
import type { Logger } from '../logger.js';
import * as uc from '../usecases/index.js';
import { reportFromProto, valuesToProto } from './convert.js';
import type { HostRecord } from '../store/index.js';
import { agentStream, unary, type AgentDirectory, type ApiDeps } from './pipeline.js';

const DETECT_TIMEOUT_MS = 15_000;

type Stream = ServerDuplexStream<ConnectRequest, ConnectResponse>;

/**
 * `awaiting-hello`: authenticated, nothing said yet (only a hello is accepted); `live`: pushes
 * flow; `incompatible`: the agent speaks a protocol this controller does not (pushes are held);
 * `closed`: over.
 */
export type AgentSessionState = 'awaiting-hello' | 'live' | 'incompatible' | 'closed';

class Session {
  state: AgentSessionState = 'awaiting-hello';
  /** The protocol version the agent said it speaks in its hello. */
  protocol = 0;
  sentRevision = 0;
  readonly pendingDetects = new Map<string, { resolve: (changed: boolean) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** A credential rotation waiting for the agent to say it saved the new credential. */
  pendingRotation: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;

  constructor(
    readonly hostId: number,
    readonly hostName: string,
    readonly stream: Stream,
    private readonly owner: AgentSessions,
  ) {}

  /** Schedules a push of what changed; many commits before it goes out make one delta. */
  markDirty(): void {
    if (this.state === 'live') this.owner.queuePush(this);
  }

  push(snapshot = false): void {
    if (this.state !== 'live' || this.stream.cancelled || this.stream.destroyed) return;
    const state = this.owner.core.desiredState(this.hostId, snapshot ? 0 : this.sentRevision);
    if (!snapshot && state.revision <= this.sentRevision && state.upserts.length === 0 && state.removals.length === 0) return;
    // Protocol 2 carries each distinct value map once (as a value set the subscriptions refer to);
    // protocol 1 repeats it in every subscription.
    const bySet = this.protocol >= 2;
    const valueSets = new Map<number, ValueSet>();
    const upserts: DesiredSubscription[] = state.upserts.map((u) => {
      const values = this.owner.protoValues(u.valuesJson);
      if (bySet && !valueSets.has(u.valueSet)) valueSets.set(u.valueSet, { id: String(u.valueSet), values });
      return {
        name: u.name,
        generation: String(u.generation),
        state: u.state === 'active' ? SubscriptionState.SUBSCRIPTION_STATE_ACTIVE : SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED,
        values: bySet ? {} : values,
        valueSet: bySet ? String(u.valueSet) : '0',
      };
    });
    const revision = String(state.revision);
    const sets = [...valueSets.values()];
    this.stream.write(
      snapshot
        ? { payload: { $case: 'snapshot', value: { revision, subscriptions: upserts, valueSets: sets } } }
        : { payload: { $case: 'delta', value: { revision, upserts, removals: state.removals, valueSets: sets } } },
    );
    this.sentRevision = state.revision;
    this.owner.log.debug({ component: 'agent-session', host: this.hostName, revision: state.revision, upserts: upserts.length, snapshot }, 'pushed');
  }

  detect(): Promise<boolean> {
    const requestId = randomUUID();
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingDetects.delete(requestId);
        reject(new FailedPreconditionError(`the agent of host '${this.hostName}' did not answer the detect request within ${DETECT_TIMEOUT_MS / 1000} s`));
      }, DETECT_TIMEOUT_MS);
      this.pendingDetects.set(requestId, { resolve, reject, timer });
      this.stream.write({ payload: { $case: 'detect', value: { requestId } } });
    });
  }

  /** Sends a new credential; resolves when the agent saved it. One rotation at a time. */
  rotateCredential(): Promise<void> {
    if (this.pendingRotation) return Promise.reject(new FailedPreconditionError(`a credential rotation of host '${this.hostName}' is already under way`));
    const credential = this.owner.core.beginCredentialRotation(this.hostId);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingRotation = undefined;
        reject(new FailedPreconditionError(`the agent of host '${this.hostName}' did not confirm its new credential within ${DETECT_TIMEOUT_MS / 1000} s: both stay valid until it uses the new one`));
      }, DETECT_TIMEOUT_MS);
      this.pendingRotation = { resolve, reject, timer };
      this.stream.write({ payload: { $case: 'rotateCredential', value: { credential } } });
    });
  }

  close(reason: string): void {
    this.state = 'closed';
    if (this.pendingRotation) {
      clearTimeout(this.pendingRotation.timer);
      this.pendingRotation.reject(new FailedPreconditionError(`the agent of host '${this.hostName}' disconnected (${reason}) before confirming its new credential: both stay valid until it uses the new one`));
      this.pendingRotation = undefined;
    }
    for (const [id, p] of this.pendingDetects) {
      clearTimeout(p.timer);
      p.reject(new FailedPreconditionError(`the agent of host '${this.hostName}' disconnected (${reason})`));
      this.pendingDetects.delete(id);
    }
  }
}

/** How long acknowledgements wait before looking again whether the pushes under way are out. */
const ACK_WINDOW_MS = 10;
/** The longest acknowledgements wait for pushes under way before they are recorded anyway. */
const ACK_MAX_DELAY_MS = 1000;
/** Sessions pushed per turn of the event loop. */
const PUSH_SLICE = 25;

/** Chunks of a move in flight between the source's agent and the target's (1 MiB each). */
const MOVE_WINDOW = 8;
/** A move with no chunk and no acknowledgement for this long fails. */
const MOVE_IDLE_MS = 60_000;

/** One move of a webspace, relayed chunk by chunk with credit from the target's acknowledgements. */
class Move {
  bytes = 0;
  /** Chunks the source may still send, and the sequence number of the next. */
  credit = 0;
  nextSeq = 0;
  /** The most bytes it may send (twice its measured webspace); undefined: not measured. */
  limitBytes: number | undefined;
  private timer: NodeJS.Timeout;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly source: Session,
    readonly target: Session,
    readonly resolve: (r: { bytes: number; moveId: string }) => void,
    readonly reject: (e: Error) => void,
    private readonly onIdle: () => void,
  ) {
    this.timer = setTimeout(onIdle, MOVE_IDLE_MS);
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, MOVE_IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export class AgentSessions implements AgentDirectory {
  private readonly byHost = new Map<number, Session>();
  /** This controller's name, recorded on the hosts whose agents connect here (`host list`). */
  controllerId: string | undefined;

  /** Learns this controller's name (once it listens): recorded on the agents already here too. */
  setControllerId(id: string): void {
    this.controllerId = id;
    const live = [...this.byHost.values()].filter((s) => s.state === 'live').map((s) => s.hostId);
    if (live.length > 0) this.core.agentsAttached(live, id);
  }
  private readonly unsubscribe: () => void;

  constructor(
    readonly core: ControllerCore,
    readonly log: Logger,
  ) {
    this.unsubscribe = core.onHostsChanged((ids) => {
      for (const id of ids) this.byHost.get(id)?.markDirty();
    });
  }

  /**
   * Value maps in proto form by their JSON text (the same text, the same map), shared by every
   * push: a plan update pushes the same few maps to a thousand agents. Bounded; cleared when full.
   */
  private readonly protoCache = new Map<string, { [key: string]: ProtoValue }>();

  protoValues(json: string): { [key: string]: ProtoValue } {
    let values = this.protoCache.get(json);
    if (!values) {
      // Keys at their catalogue default are implied (the agent fills them in): far fewer map entries.
      values = valuesToProto(withoutDefaults(JSON.parse(json) as Values));
      if (this.protoCache.size >= 10_000) this.protoCache.clear();
      this.protoCache.set(json, values);
    }
    return values;
  }

  /** Sessions with something to push, in the order they became dirty. */
  private readonly dirty = new Set<Session>();
  private draining = false;

  queuePush(session: Session): void {
    this.dirty.add(session);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.drainPushes());
  }

  /**
   * Pushes a slice of the dirty sessions per turn of the event loop: the first deltas of a plan
   * update go out (and their agents start applying) while the next are still being built, instead
   * of every host waiting for the thousandth.
   */
  private drainPushes(): void {
    let n = 0;
    for (const session of this.dirty) {
      this.dirty.delete(session);
      session.push();
      if (++n === PUSH_SLICE) break;
    }
    if (this.dirty.size > 0) setImmediate(() => this.drainPushes());
    else this.draining = false;
  }

  get connectedCount(): number {
    return this.byHost.size;
  }

  /** Whether the host with this id has a live session (for placement: one lookup per host). */
  hasSession(hostId: number): boolean {
    return this.byHost.has(hostId);
  }

  isConnected(host: string): boolean {
    for (const s of this.byHost.values()) if (s.hostName === host) return true;
    return false;
  }

  rotateCredential(host: string): Promise<void> {
    for (const s of this.byHost.values()) if (s.hostName === host) return s.rotateCredential();
    return Promise.reject(new FailedPreconditionError(`host '${host}' has no connected agent: a new credential travels over the agent's own stream`));
  }

  async detect(host: string): Promise<boolean> {
    for (const s of this.byHost.values()) if (s.hostName === host) return s.detect();
    throw new FailedPreconditionError(`host '${host}' has no connected agent: detection runs on the agent`);
  }

  resendSnapshots(): void {
    for (const s of this.byHost.values()) s.push(true);
  }

  resync(host: string): void {
    for (const s of this.byHost.values()) if (s.hostName === host) s.push(true);
  }

  /**
   * Ends the host's live session at once (its credential is gone with the host): the agent is told
   * UNAUTHENTICATED and cannot connect again without a new join token.
   */
  disconnect(host: string, reason: string): void {
    for (const s of [...this.byHost.values()]) {
      if (s.hostName !== host) continue;
      s.stream.emit('error', { code: status.UNAUTHENTICATED, details: reason });
      this.drop(s, reason);
    }
  }

  /** Ends every session (controller shutdown). */
  closeAll(): void {
    this.unsubscribe();
    for (const s of this.byHost.values()) {
      s.close('controller shutting down');
      s.stream.end();
    }
    this.byHost.clear();
  }

  /** The Agent service, through the one RPC pipeline: Enroll authenticates by its join token, Connect by the host credential. */
  service(deps: ApiDeps): AgentServer {
    const { core, log } = this;
    return {
      enroll: unary(
        deps,
        'Enroll',
        (req: EnrollRequest) => {
          const res = core.enrollHost(req.joinToken, req.hostName);
          log.info({ component: 'agent-api', host: res.hostName }, 'host enrolled');
          return res;
        },
        { access: 'none', component: 'agent-api' },
      ),
      connect: agentStream(deps, 'Connect', (stream: Stream, host, fail, sessionLog) => this.connect(stream, host, fail, sessionLog)),
    };
  }

  private connect(stream: Stream, host: HostRecord, failStream: (err: unknown) => void, log: Logger): void {
    const session = new Session(host.id, host.name, stream, this);
    const fail = (err: unknown) => {
      failStream(err);
      this.drop(session, 'error');
    };
    stream.on('data', (msg: ConnectRequest) => {
      try {
        this.onMessage(session, msg, log);
      } catch (err) {
        fail(err);
      }
    });
    stream.on('end', () => {
      this.drop(session, 'ended');
      stream.end();
    });
    stream.on('cancelled', () => this.drop(session, 'cancelled'));
    stream.on('error', () => this.drop(session, 'stream error'));
  }

  private onMessage(session: Session, msg: ConnectRequest, log: Logger): void {
    const payload = msg.payload;
    if (!payload) return;
    if (session.state === 'awaiting-hello' && payload.$case !== 'hello') throw new FailedPreconditionError('the first message of a session must be hello');
    switch (payload.$case) {
      case 'hello': {
        const hello = payload.value;
        if (hello.hostName !== session.hostName) {
          throw new PermissionDeniedError(`this credential belongs to host '${session.hostName}', not '${hello.hostName}'`);
        }
        session.protocol = hello.protocolVersion;
        session.state = this.core.agentHello(session.hostId, hello.agentVersion, hello.protocolVersion, this.controllerId) ? 'live' : 'incompatible';
        const previous = this.byHost.get(session.hostId);
        if (previous && previous !== session) {
          previous.close('replaced by a new session');
          previous.stream.end();
        }
        this.byHost.set(session.hostId, session);
        log.info({ agentVersion: hello.agentVersion, protocolVersion: hello.protocolVersion, state: session.state }, 'agent connected');
        session.push(true);
        return;
      }
      case 'usage': {
        const n = this.core.recordUsage(
          session.hostId,
          payload.value.sites.map((u) => ({
            name: u.name,
            diskBytes: Number(u.diskBytes),
            trafficBytes: Number(u.trafficBytes),
            trafficMonth: u.trafficMonth,
            measuredAt: (u.measuredAt ?? new Date()).toISOString(),
          })),
        );
        log.debug({ sites: payload.value.sites.length, recorded: n }, 'usage');
        return;
      }
      case 'certificates': {
        const n = this.core.recordCertificates(
          session.hostId,
          payload.value.sites.map((c) => ({ name: c.name, status: c.status, names: c.names, notAfter: c.notAfter ? c.notAfter.toISOString() : null, issuer: c.issuer, error: c.error })),
        );
        // What a (possibly hostile) agent sent is logged cut: at most 20 sites, each field bounded.
        const shown = payload.value.sites.slice(0, 20).map((c) => ({ subscription: c.name.slice(0, 253), status: c.status.slice(0, 20), ...(c.error ? { error: clipApplyError(c.error) } : {}) }));
        log.info({ sites: shown, count: payload.value.sites.length, recorded: n }, 'certificates');
        return;
      }
      case 'moveChunk': {
        const m = this.moves.get(payload.value.moveId);
        if (!m || m.source !== session) return; // not a move of this agent's: ignored
        if (payload.value.error) return this.failMove(m, `host '${m.source.hostName}' could not read the webspace: ${clipApplyError(payload.value.error)}`);
        const { seq, data, last } = payload.value;
        // A source that ignores its credit or the order could make this process hold without bound.
        if (m.credit <= 0 || Number(seq) !== m.nextSeq) return this.failMove(m, `host '${m.source.hostName}' sent chunk ${seq} out of order or beyond its credit`);
        m.credit--;
        m.nextSeq++;
        m.bytes += data.length;
        if (m.limitBytes !== undefined && m.bytes > m.limitBytes) {
          return this.failMove(m, `the webspace sent is larger than twice its measured size (${m.bytes} bytes so far): not moved`);
        }
        m.touch();
        m.target.stream.write({ payload: { $case: 'moveImport', value: { moveId: m.id, name: m.name, seq, data, last } } });
        return;
      }
      case 'moveImported': {
        const m = this.moves.get(payload.value.moveId);
        if (!m || m.target !== session) return;
        if (payload.value.error) return this.failMove(m, `host '${m.target.hostName}' could not write the webspace: ${clipApplyError(payload.value.error)}`);
        m.touch();
        if (payload.value.done) {
          this.endMove(m);
          m.resolve({ bytes: m.bytes, moveId: m.id });
          return;
        }
        // One chunk written on the target: the source may send one more.
        m.credit++;
        m.source.stream.write({ payload: { $case: 'moveCredit', value: { moveId: m.id, chunks: 1 } } });
        return;
      }
      case 'credentialSaved': {
        // Only the credential issued last is promoted: a late confirmation of an earlier one (the
        // rotation was retried meanwhile) retires nothing.
        const rotated = this.core.completeCredentialRotation(session.hostId, payload.value.credentialSha256);
        if (rotated) log.info({}, 'credential rotated');
        else log.warn({}, 'the agent confirmed a credential that is not the one issued last; nothing retired');
        const pending = session.pendingRotation;
        if (pending && rotated) {
          session.pendingRotation = undefined;
          clearTimeout(pending.timer);
          pending.resolve();
        }
        return;
      }
      case 'capabilities': {
        const result = this.core.reportHostCapabilities(session.hostId, reportFromProto(payload.value.report));
        if (result.changed) log.info({ resynced: result.outcomes.length }, 'capabilities changed');
        const pending = session.pendingDetects.get(payload.value.requestId);
        if (pending) {
          clearTimeout(pending.timer);
          session.pendingDetects.delete(payload.value.requestId);
          pending.resolve(result.changed);
        }
        return;
      }
      case 'heartbeat':
        this.core.recordHeartbeat(session.hostId);
        return;
      case 'ack': {
        const ack = payload.value;
        this.queueAck({
          hostId: session.hostId,
          observedRevision: Number(ack.observedRevision),
          results: ack.results.map((r) => ({ name: r.name, appliedGeneration: Number(r.appliedGeneration), error: clipApplyError(r.error), systemUser: r.systemUser })),
        });
        const failed = ack.results.filter((r) => r.error);
        if (failed.length) {
          const shown = failed.slice(0, 20).map((f) => ({ subscription: f.name.slice(0, 253), error: clipApplyError(f.error) }));
          log.warn({ revision: ack.observedRevision, failed: shown, count: failed.length }, 'apply failed');
        }
        return;
      }
    }
  }

  private pendingAcks: uc.Ack[] = [];

  /**
   * Acks that arrive together are recorded in one transaction, and only once the pushes under way
   * are out (a plan update is acknowledged by the first agents while the last deltas are still being
   * built): recording them is bookkeeping, the pushes are what agents wait for.
   */
  private queueAck(ack: uc.Ack): void {
    this.pendingAcks.push(ack);
    if (this.pendingAcks.length > 1) return;
    this.firstPendingAck = Date.now();
    setImmediate(() => this.recordAcks());
  }

  private firstPendingAck = 0;

  private recordAcks(): void {
    // Held back by pushes for at most ACK_MAX_DELAY_MS, however busy the pushes keep this process.
    if (this.draining && Date.now() - this.firstPendingAck < ACK_MAX_DELAY_MS) {
      setTimeout(() => this.recordAcks(), ACK_WINDOW_MS);
      return;
    }
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    try {
      this.core.recordAcks(acks);
    } catch (err) {
      this.log.error({ component: 'agent-session', err }, 'cannot record acknowledgements');
    }
  }

  private readonly moves = new Map<string, Move>();

  moveContent(name: string, source: string, target: string, limitBytes?: number): Promise<{ bytes: number; moveId: string }> {
    const find = (host: string) => [...this.byHost.values()].find((s) => s.hostName === host && s.state === 'live');
    const from = find(source);
    const to = find(target);
    if (!from || !to) return Promise.reject(new FailedPreconditionError(`host '${!from ? source : target}' has no connected agent: the content travels from the source's agent to the target's`));
    if ([...this.moves.values()].some((m) => m.name === name)) return Promise.reject(new FailedPreconditionError(`a move of '${name}' is already under way`));
    return new Promise((resolve, reject) => {
      const m = new Move(randomUUID(), name, from, to, resolve, reject, () => this.failMove(m, `the move of '${name}' made no progress for ${MOVE_IDLE_MS / 1000} s`));
      m.limitBytes = limitBytes;
      m.credit = MOVE_WINDOW;
      this.moves.set(m.id, m);
      this.log.info({ component: 'move', subscription: name, from: source, to: target, move: m.id }, 'moving');
      from.stream.write({ payload: { $case: 'moveExport', value: { moveId: m.id, name } } });
      from.stream.write({ payload: { $case: 'moveCredit', value: { moveId: m.id, chunks: MOVE_WINDOW } } });
    });
  }

  /** A move whose content arrived but whose switch did not happen: the target drops its staging. */
  discardMove(moveId: string, target: string): void {
    for (const s of this.byHost.values()) if (s.hostName === target && !s.stream.destroyed) s.stream.write({ payload: { $case: 'moveAbort', value: { moveId } } });
  }

  moveProgress(name: string): { to: string; bytes: number } | undefined {
    for (const m of this.moves.values()) if (m.name === name) return { to: m.target.hostName, bytes: m.bytes };
    return undefined;
  }

  private endMove(m: Move): void {
    m.stop();
    this.moves.delete(m.id);
  }

  private failMove(m: Move, reason: string): void {
    if (!this.moves.has(m.id)) return;
    this.endMove(m);
    for (const s of [m.source, m.target]) {
      if (!s.stream.destroyed) s.stream.write({ payload: { $case: 'moveAbort', value: { moveId: m.id } } });
    }
    this.log.warn({ component: 'move', subscription: m.name, move: m.id, reason }, 'move failed; nothing changed');
    m.reject(new FailedPreconditionError(`the move of '${m.name}' failed, nothing changed: ${reason}`));
  }

  private drop(session: Session, reason: string): void {
    for (const m of [...this.moves.values()]) {
      if (m.source === session || m.target === session) this.failMove(m, `host '${session.hostName}' disconnected (${reason})`);
    }
    session.close(reason);
    if (this.byHost.get(session.hostId) === session) {
      this.byHost.delete(session.hostId);
      if (this.controllerId) {
        try {
          this.core.agentLeft(session.hostId, this.controllerId);
        } catch {
          // The store is closing (shutdown): the next start clears this controller's hosts.
        }
      }
      this.log.info({ component: 'agent-session', host: session.hostName, reason }, 'agent disconnected');
    }
  }
}
