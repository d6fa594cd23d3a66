/**
 * A stock Connect client — @connectrpc/connect with its fetch transport, as a browser or a billing
 * system would use it — against the controller's JSON API, with nothing of hostplane's code on the
 * client side: the service and its messages come from the .proto files alone (a descriptor set that
 * buf builds from them here), so this is what any Connect user gets. Unary calls, a Connect error
 * with its code, and WatchEvents as a server stream.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttp } from '../../controller/src/api/http.js';
import { ADMIN_TOKEN, startTestApi, startTestHttp, type TestApi } from '../helpers/api.js';
import { tempDir } from '../helpers/processes.js';

let api: TestApi;
let http: RunningHttp & { base: string };
// The client's shape is the descriptor's (fields in camelCase, int64 as bigint, enums as numbers),
// known only at run time here: the methods used are typed loosely.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Rpc = (req: Any, options?: Any) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
let admin: { createPlan: Rpc; getPlan: Rpc; listPlans: Rpc; whoAmI: Rpc; watchEvents: Rpc };

beforeAll(async () => {
  api = await startTestApi();
  http = await startTestHttp(api);
  const image = join(tempDir('hostplane-image-'), 'hostplane.binpb');
  execFileSync(join(process.cwd(), 'node_modules/.bin/buf'), ['build', '-o', image], { cwd: process.cwd() });
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(image)));
  const service = registry.getService('hostplane.v1.Admin')!;
  const transport = createConnectTransport({
    baseUrl: `http://127.0.0.1:${http.port}`,
    useBinaryFormat: false, // JSON: the controller speaks Connect's JSON codec
    interceptors: [
      (next) => (req) => {
        req.header.set('authorization', `Bearer ${ADMIN_TOKEN}`);
        return next(req);
      },
    ],
  });
  admin = createClient(service, transport) as unknown as typeof admin;
}, 30_000);
afterAll(async () => {
  await http?.close();
  await api?.stop();
});

describe('a stock Connect client', () => {
  it('calls unary RPCs: what it creates gRPC reads, and back', async () => {
    const created = await admin.createPlan({ name: 'Gold', kind: 1, values: { 'limits.disk_space': { kind: { case: 'stringValue', value: '10G' } } } });
    expect(created.plan.name).toBe('Gold');
    expect(created.plan.version).toBe(1n);
    expect(created.plan.values['limits.disk_space'].kind).toEqual({ case: 'intValue', value: BigInt(10 * 1024 ** 3) });
    expect((await api.call(api.client.getPlan, { name: 'Gold' })).plan?.name).toBe('Gold');
    const listed = await admin.listPlans({});
    expect(listed.plans.map((p: Any) => p.name)).toEqual(['Gold']);
    expect(await admin.whoAmI({})).toMatchObject({ name: 'bootstrap-admin', role: 'admin', reseller: '' });
  });

  it('gets a ConnectError with the code and the message naming the entity', async () => {
    const err = await admin.getPlan({ name: 'Nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect((err as ConnectError).rawMessage).toContain('Nope');
    const bad = await admin.createPlan({ name: 'Bad', kind: 1, values: { 'limits.disk_spcae': { kind: { case: 'stringValue', value: '1G' } } } }).catch((e: unknown) => e);
    expect((bad as ConnectError).code).toBe(Code.InvalidArgument);
    expect((bad as ConnectError).rawMessage).toContain('limits.disk_spcae');
  });

  it('follows WatchEvents as a server stream', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const res of admin.watchEvents({ afterId: 0n, types: ['plan'] }, { signal: abort.signal }) as AsyncIterable<Any>) {
        seen.push(`${res.event.type} ${res.event.entityName}`);
        if (res.event.entityName === 'Live') abort.abort();
      }
    })().catch((err: unknown) => {
      if (!(err instanceof ConnectError && err.code === Code.Canceled)) throw err;
    });
    await api.call(api.client.createPlan, { name: 'Live', kind: 1, values: {}, reseller: '' });
    await reading;
    expect(seen).toEqual(['plan.created Gold', 'plan.created Live']);
  });
});
