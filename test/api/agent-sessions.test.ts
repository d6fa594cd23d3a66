/**
 * The Agent service through a real gRPC server: enrollment with single-use join tokens, and the
 * Connect stream (snapshot, deltas, acks, detect) driven by an in-process client; what acks report
 * (apply errors, system users) as the Admin API shows it, and `sub sync` resending a snapshot.
 */
import { createHash } from 'node:crypto';
import { credentials, Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, type ConnectRequest, type ConnectResponse } from '@hostplane/proto/hostplane/v1/agent.js';
import { HostState } from '@hostplane/proto/hostplane/v1/host.js';
import { PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { SubscriptionState } from '@hostplane/proto/hostplane/v1/subscription.js';
import { reportToProto, valueToProto } from '../../controller/src/api/convert.js';
import { MIVA, STANDARD, report } from '../helpers/core.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
let agentClient: AgentClient;

beforeAll(async () => {
  api = await startTestApi();
  agentClient = new AgentClient(api.address, credentials.createInsecure());
  await api.call(api.client.createCustomer, { login: 'alice', displayName: '', email: 'alice@example.org' });
  await api.call(api.client.createPlan, { name: 'Basic', kind: PlanKind.PLAN_KIND_SERVICE, values: { 'hosting.php': valueToProto(true) } });
});
afterAll(async () => {
  agentClient.close();
  await api.stop();
});

function enroll(joinToken: string, hostName: string) {
  return new Promise<{ hostName: string; credential: string }>((resolve, reject) =>
    agentClient.enroll({ joinToken, hostName }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** An agent's stream with a queue of received messages. */
class FakeAgent {
  readonly received: ConnectResponse[] = [];
  readonly stream: ClientDuplexStream<ConnectRequest, ConnectResponse>;
  error: ServiceError | undefined;
  private waiters: (() => void)[] = [];

  constructor(credential: string) {
    const md = new Metadata();
    md.set('authorization', `Bearer ${credential}`);
    this.stream = agentClient.connect(md);
    this.stream.on('data', (m: ConnectResponse) => {
      this.received.push(m);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.stream.on('error', (e: ServiceError) => {
      this.error = e;
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  send(payload: ConnectRequest['payload']): void {
    this.stream.write({ payload });
  }

  async next(): Promise<ConnectResponse> {
    const deadline = Date.now() + 5000;
    while (this.received.length === 0) {
      if (this.error) throw this.error;
      if (Date.now() > deadline) throw new Error('no message within 5 s');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return this.received.shift()!;
  }

  async failure(): Promise<ServiceError> {
    const deadline = Date.now() + 5000;
    while (!this.error && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.error) throw new Error('the stream did not fail');
    return this.error;
  }

  close(): void {
    this.stream.end();
  }
}

describe('enrollment', () => {
  it('exchanges a join token once for a host credential', async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    const res = await enroll(token, 'Web1.Example.NET');
    expect(res.hostName).toBe('web1.example.net');
    expect(res.credential).toMatch(/^hpc_/);
    expect(api.dump()).not.toContain(res.credential);
    const again = await enroll(token, 'web2.example.net').catch((e: ServiceError) => e);
    expect(again).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('already used') });
    const tokens = await api.call(api.client.listJoinTokens, { includeSpent: true });
    expect(tokens.joinTokens.find((t) => t.host === 'web1.example.net')?.usedAt).toBeInstanceOf(Date);
  });

  it('refuses an unknown or expired token, and a host already enrolled', async () => {
    expect(await enroll('hpj_nope', 'x.example.net').catch((e: ServiceError) => e.code)).toBe(status.UNAUTHENTICATED);
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 60 });
    api.clock.advance(61_000);
    expect(await enroll(token, 'x.example.net').catch((e: ServiceError) => e.details)).toContain('expired');
    const fresh = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    expect(await enroll(fresh.token, 'web1.example.net').catch((e: ServiceError) => e.code)).toBe(status.ALREADY_EXISTS);
  });
});

describe('the Connect stream', () => {
  let credential: string;

  beforeAll(async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    credential = (await enroll(token, 'web2.example.net')).credential;
  });

  it('refuses a bad credential and a hello for another host', async () => {
    const bad = new FakeAgent('hpc_wrong');
    bad.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    expect((await bad.failure()).code).toBe(status.UNAUTHENTICATED);
    const liar = new FakeAgent(credential);
    liar.send({ $case: 'hello', value: { hostName: 'web1.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    expect((await liar.failure()).code).toBe(status.PERMISSION_DENIED);
  });

  it('snapshot on connect, deltas on change, acks recorded, removals pushed, detect answered', async () => {
    const agent = new FakeAgent(credential);
    agent.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    const snap = await agent.next();
    expect(snap.payload?.$case).toBe('snapshot');
    agent.send({ $case: 'capabilities', value: { report: reportToProto(report(STANDARD)), requestId: '' } });
    await expect.poll(() => api.core.getHost('web2.example.net').report?.components.length).toBe(STANDARD.length);

    await api.call(api.client.createSubscription, { name: 'shop.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'web2.example.net', values: {} });
    const delta = await agent.next();
    expect(delta.payload?.$case).toBe('delta');
    const d = delta.payload?.$case === 'delta' ? delta.payload.value : undefined;
    expect(d!.upserts).toHaveLength(1);
    expect(d!.upserts[0]).toMatchObject({ name: 'shop.example', generation: '1', state: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE });
    expect(d!.upserts[0]!.values['hosting.php_version']).toEqual(valueToProto('8.2'));

    agent.send({ $case: 'ack', value: { observedRevision: d!.revision, results: [{ name: 'shop.example', appliedGeneration: '1', error: '', systemUser: '' }] } });
    await expect.poll(() => api.core.getSubscription('shop.example').appliedGeneration).toBe(1);
    expect(api.core.getHost('web2.example.net').observedRevision).toBe(Number(d!.revision));

    await api.call(api.client.suspendSubscription, { name: 'shop.example' });
    const suspended = await agent.next();
    expect(suspended.payload?.$case === 'delta' && suspended.payload.value.upserts[0]?.state).toBe(SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED);

    await api.call(api.client.deleteSubscription, { name: 'shop.example' });
    const removal = await agent.next();
    expect(removal.payload?.$case === 'delta' && removal.payload.value.removals).toEqual(['shop.example']);

    // detect: the Admin call waits for the agent's answer
    const detecting = api.call(api.client.detectHost, { name: 'web2.example.net' });
    const cmd = await agent.next();
    expect(cmd.payload?.$case).toBe('detect');
    const requestId = cmd.payload?.$case === 'detect' ? cmd.payload.value.requestId : '';
    agent.send({ $case: 'capabilities', value: { report: reportToProto(report([...STANDARD, MIVA])), requestId } });
    const detected = await detecting;
    expect(detected.changed).toBe(true);
    expect(detected.host!.connected).toBe(true);
    expect(detected.host!.capabilities!.components.map((c) => c.name)).toContain('mivavm');
    agent.close();
    await expect.poll(() => api.running.agents.isConnected('web2.example.net')).toBe(false);
  });

  it('a reconnecting agent gets a full snapshot of what it missed', async () => {
    await api.call(api.client.createSubscription, { name: 'missed.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'web2.example.net', values: {} });
    const agent = new FakeAgent(credential);
    agent.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '3' } });
    const snap = await agent.next();
    expect(snap.payload?.$case === 'snapshot' && snap.payload.value.subscriptions.map((s) => s.name)).toEqual(['missed.example']);
    agent.close();
  });

  it('protocol 2: each distinct value map once per message, as a value set; protocol 1: inline', async () => {
    await api.call(api.client.createSubscription, { name: 'shared1.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'web2.example.net', values: {} });
    await api.call(api.client.createSubscription, { name: 'shared2.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'web2.example.net', values: {} });
    const v2 = new FakeAgent(credential);
    v2.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.2.0', protocolVersion: 2, observedRevision: '0' } });
    const snap = await v2.next();
    v2.close();
    if (snap.payload?.$case !== 'snapshot') throw new Error('expected a snapshot');
    const { subscriptions, valueSets } = snap.payload.value;
    const shared = subscriptions.filter((s) => s.name.startsWith('shared'));
    expect(shared).toHaveLength(2);
    expect(shared[0]!.valueSet).not.toBe('0');
    expect(shared[1]!.valueSet).toBe(shared[0]!.valueSet); // same plan, same host: the same set
    for (const s of subscriptions) {
      expect(s.values).toEqual({});
      expect(valueSets.map((v) => v.id)).toContain(s.valueSet);
    }
    expect(new Set(valueSets.map((v) => v.id)).size).toBe(valueSets.length); // each set once
    expect(valueSets.find((v) => v.id === shared[0]!.valueSet)!.values['hosting.php']).toEqual(valueToProto(true));

    const v1 = new FakeAgent(credential);
    v1.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    const old = await v1.next();
    v1.close();
    if (old.payload?.$case !== 'snapshot') throw new Error('expected a snapshot');
    expect(old.payload.value.valueSets).toEqual([]);
    for (const s of old.payload.value.subscriptions) expect(s.valueSet).toBe('0');
    expect(old.payload.value.subscriptions.find((s) => s.name === 'shared1.example')!.values['hosting.php']).toEqual(valueToProto(true));
    for (const name of ['shared1.example', 'shared2.example']) await api.call(api.client.deleteSubscription, { name });
  });

  it('an unsupported protocol makes the host incompatible and holds pushes', async () => {
    const agent = new FakeAgent(credential);
    agent.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '9.0.0', protocolVersion: 99, observedRevision: '0' } });
    await expect.poll(async () => (await api.call(api.client.getHost, { name: 'web2.example.net' })).host!.state).toBe(HostState.HOST_STATE_INCOMPATIBLE);
    await new Promise((r) => setTimeout(r, 200));
    expect(agent.received).toEqual([]);
    agent.close();
    // a compatible agent brings it back
    const ok = new FakeAgent(credential);
    ok.send({ $case: 'hello', value: { hostName: 'web2.example.net', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    expect((await ok.next()).payload?.$case).toBe('snapshot');
    expect(api.core.getHost('web2.example.net').state).toBe('ready');
    ok.close();
  });
});

describe('host remove', () => {
  it('ends the live session at once, revokes the credential, and a report never brings the host back', async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    const { credential } = await enroll(token, 'gone.example.net');
    const agent = new FakeAgent(credential);
    agent.send({ $case: 'hello', value: { hostName: 'gone.example.net', agentVersion: '0.1.0', protocolVersion: 2, observedRevision: '0' } });
    expect((await agent.next()).payload?.$case).toBe('snapshot');
    const hostId = api.core.ctx.hosts.byName('gone.example.net')!.id;

    await api.call(api.client.removeHost, { name: 'gone.example.net' });
    const ended = await agent.failure();
    expect(ended.code).toBe(status.UNAUTHENTICATED);
    expect(ended.details).toContain("host 'gone.example.net' was removed");
    expect(api.running.agents.isConnected('gone.example.net')).toBe(false);

    const again = new FakeAgent(credential);
    again.send({ $case: 'hello', value: { hostName: 'gone.example.net', agentVersion: '0.1.0', protocolVersion: 2, observedRevision: '0' } });
    expect((await again.failure()).code).toBe(status.UNAUTHENTICATED);

    const before = api.dump();
    expect(() => api.core.reportHostCapabilities(hostId, report(STANDARD))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(api.dump()).toBe(before);
    expect((await api.fail(api.client.getHost, { name: 'gone.example.net' })).code).toBe(status.NOT_FOUND);
  });
});

describe('host credential rotation over the stream', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  /** Whether a credential would be accepted — read only (authenticating with a pending one promotes it). */
  const valid = (credential: string) => Boolean(api.core.ctx.hosts.byCredentialHash(sha256(credential)) ?? api.core.ctx.hosts.byPendingCredentialHash(sha256(credential)));
  const hello = (agent: FakeAgent, host: string) =>
    agent.send({ $case: 'hello', value: { hostName: host, agentVersion: '0.1.0', protocolVersion: 2, observedRevision: '0' } });
  const authenticates = (credential: string) => {
    try {
      api.core.authenticateAgent(credential);
      return true;
    } catch {
      return false;
    }
  };

  it('the agent gets a new credential; both work until it saved it, then only the new one', async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    const { credential: old } = await enroll(token, 'rot.example.net');
    const agent = new FakeAgent(old);
    hello(agent, 'rot.example.net');
    expect((await agent.next()).payload?.$case).toBe('snapshot');
    const issuedBefore = (await api.call(api.client.getHost, { name: 'rot.example.net' })).host!.credentialIssuedAt!;
    api.clock.advance(60_000);

    const rotation = api.call(api.client.rotateHostCredential, { name: 'rot.example.net' });
    const msg = await agent.next();
    expect(msg.payload?.$case).toBe('rotateCredential');
    const fresh = msg.payload?.$case === 'rotateCredential' ? msg.payload.value.credential : '';
    expect(fresh).toMatch(/^hpc_/);
    expect(fresh).not.toBe(old);
    expect([valid(old), valid(fresh)]).toEqual([true, true]); // not saved yet: both

    // A confirmation of another credential than the one issued last retires nothing.
    agent.send({ $case: 'credentialSaved', value: { credentialSha256: sha256('hpc_not_the_one') } });
    await new Promise((r) => setTimeout(r, 100));
    expect([valid(old), valid(fresh)]).toEqual([true, true]);
    agent.send({ $case: 'credentialSaved', value: { credentialSha256: sha256(fresh) } });
    const { host } = await rotation;
    expect(host!.credentialIssuedAt!.getTime()).toBeGreaterThan(issuedBefore.getTime());
    expect([authenticates(old), authenticates(fresh)]).toEqual([false, true]);
    const last = (await api.call(api.client.listEvents, { afterId: '0', types: ['host.credential_rotated'], limit: 1, newest: true, parked: false })).events[0]!;
    expect(last).toMatchObject({ entityName: 'rot.example.net', data: { previousIssuedAt: issuedBefore.toISOString() } });
    agent.close();

    const next = new FakeAgent(old);
    hello(next, 'rot.example.net');
    expect((await next.failure()).code).toBe(status.UNAUTHENTICATED);
  });

  it('a lost confirmation locks nobody out: the agent connecting with the new credential retires the old', async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    const { credential: old } = await enroll(token, 'lost.example.net');
    const agent = new FakeAgent(old);
    hello(agent, 'lost.example.net');
    await agent.next();
    const rotation = api.fail(api.client.rotateHostCredential, { name: 'lost.example.net' });
    const msg = await agent.next();
    const fresh = msg.payload?.$case === 'rotateCredential' ? msg.payload.value.credential : '';
    agent.close(); // saved it, but went away before saying so
    const err = await rotation;
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain('before confirming its new credential: both stay valid');
    expect([valid(old), valid(fresh)]).toEqual([true, true]);

    const again = new FakeAgent(fresh);
    hello(again, 'lost.example.net');
    expect((await again.next()).payload?.$case).toBe('snapshot');
    expect([authenticates(old), authenticates(fresh)]).toEqual([false, true]);
    again.close();
  });

  it('the credentials job sends connected agents whose credential is 30 days old a new one, and only those', async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    const { credential } = await enroll(token, 'aged.example.net');
    const agent = new FakeAgent(credential);
    hello(agent, 'aged.example.net');
    await agent.next();
    const young = await api.call(api.client.runJob, { name: 'credentials' });
    expect(young.summary).not.toContain('aged.example.net');
    api.clock.advance(31 * 86_400_000);
    const due = await api.call(api.client.runJob, { name: 'credentials' });
    expect(due.summary).toContain('aged.example.net');
    expect(due.summary).not.toContain('offline'); // enrolled hosts without a connected agent wait
    const msg = await agent.next();
    expect(msg.payload?.$case).toBe('rotateCredential');
    agent.send({ $case: 'credentialSaved', value: { credentialSha256: sha256(msg.payload?.$case === 'rotateCredential' ? msg.payload.value.credential : '') } });
    await expect.poll(() => authenticates(credential)).toBe(false);
    agent.close();
  });

  it('refused for a host without a connected agent (FAILED_PRECONDITION) and for a missing one (NOT_FOUND), nothing written', async () => {
    api.core.reportCapabilities('offline.example.net', report(STANDARD));
    const before = api.dump();
    const err = await api.fail(api.client.rotateHostCredential, { name: 'offline.example.net' });
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain("host 'offline.example.net' has no connected agent");
    expect((await api.fail(api.client.rotateHostCredential, { name: 'nope.example.net' })).code).toBe(status.NOT_FOUND);
    expect(api.dump()).toBe(before);
  });
});

/** A newly enrolled host's agent, connected, with its report sent and its first snapshot taken. */
async function agentOf(host: string): Promise<FakeAgent> {
  const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
  const { credential } = await enroll(token, host);
  const a = new FakeAgent(credential);
  a.send({ $case: 'hello', value: { hostName: host, agentVersion: '0.1.0', protocolVersion: 2, observedRevision: '0' } });
  a.send({ $case: 'capabilities', value: { report: reportToProto(report(STANDARD)), requestId: '' } });
  expect((await a.next()).payload?.$case).toBe('snapshot');
  return a;
}

describe('moving a webspace between two agents, through the controller', () => {
  it('relays chunks with credit from the target, shows progress, and switches host once the target has it all', async () => {
    const src = await agentOf('src.example.net');
    const dst = await agentOf('dst.example.net');
    await api.call(api.client.createSubscription, { name: 'mv.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'src.example.net', values: {} });
    await src.next(); // its delta
    const moving = api.call(api.client.moveSubscription, { name: 'mv.example', host: 'dst.example.net', allowUnsynced: false });

    const exp = await src.next();
    expect(exp.payload).toMatchObject({ $case: 'moveExport', value: { name: 'mv.example' } });
    const moveId = exp.payload?.$case === 'moveExport' ? exp.payload.value.moveId : '';
    expect((await src.next()).payload).toEqual({ $case: 'moveCredit', value: { moveId, chunks: 8 } });
    src.send({ $case: 'moveChunk', value: { moveId, seq: '0', data: Buffer.alloc(1000, 1), last: false, error: '' } });
    const first = await dst.next();
    expect(first.payload).toMatchObject({ $case: 'moveImport', value: { moveId, name: 'mv.example', seq: '0', last: false } });
    expect(first.payload?.$case === 'moveImport' && first.payload.value.data.length).toBe(1000);
    // Meanwhile the subscription shows how far its content has come, and is still on its host.
    const during = (await api.call(api.client.getSubscription, { name: 'mv.example' })).subscription!;
    expect([during.host, during.move?.to, during.move?.bytes]).toEqual(['src.example.net', 'dst.example.net', '1000']);
    // The target wrote it: the source may send one more.
    dst.send({ $case: 'moveImported', value: { moveId, seq: '0', done: false, error: '' } });
    expect((await src.next()).payload).toEqual({ $case: 'moveCredit', value: { moveId, chunks: 1 } });
    src.send({ $case: 'moveChunk', value: { moveId, seq: '1', data: Buffer.alloc(24, 2), last: true, error: '' } });
    expect((await dst.next()).payload).toMatchObject({ $case: 'moveImport', value: { seq: '1', last: true } });
    dst.send({ $case: 'moveImported', value: { moveId, seq: '1', done: true, error: '' } });
    const done = await moving;
    expect([done.subscription?.host, done.bytes]).toEqual(['dst.example.net', '1024']);
    expect((await api.call(api.client.getSubscription, { name: 'mv.example' })).subscription!.move).toBeUndefined();
    // The target gets the subscription (to realize with what it received), the source its removal.
    expect((await dst.next()).payload).toMatchObject({ $case: 'delta', value: { upserts: [expect.objectContaining({ name: 'mv.example' })] } });
    expect((await src.next()).payload).toMatchObject({ $case: 'delta', value: { removals: ['mv.example'] } });
    src.close();
    dst.close();
  });
});

describe('a hostile source of a move', () => {
  it('a chunk beyond its credit or out of order fails the move; nothing switches', async () => {
    const src = await agentOf('evil-src.example.net');
    const dst = await agentOf('evil-dst.example.net');
    await api.call(api.client.createSubscription, { name: 'hostile.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'evil-src.example.net', values: {} });
    await src.next();
    const moving = api.fail(api.client.moveSubscription, { name: 'hostile.example', host: 'evil-dst.example.net', allowUnsynced: false });
    const exp = await src.next();
    const moveId = exp.payload?.$case === 'moveExport' ? exp.payload.value.moveId : '';
    await src.next(); // its credit
    src.send({ $case: 'moveChunk', value: { moveId, seq: '5', data: Buffer.alloc(10), last: false, error: '' } });
    const err = await moving;
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(err.details).toContain('sent chunk 5 out of order or beyond its credit');
    expect((await api.call(api.client.getSubscription, { name: 'hostile.example' })).subscription!.host).toBe('evil-src.example.net');
    src.close();
    dst.close();
  });
});

describe('apply results, and sub sync retrying at once', () => {
  const HOST = 'web3.example.net';
  let agent: FakeAgent;

  /** Acknowledges the host's current revision with one result for site.example. */
  const ack = (result: { appliedGeneration?: string; error?: string; systemUser?: string }) =>
    agent.send({
      $case: 'ack',
      value: {
        observedRevision: String(api.core.getHost(HOST).revision),
        results: [{ name: 'site.example', appliedGeneration: '1', error: '', systemUser: '', ...result }],
      },
    });
  const subscription = async () => (await api.call(api.client.getSubscription, { name: 'site.example' })).subscription!;
  const host = async () => (await api.call(api.client.getHost, { name: HOST })).host!;
  /** Acks are recorded asynchronously: each one here moves the clock, and its heartbeat shows it was recorded. */
  const recorded = async () => {
    const at = api.clock.now();
    await expect.poll(() => api.core.getHost(HOST).lastHeartbeatAt).toBe(at.toISOString());
  };

  beforeAll(async () => {
    const { token } = await api.call(api.client.createJoinToken, { ttlSeconds: 600 });
    agent = new FakeAgent((await enroll(token, HOST)).credential);
    agent.send({ $case: 'hello', value: { hostName: HOST, agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } });
    expect((await agent.next()).payload?.$case).toBe('snapshot');
    agent.send({ $case: 'capabilities', value: { report: reportToProto(report(STANDARD)), requestId: '' } });
    for (let i = 0; i < 250 && !api.core.getHost(HOST).report; i++) await new Promise((r) => setTimeout(r, 20));
    await api.call(api.client.createSubscription, { name: 'site.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: HOST, values: {} });
    expect((await agent.next()).payload?.$case).toBe('delta');
  });
  afterAll(() => agent.close());

  it('an ack carrying the system user is shown by GetSubscription; an empty one keeps it', async () => {
    expect((await subscription()).systemUser).toBe('');
    api.clock.advance(1000);
    ack({ systemUser: 'hp_site_example' });
    await recorded();
    expect(await subscription()).toMatchObject({ systemUser: 'hp_site_example', appliedGeneration: '1', applyError: '' });
    api.clock.advance(1000);
    ack({ systemUser: '' });
    await recorded();
    expect((await subscription()).systemUser).toBe('hp_site_example');
  });

  it('an ack with an error counts the subscription as failing on its host; a later success clears both', async () => {
    api.clock.advance(1000);
    ack({ appliedGeneration: '0', error: 'nginx -t: unknown directive "fastcgi_pas"' });
    await recorded();
    expect(await subscription()).toMatchObject({ applyError: 'nginx -t: unknown directive "fastcgi_pas"', appliedGeneration: '0', systemUser: 'hp_site_example' });
    expect((await host()).failingSubscriptionCount).toBe(1);
    const { hosts } = await api.call(api.client.listHosts, { state: HostState.HOST_STATE_UNSPECIFIED });
    expect(Object.fromEntries(hosts.filter((h) => h.failingSubscriptionCount > 0).map((h) => [h.name, h.failingSubscriptionCount]))).toEqual({ [HOST]: 1 });

    api.clock.advance(1000);
    ack({});
    await recorded();
    expect(await subscription()).toMatchObject({ applyError: '', appliedGeneration: '1' });
    expect((await host()).failingSubscriptionCount).toBe(0);
  });

  it("a hostile agent's 1 MB apply error is kept cut to 1,000 characters", async () => {
    api.clock.advance(1000);
    ack({ appliedGeneration: '0', error: 'E'.repeat(1024 * 1024) });
    await recorded();
    const { applyError } = await subscription();
    expect(applyError).toHaveLength(1000);
    expect(applyError.endsWith('…')).toBe(true);
    api.clock.advance(1000);
    ack({});
    await recorded();
  });

  it("SyncSubscription sends the subscription's connected agent a fresh snapshot, and no other agent anything", async () => {
    agent.received.length = 0;
    const synced = await api.call(api.client.syncSubscription, { name: 'site.example' });
    expect(synced.conflicts).toEqual([]);
    const snap = await agent.next();
    expect(snap.payload?.$case).toBe('snapshot');
    const value = snap.payload?.$case === 'snapshot' ? snap.payload.value : undefined;
    expect(value!.revision).toBe(String(api.core.getHost(HOST).revision));
    expect(value!.subscriptions.map((s) => s.name)).toEqual(['site.example']);

    // A subscription of a host without a connected agent syncs as before; this agent hears nothing.
    await api.call(api.client.createSubscription, { name: 'elsewhere.example', customer: 'alice', plan: 'Basic', custom: false, addons: [], host: 'web2.example.net', values: {} });
    await api.call(api.client.syncSubscription, { name: 'elsewhere.example' });
    await new Promise((r) => setTimeout(r, 200));
    expect(agent.received).toEqual([]);
  });
});
