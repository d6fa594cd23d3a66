/**
 * Worker of the fan-out benchmark: simulated agents, each a real gRPC Connect stream. An agent
 * says hello, reports its capabilities, and acknowledges every snapshot or delta at once (no
 * realization) as the real agent does when all applied — the revision, no per-subscription
 * results — recording when it acknowledged each revision.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { credentials, Metadata } from '@grpc/grpc-js';
import { reportToProto, type CapabilityReport } from '@hostplane/shared';
import { AgentClient, type ConnectResponse } from '@hostplane/proto/hostplane/v1/agent.js';

interface Input {
  address: string;
  agents: { host: string; credential: string }[];
  report: CapabilityReport;
}

const input = workerData as Input;
const channels = 8; // several HTTP/2 connections, as many real agents would have
const clients = Array.from({ length: channels }, (_, i) => new AgentClient(input.address, credentials.createInsecure(), { 'grpc.channel_id_hint': i, 'grpc.use_local_subchannel_pool': 1 }));
const ackedAt = new Map<string, number>(); // host → wall time of the last ack
const revisionOf = new Map<string, number>();
let snapshots = 0;
let targetRevision = -1;
let atTarget = 0; // agents that acknowledged the target revision

input.agents.forEach((a, i) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${a.credential}`);
  const stream = clients[i % channels]!.connect(md);
  stream.on('data', (msg: ConnectResponse) => {
    const p = msg.payload;
    if (!p || (p.$case !== 'snapshot' && p.$case !== 'delta')) return;
    stream.write({ payload: { $case: 'ack', value: { observedRevision: p.value.revision, results: [] } } });
    const rev = Number(p.value.revision);
    if (targetRevision >= 0 && rev >= targetRevision && (revisionOf.get(a.host) ?? -1) < targetRevision) atTarget++;
    revisionOf.set(a.host, rev);
    ackedAt.set(a.host, performance.timeOrigin + performance.now());
    if (p.$case === 'snapshot' && ++snapshots === input.agents.length) parentPort!.postMessage({ type: 'connected' });
    if (targetRevision >= 0 && atTarget === input.agents.length) report();
  });
  stream.on('error', (e) => parentPort!.postMessage({ type: 'error', message: `${a.host}: ${e.message}` }));
  stream.write({ payload: { $case: 'hello', value: { hostName: a.host, agentVersion: 'bench', protocolVersion: 2, observedRevision: '0' } } });
  stream.write({ payload: { $case: 'capabilities', value: { report: reportToProto(input.report), requestId: '' } } });
});

let reported = false;
function report(): void {
  if (reported) return;
  reported = true;
  parentPort!.postMessage({ type: 'acked', ackedAt: Object.fromEntries(ackedAt) });
}

parentPort!.on('message', (m: { type: string; revision?: number }) => {
  if (m.type === 'expect') {
    targetRevision = m.revision!;
    atTarget = [...revisionOf.values()].filter((r) => r >= targetRevision).length;
    reported = false;
  }
  if (m.type === 'close') {
    for (const c of clients) c.close();
    process.exit(0);
  }
});
