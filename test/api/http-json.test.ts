/**
 * The JSON API over HTTP (Connect unary) on a real HTTP server in front of the same handlers as
 * gRPC: what one writes the other reads, the same authentication (before the body is read), the
 * same validation and errors as Connect error JSON with their HTTP status; and curl works.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttp } from '../../controller/src/api/http.js';
import { ADMIN_TOKEN, startTestApi, startTestHttp, type TestApi } from '../helpers/api.js';

let api: TestApi;
let http: RunningHttp & { base: string };
let base: string;

beforeAll(async () => {
  api = await startTestApi();
  http = await startTestHttp(api);
  base = http.base;
});
afterAll(async () => {
  await http?.close();
  await api?.stop();
});

async function post(method: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }) {
  const res = await fetch(`${base}/hostplane.v1.Admin/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'connect-protocol-version': '1', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('JSON over HTTP (Connect unary)', () => {
  it('is the same API as gRPC: a plan created over JSON is read over gRPC, and back, in proto3 JSON', async () => {
    const created = await post('CreatePlan', { name: 'Gold', kind: 'PLAN_KIND_SERVICE', values: { 'limits.disk_space': { stringValue: '10G' }, 'hosting.php': { boolValue: true } } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ plan: { name: 'Gold', kind: 'PLAN_KIND_SERVICE', version: '1', values: { 'limits.disk_space': { intValue: String(10 * 1024 ** 3) }, 'hosting.php': { boolValue: true } } } });
    const overGrpc = await api.call(api.client.getPlan, { name: 'Gold' });
    expect(overGrpc.plan?.values['hosting.php']).toEqual({ kind: { $case: 'boolValue', value: true } });
    const listed = await post('ListPlans', {});
    expect((listed.json.plans as { name: string }[]).map((p) => p.name)).toContain('Gold');
    expect(typeof (listed.json.plans as { createdAt: unknown }[])[0]!.createdAt).toBe('string'); // RFC 3339, as proto3 JSON says
  });

  it('bad input is invalid_argument (400) naming the field; a missing entity not_found (404); nothing written', async () => {
    const before = api.dump();
    const bad = await post('CreatePlan', { name: 'Bad', values: { 'limits.disk_spcae': { stringValue: '10G' } } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('limits.disk_spcae') });
    const missing = await post('GetPlan', { name: 'Nope' });
    expect(missing).toEqual({ status: 404, json: { code: 'not_found', message: expect.stringContaining('Nope') } });
    const malformed = await post('CreatePlan', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/^the request body of CreatePlan is not a valid message/) });
    expect(api.dump()).toBe(before);
  });

  it('without a valid token: unauthenticated (401), decided from the header alone', async () => {
    expect(await post('ListPlans', {}, {})).toEqual({ status: 401, json: { code: 'unauthenticated', message: expect.stringContaining('missing bearer token') } });
    expect((await post('ListPlans', {}, { authorization: 'Bearer nope' })).status).toBe(401);
    const huge = await post('CreatePlan', 'x'.repeat(5 * 1024 * 1024), {}); // never read
    expect(huge).toMatchObject({ status: 401, json: { code: 'unauthenticated' } });
  });

  it('refuses what is not a unary call in JSON: unknown procedure, another method, another content type, a body over 4 MiB', async () => {
    const unknown = await fetch(`${base}/hostplane.v1.Admin/Nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(501);
    expect(await unknown.json()).toMatchObject({ code: 'unimplemented' });
    expect((await fetch(`${base}/hostplane.v1.Admin/ListPlans`)).status).toBe(405);
    const proto = await fetch(`${base}/hostplane.v1.Admin/ListPlans`, { method: 'POST', headers: { 'content-type': 'application/proto', authorization: `Bearer ${ADMIN_TOKEN}` }, body: '' });
    expect(proto.status).toBe(415);
    const big = await post('CreatePlan', JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) }));
    expect(big).toMatchObject({ status: 429, json: { code: 'resource_exhausted' } });
  });

  it('curl works, as the README shows it', async () => {
    const { stdout } = await promisify(execFile)('curl', [
      '-sS', '-X', 'POST', `${base}/hostplane.v1.Admin/GetPlan`,
      '-H', 'Content-Type: application/json',
      '-H', `Authorization: Bearer ${ADMIN_TOKEN}`,
      '-d', '{"name":"Gold"}',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ plan: { name: 'Gold', kind: 'PLAN_KIND_SERVICE', version: '1' } });
  });
});

describe('WatchEvents as Connect server streaming', () => {
  /** Reads enveloped messages from a Connect stream until `until` says stop. */
  async function readStream(res: Response, until: (messages: { flags: number; json: Record<string, unknown> }[]) => boolean) {
    const reader = res.body!.getReader();
    let buffer = Buffer.alloc(0);
    const messages: { flags: number; json: Record<string, unknown> }[] = [];
    while (!until(messages)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = Buffer.concat([buffer, Buffer.from(value)]);
      while (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt32BE(1)) {
        const len = buffer.readUInt32BE(1);
        messages.push({ flags: buffer[0]!, json: JSON.parse(buffer.subarray(5, 5 + len).toString()) as Record<string, unknown> });
        buffer = buffer.subarray(5 + len);
      }
    }
    await reader.cancel();
    return messages;
  }
  const watch = (body: Buffer, token = ADMIN_TOKEN) =>
    fetch(`${base}/hostplane.v1.Admin/WatchEvents`, {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json', 'connect-protocol-version': '1', authorization: `Bearer ${token}` },
      body,
    });
  const request = (json: unknown) => {
    const text = Buffer.from(JSON.stringify(json));
    const head = Buffer.alloc(5);
    head.writeUInt32BE(text.length, 1);
    return Buffer.concat([head, text]);
  };

  it('replays the backlog after an id, then streams new events as they happen', async () => {
    const res = await watch(request({ afterId: '0', types: ['plan'] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/connect+json');
    const pending = readStream(res, (m) => m.some((x) => (x.json.event as { entityName?: string } | undefined)?.entityName === 'Live'));
    await api.call(api.client.createPlan, { name: 'Live', kind: 1, values: {}, reseller: '' });
    const messages = await pending;
    const names = messages.map((m) => (m.json.event as { type: string; entityName: string }).entityName);
    expect(names[0]).toBe('Gold'); // the backlog first (created above)
    expect(names.at(-1)).toBe('Live');
    expect(messages.every((m) => m.flags === 0 && (m.json.event as { type: string }).type.startsWith('plan.'))).toBe(true);
  });

  it('an error ends the stream with an end-of-stream message carrying the Connect error', async () => {
    const res = await watch(request({ afterId: '0', types: ['nope!'] }));
    expect(res.status).toBe(200);
    const messages = await readStream(res, () => false);
    expect(messages).toEqual([{ flags: 2, json: { error: { code: 'invalid_argument', message: expect.stringContaining("'nope!'") } } }]);
    const bad = await readStream(await watch(Buffer.from('{}')), () => false);
    expect(bad[0]).toMatchObject({ flags: 2, json: { error: { code: 'invalid_argument' } } });
  });
});
