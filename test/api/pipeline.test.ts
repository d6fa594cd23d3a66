/**
 * The one RPC pipeline: every kind of call — unary Admin, server stream, the agent's enrollment and
 * its bidirectional stream — is refused the same way without valid credentials, counted in the
 * error metric under its method, and logged in one line with its code.
 */
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { AdminClient } from '@hostplane/proto/hostplane/v1/admin.js';
import { AgentClient } from '@hostplane/proto/hostplane/v1/agent.js';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGrpcServer, type RunningServer } from '../../controller/src/api/server.js';
import { openTestCore, type TestCore } from '../helpers/core.js';

let t: TestCore;
let running: RunningServer;
let address: string;
const errors: [string, number][] = [];
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = openTestCore();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  running = await startGrpcServer({ core: t.core, log, onRpcError: (method, code) => errors.push([method, code]) }, { listen: '127.0.0.1:0' });
  address = `127.0.0.1:${running.port}`;
});

afterAll(async () => {
  await running.shutdown(500);
  t.close();
});

const bad = () => {
  const md = new Metadata();
  md.set('authorization', 'Bearer not-a-token');
  return md;
};

function refusal(start: (done: (err: ServiceError) => void) => void): Promise<ServiceError> {
  return new Promise((resolve) => start(resolve));
}

describe('every call kind through one pipeline', () => {
  it('unary, server stream, enrollment and the agent stream: refused, counted and logged alike', async () => {
    const admin = new AdminClient(address, credentials.createInsecure());
    const agent = new AgentClient(address, credentials.createInsecure());
    const unary = await refusal((done) => admin.listPlans({ kind: 0 }, bad(), (err) => done(err!)));
    const watch = await refusal((done) => admin.watchEvents({ afterId: undefined, types: [] }, bad()).on('error', done).on('data', () => undefined));
    const enroll = await refusal((done) => agent.enroll({ joinToken: 'hpj_nope', hostName: 'web1.test' }, (err) => done(err!)));
    const connect = await refusal((done) => {
      const s = agent.connect(bad());
      s.on('error', done);
      s.on('data', () => undefined);
    });
    admin.close();
    agent.close();

    expect(unary.code).toBe(status.UNAUTHENTICATED);
    expect(watch.code).toBe(status.UNAUTHENTICATED);
    expect(connect.code).toBe(status.UNAUTHENTICATED);
    expect([status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.NOT_FOUND, status.INVALID_ARGUMENT]).toContain(enroll.code);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['ListPlans', status.UNAUTHENTICATED],
        ['WatchEvents', status.UNAUTHENTICATED],
        ['Enroll', enroll.code],
        ['Connect', status.UNAUTHENTICATED],
      ]),
    );
    for (const method of ['ListPlans', 'WatchEvents', 'Enroll', 'Connect']) {
      const line = lines.find((l) => l.method === method && typeof l.code === 'number');
      expect(line, method).toMatchObject({ method, code: expect.any(Number), ms: expect.any(Number) });
      expect(JSON.stringify(line)).not.toMatch(/not-a-token|hpj_nope/); // no secret in any log line
    }
  });
});
