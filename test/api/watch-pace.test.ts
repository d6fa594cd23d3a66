/**
 * WatchEvents at the reader's pace: the backlog is written a page at a time, waiting for the stream
 * to drain whenever its buffer is full, so a reader that pauses still gets every event, in order,
 * once it reads again; and the number of live watchers is capped.
 */
import { Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type { WatchEventsResponse } from '@hostplane/proto/hostplane/v1/event.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
const BACKLOG = 20_000;

beforeAll(async () => {
  api = await startTestApi();
  api.core.ctx.tx(() => {
    for (let i = 0; i < BACKLOG; i++) api.core.ctx.record({ type: 'host.removed', entity: `web${i}.example.net`, data: {} });
  });
});
afterAll(() => api.stop());

function open(afterId = '0'): ClientReadableStream<WatchEventsResponse> {
  const md = new Metadata();
  md.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const stream = api.client.watchEvents({ afterId, types: [] }, md);
  stream.on('error', () => undefined); // cancelled by the test
  return stream;
}

describe('WatchEvents', () => {
  it('a reader that pauses gets the whole backlog, in order, once it reads again', async () => {
    const stream = open();
    stream.pause();
    const ids: number[] = [];
    stream.on('data', (m: WatchEventsResponse) => ids.push(Number(m.event!.id)));
    await new Promise((r) => setTimeout(r, 500));
    stream.resume();
    const deadline = Date.now() + 20_000;
    while (ids.length < BACKLOG && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stream.cancel();
    expect(ids).toHaveLength(BACKLOG);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
  });

  it('is capped: past 64 live watchers the next is refused (RESOURCE_EXHAUSTED); closing one makes room', async () => {
    const newest = String(api.core.eventIdRange().newest);
    const streams = Array.from({ length: 64 }, () => open(newest));
    for (const s of streams) s.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const refused = await new Promise<ServiceError>((resolve) => {
      const s = open(newest);
      s.on('error', resolve);
      s.on('data', () => undefined);
    });
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    streams[0]!.cancel();
    await new Promise((r) => setTimeout(r, 300));
    const next = open(newest);
    let failed: ServiceError | undefined;
    next.on('error', (e: ServiceError) => (failed = e));
    await new Promise((r) => setTimeout(r, 300));
    expect(failed).toBeUndefined();
    next.cancel();
    for (const s of streams) s.cancel();
  });
});
