/**
 * The controller's side of the agents: enrollment with a join token, the host credential, hellos and
 * heartbeats, the desired state to push (snapshot or delta since a revision), and acknowledgements.
 */
import { AlreadyExistsError, UnauthenticatedError, validateHostName } from '@hostplane/shared';
import { nextHostState, stateOf } from '../domain/index.js';
import { hashSecret, type HostRecord } from '../store/index.js';
import type { Context } from './context.js';
import { newSecret } from './tokens.js';

/** The agent protocol versions this controller speaks. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];

/** Exchanges a single-use join token for the host's credential (shown once, stored hashed). */
export function enrollHost(ctx: Context, joinToken: string, hostName: string): { hostName: string; credential: string } {
  return ctx.tx(() => {
    const now = ctx.clock.now();
    const token = joinToken ? ctx.tokens.joinTokenByHash(hashSecret(joinToken)) : undefined;
    if (!token) throw new UnauthenticatedError('join token is not valid');
    if (token.usedAt) throw new UnauthenticatedError(`join token ${token.id} was already used (by ${token.host})`);
    if (token.expiresAt <= now.toISOString()) throw new UnauthenticatedError(`join token ${token.id} expired at ${token.expiresAt}`);
    const name = validateHostName(hostName ?? '', 'hostName');
    let host = ctx.hosts.byName(name);
    if (host?.enrolled) throw new AlreadyExistsError('host', name, `host '${name}' is already enrolled: remove it first to enroll it again`);
    host ??= ctx.hosts.insert(name, 'ready', null, now.toISOString());
    const credential = newSecret('hpc');
    ctx.hosts.setCredentialHash(host.id, hashSecret(credential), now.toISOString());
    ctx.tokens.spendJoinToken(token.id, name, now.toISOString());
    ctx.record({ type: 'host.enrolled', entity: name, data: { joinToken: token.id } });
    return { hostName: name, credential };
  });
}

/**
 * The host whose agent holds this credential: its current one, or the one a rotation issued (the
 * agent saved it but its confirmation was lost): then that one becomes the only one.
 */
export function authenticateAgent(ctx: Context, credential: string | undefined): HostRecord {
  const hash = credential ? hashSecret(credential) : undefined;
  const host = hash ? ctx.hosts.byCredentialHash(hash) : undefined;
  if (host) return host;
  const rotated = hash ? ctx.hosts.byPendingCredentialHash(hash) : undefined;
  if (rotated) {
    completeCredentialRotation(ctx, rotated.id);
    return ctx.hosts.byId(rotated.id)!;
  }
  throw new UnauthenticatedError('invalid host credential: enroll the agent with a join token');
}

/**
 * Issues a new credential for the host's agent, to send over its authenticated stream. Until the
 * agent confirms it saved it, both authenticate (a lost confirmation cannot lock the agent out).
 */
export function beginCredentialRotation(ctx: Context, hostId: number): string {
  return ctx.tx(() => {
    const credential = newSecret('hpc');
    ctx.hosts.setPendingCredentialHash(hostId, hashSecret(credential));
    return credential;
  });
}

/**
 * The agent saved its new credential: it becomes the only one; the previous one is retired. With
 * `savedHash` (what the agent says it saved), only if that is the credential issued last.
 */
export function completeCredentialRotation(ctx: Context, hostId: number, savedHash?: string): boolean {
  return ctx.tx(() => {
    const host = ctx.hosts.byId(hostId);
    const pending = host && ctx.hosts.pendingCredentialHash(hostId);
    if (!host || !pending || (savedHash !== undefined && savedHash !== pending)) return false;
    ctx.hosts.setCredentialHash(hostId, pending, ctx.nowIso());
    ctx.record({ type: 'host.credential_rotated', entity: host.name, data: { previousIssuedAt: host.credentialIssuedAt } });
    return true;
  });
}

/** Connected hosts whose agent's credential was issued before `beforeIso` (due for rotation). */
export function credentialsIssuedBefore(ctx: Context, beforeIso: string): HostRecord[] {
  return ctx.hosts.list().filter((h) => h.enrolled && (h.credentialIssuedAt ?? h.createdAt) < beforeIso);
}

/**
 * Records the agent's hello. An unsupported protocol makes the host `incompatible` (pushes held);
 * a compatible agent brings an incompatible or unknown host back to `ready`. Returns compatibility.
 */
export function agentHello(ctx: Context, hostId: number, agentVersion: string, protocolVersion: number, controller?: string): boolean {
  return ctx.tx(() => {
    const host = ctx.hosts.byId(hostId)!;
    ctx.hosts.setAgentInfo(hostId, agentVersion, protocolVersion);
    if (controller) ctx.hosts.attach(hostId, controller);
    ctx.hosts.touchHeartbeat(hostId, ctx.nowIso());
    const compatible = SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion);
    const next = nextHostState(host.state, compatible ? 'hello-compatible' : 'hello-incompatible');
    if (next !== host.state) {
      ctx.hosts.setState(hostId, next);
      ctx.record({ type: 'host.state_changed', entity: host.name, data: { from: host.state, to: next, agentVersion, protocolVersion } });
    }
    return compatible;
  });
}

/** Agents heard from within this long count as connected to the controller that recorded them. */
export const REMOTE_AGENT_FRESH_MS = 60_000;

/**
 * Whether the host's agent is connected to another controller on the same store (PostgreSQL): as
 * that controller recorded it, and heard from lately — a record left by a controller that died is
 * not believed for long.
 */
export function connectedElsewhere(ctx: Context, h: { controller: string | null; lastHeartbeatAt: string | null }, self: string | undefined): boolean {
  if (ctx.db.dialect !== 'postgres' || h.controller === null || h.controller === self || !h.lastHeartbeatAt) return false;
  return ctx.clock.now().getTime() - Date.parse(h.lastHeartbeatAt) < REMOTE_AGENT_FRESH_MS;
}

/** The agents of `hostIds` are connected to `controller` (it learned its name after they came). */
export function agentsAttached(ctx: Context, hostIds: readonly number[], controller: string): void {
  ctx.tx(() => {
    for (const id of hostIds) ctx.hosts.attach(id, controller);
  });
}

/** The agent of `hostId` left `controller` (its stream ended). */
export function agentLeft(ctx: Context, hostId: number, controller: string): void {
  ctx.tx(() => ctx.hosts.detach(hostId, controller));
}

/** No agent is connected to `controller` (it starts after a crash, or stops). */
export function controllerGone(ctx: Context, controller: string): void {
  ctx.tx(() => ctx.hosts.detachAll(controller));
}

/** A heartbeat: the host is alive; an `unknown` host is `ready` again. */
export function recordHeartbeat(ctx: Context, hostId: number): void {
  ctx.tx(() => {
    ctx.hosts.touchHeartbeat(hostId, ctx.nowIso());
    const host = ctx.hosts.byId(hostId);
    if (!host) return;
    const next = nextHostState(host.state, 'heartbeat');
    if (next !== host.state) {
      ctx.hosts.setState(hostId, next);
      ctx.record({ type: 'host.state_changed', entity: host.name, data: { from: host.state, to: next } });
    }
  });
}

export interface DesiredItem {
  readonly name: string;
  readonly generation: number;
  readonly state: 'active' | 'suspended';
  /** Provided values as JSON text (a value set; many items share the same text). */
  readonly valuesJson: string;
  /** The id of that value set (the same id, the same text). */
  readonly valueSet: number;
}

export interface DesiredState {
  readonly revision: number;
  readonly upserts: DesiredItem[];
  readonly removals: string[];
}

/** The host's desired state: everything (afterRevision 0), or what changed after a revision. */
export function desiredState(ctx: Context, hostId: number, afterRevision = 0): DesiredState {
  return ctx.tx(() => {
    const host = ctx.hosts.byId(hostId);
    if (!host) return { revision: 0, upserts: [], removals: [] };
    const sets = ctx.valueSets.batch();
    const upserts = ctx.delivery.desiredForHost(hostId, afterRevision).map((r) => ({
      name: r.name,
      generation: r.generation,
      state: stateOf(r.suspensionReasons),
      valuesJson: sets.json(r.providedSet),
      valueSet: r.providedSet,
    }));
    const removals = afterRevision > 0 ? ctx.delivery.removalsForHost(hostId, afterRevision) : [];
    return { revision: host.revision, upserts, removals };
  });
}

export interface ApplyResult {
  readonly name: string;
  readonly appliedGeneration: number;
  readonly error: string;
  /** The system user the agent runs the subscription's site as; empty when it has none to report. */
  readonly systemUser?: string;
}

export interface Ack {
  readonly hostId: number;
  readonly observedRevision: number;
  readonly results: readonly ApplyResult[];
}

/**
 * Records acknowledgements: each host's observed revision and per-subscription outcomes. Many acks
 * go in one transaction (a plan update is acknowledged by every agent at about the same time).
 */
export function recordAcks(ctx: Context, acks: readonly Ack[]): void {
  ctx.tx(() => {
    const now = ctx.nowIso();
    for (const ack of acks) {
      ctx.hosts.setObservedRevision(ack.hostId, ack.observedRevision);
      ctx.hosts.touchHeartbeat(ack.hostId, now);
      // Level-based: the agent realized every subscription of the host up to that revision...
      ctx.delivery.markApplied(ack.hostId, ack.observedRevision);
      // ...except those it reports as failed (or at another generation), recorded one by one. A
      // reported system user is kept; an empty one leaves the last reported in place.
      for (const r of ack.results) {
        if (r.error) ctx.delivery.recordApplyResult(ack.hostId, r.name, r.appliedGeneration, r.error);
        if (r.systemUser) ctx.delivery.recordSystemUser(ack.hostId, r.name, r.systemUser);
      }
    }
  });
}
