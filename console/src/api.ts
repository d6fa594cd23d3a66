/**
 * The controller's JSON API (the Connect protocol over HTTP, on the listener that serves this
 * console): each call a POST of the request message in proto3 JSON with the session's bearer token,
 * encoded and decoded by the generated message types the controller itself uses. The token travels
 * in the Authorization header only — never in a URL, a cookie or a log — so no other site can make
 * the browser call the API on the user's behalf (no ambient credentials: nothing to forge).
 */
import type { Event, WatchEventsRequest } from '@hostplane/proto/hostplane/v1/event.js';
import { WatchEventsRequest as WatchEventsRequestFns, WatchEventsResponse } from '@hostplane/proto/hostplane/v1/event.js';

/** A generated message type: proto3 JSON both ways. */
export interface MessageType<T> {
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  fromPartial(object: never): T;
}

/** A refused or failed call: the Connect error code (`not_found`, …) and the controller's message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'hostplane.token';

/** The bearer token of this tab: session storage (gone with the tab), never a cookie or a URL. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Called when the controller no longer accepts the token (revoked, expired): back to sign-in. */
let onUnauthenticated: (message: string) => void = () => {};
export function whenUnauthenticated(fn: (message: string) => void): void {
  onUnauthenticated = fn;
}

function headers(token: string, contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'connect-protocol-version': '1', authorization: `Bearer ${token}` };
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: { code?: unknown; message?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not a Connect error body (a proxy's page, say): the HTTP status speaks for it.
  }
  const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
  const message = typeof body.message === 'string' ? body.message : `${res.status} ${res.statusText}`;
  return new ApiError(code, message, res.status);
}

/**
 * Calls `hostplane.v1.Admin/<method>`. `token` overrides the session's (sign-in tries a token before
 * keeping it). Throws ApiError; an unauthenticated answer also ends the session.
 */
export async function call<Req, Res>(
  method: string,
  requestType: MessageType<Req>,
  responseType: MessageType<Res>,
  request: Partial<Req>,
  token: string | null = session.token(),
): Promise<Res> {
  if (!token) throw new ApiError('unauthenticated', 'not signed in', 401);
  const body = JSON.stringify(requestType.toJSON(requestType.fromPartial(request as never)));
  let res: Response;
  try {
    res = await fetch(`/hostplane.v1.Admin/${method}`, { method: 'POST', headers: headers(token, 'application/json'), body, cache: 'no-store' });
  } catch (err) {
    throw new ApiError('unavailable', `the controller cannot be reached (${(err as Error).message})`, 0);
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (err.code === 'unauthenticated' && token === session.token()) onUnauthenticated(err.message);
    throw err;
  }
  return responseType.fromJSON(await res.json());
}

/** One Connect envelope: flags, big-endian length, the JSON message. */
function envelope(message: unknown): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(5 + json.length);
  new DataView(out.buffer).setUint32(1, json.length);
  out.set(json, 5);
  return out;
}

/**
 * Follows the event feed (`WatchEvents`, a Connect server stream): `onEvent` for each event after
 * `afterId`, until `signal` aborts it or the stream ends (resolved) or fails (ApiError).
 */
export async function watchEvents(request: Partial<WatchEventsRequest>, onEvent: (e: Event) => void, signal: AbortSignal): Promise<void> {
  const token = session.token();
  if (!token) throw new ApiError('unauthenticated', 'not signed in', 401);
  const body = envelope(WatchEventsRequestFns.toJSON(WatchEventsRequestFns.fromPartial(request)));
  const res = await fetch('/hostplane.v1.Admin/WatchEvents', { method: 'POST', headers: headers(token, 'application/connect+json'), body, signal, cache: 'no-store' });
  if (!res.ok || !res.body) {
    const err = await errorOf(res);
    if (err.code === 'unauthenticated') onUnauthenticated(err.message);
    throw err;
  }
  const reader = res.body.getReader();
  let buffer = new Uint8Array(0);
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    while (buffer.length >= 5) {
      const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      const flags = view.getUint8(0);
      const length = view.getUint32(1);
      if (buffer.length < 5 + length) break;
      const message = JSON.parse(decoder.decode(buffer.subarray(5, 5 + length))) as Record<string, unknown>;
      buffer = buffer.slice(5 + length);
      if (flags & 0x02) {
        const error = message['error'] as { code?: string; message?: string } | undefined;
        if (error) {
          if (error.code === 'unauthenticated') onUnauthenticated(error.message ?? '');
          throw new ApiError(error.code ?? 'unknown', error.message ?? 'the event stream failed', 200);
        }
        return;
      }
      const event = WatchEventsResponse.fromJSON(message).event;
      if (event) onEvent(event);
    }
  }
}
