/**
 * JSON over HTTP: every Admin RPC in the Connect protocol — unary calls in its unary form,
 * `POST /hostplane.v1.Admin/<Method>`, `Content-Type: application/json`, the request message in
 * proto3 JSON, `Authorization: Bearer <token>` — answered with the response message in proto3 JSON,
 * or a Connect error (`{"code":"invalid_argument","message":"…"}` with its HTTP status); the server
 * stream (WatchEvents) as Connect streaming (`application/connect+json`, enveloped messages, an
 * end-of-stream message that carries the error if any), written at the reader's pace.
 *
 * Nothing here is a second list of routes: the methods are those of the generated Admin service
 * definition, their message types are found by name in the generated code (whose fromJSON/toJSON
 * are proto3 JSON), and each call goes to the very gRPC handler (the gRPC server's own set when given) — the same authentication (from the
 * header, before the body is read), validation, reseller scoping, logging and error mapping.
 *
 * The same listener serves the web console (console.ts) at `/` and the node install (install.ts).
 */
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { MAX_MESSAGE_BYTES, UnauthenticatedError } from '@hostplane/shared';
import { AdminService, type AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import * as customer from '@hostplane/proto/hostplane/v1/customer.js';
import * as event from '@hostplane/proto/hostplane/v1/event.js';
import * as host from '@hostplane/proto/hostplane/v1/host.js';
import * as job from '@hostplane/proto/hostplane/v1/job.js';
import * as plan from '@hostplane/proto/hostplane/v1/plan.js';
import * as reseller from '@hostplane/proto/hostplane/v1/reseller.js';
import * as subscription from '@hostplane/proto/hostplane/v1/subscription.js';
import * as token from '@hostplane/proto/hostplane/v1/token.js';
import { adminService } from './admin-service.js';
import { AS_RESELLER_METADATA, bearerToken, undecoded, type ApiDeps } from './pipeline.js';
import { loadPackageDefinition } from './protos.js';
import { installRoutes } from './install.js';
import { consoleRoutes } from './console.js';

/** A generated message type: proto3 JSON both ways. */
interface MessageType {
  fromJSON(object: unknown): unknown;
  toJSON(message: unknown): unknown;
}

interface Procedure {
  readonly name: string;
  readonly handler: (call: unknown, callback?: (err: ServiceError | null, res?: unknown) => void) => void;
  readonly request: MessageType;
  readonly response: MessageType;
  /** A server stream (WatchEvents): Connect streaming, `application/connect+json`. */
  readonly streaming: boolean;
}

/** Connect error codes by gRPC code, and their HTTP status (connectrpc.com/docs/protocol). */
const CONNECT: Record<number, [code: string, http: number]> = {
  [status.CANCELLED]: ['canceled', 499],
  [status.UNKNOWN]: ['unknown', 500],
  [status.INVALID_ARGUMENT]: ['invalid_argument', 400],
  [status.DEADLINE_EXCEEDED]: ['deadline_exceeded', 504],
  [status.NOT_FOUND]: ['not_found', 404],
  [status.ALREADY_EXISTS]: ['already_exists', 409],
  [status.PERMISSION_DENIED]: ['permission_denied', 403],
  [status.RESOURCE_EXHAUSTED]: ['resource_exhausted', 429],
  [status.FAILED_PRECONDITION]: ['failed_precondition', 400],
  [status.ABORTED]: ['aborted', 409],
  [status.OUT_OF_RANGE]: ['out_of_range', 400],
  [status.UNIMPLEMENTED]: ['unimplemented', 501],
  [status.INTERNAL]: ['internal', 500],
  [status.UNAVAILABLE]: ['unavailable', 503],
  [status.DATA_LOSS]: ['data_loss', 500],
  [status.UNAUTHENTICATED]: ['unauthenticated', 401],
};

/** The unary Admin procedures by path, from the service definition and the generated messages. */
export function adminProcedures(deps: ApiDeps, admin: AdminServer = adminService(deps)): Map<string, Procedure> {
  const types = new Map<string, MessageType>();
  for (const mod of [customer, event, host, job, plan, reseller, subscription, token]) {
    for (const [name, value] of Object.entries(mod)) {
      if (value && typeof value === 'object' && 'fromJSON' in value && 'toJSON' in value) types.set(name, value as MessageType);
    }
  }
  const described = loadPackageDefinition()['hostplane.v1.Admin'] as Record<string, { requestType: { type: { name: string } }; responseType: { type: { name: string } } }>;
  const handlers = admin as unknown as Record<string, Procedure['handler']>;
  const procedures = new Map<string, Procedure>();
  for (const [key, def] of Object.entries(AdminService)) {
    if (def.requestStream) continue; // no client streams in the Admin service
    const name = def.path.slice(def.path.lastIndexOf('/') + 1);
    const d = described[name];
    const request = d && types.get(d.requestType.type.name);
    const response = d && types.get(d.responseType.type.name);
    if (!request || !response || !handlers[key]) throw new Error(`no JSON mapping for ${def.path}`);
    procedures.set(def.path, { name, handler: handlers[key]!, request, response, streaming: def.responseStream });
  }
  return procedures;
}

function send(res: ServerResponse, httpStatus: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, code: number, message: string): void {
  const [connectCode, httpStatus] = CONNECT[code] ?? ['unknown', 500];
  // The request's body may still be arriving: it is not read, and the connection is not reused.
  res.setHeader('connection', 'close');
  send(res, httpStatus, { code: connectCode, message });
}

/** The body, at most MAX_MESSAGE_BYTES; undefined (and answered) when larger. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_MESSAGE_BYTES) {
        sendError(res, status.RESOURCE_EXHAUSTED, `the request body is larger than ${MAX_MESSAGE_BYTES} bytes`);
        req.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Handles one HTTP request of the JSON API. */
export function jsonApiHandler(deps: ApiDeps, caPem?: string, admin?: AdminServer): (req: IncomingMessage, res: ServerResponse) => void {
  const procedures = adminProcedures(deps, admin);
  const install = installRoutes(caPem);
  const serveConsole = consoleRoutes();
  return (req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (serveConsole(req, res, path)) return;
      if (await install(req, res, path)) return;
      const procedure = procedures.get(path);
      if (!procedure) return sendError(res, status.UNIMPLEMENTED, `no procedure ${path.slice(0, 100)}: POST /hostplane.v1.Admin/<Method>, e.g. /hostplane.v1.Admin/ListPlans`);
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return send(res, 405, { code: 'unimplemented', message: `${procedure.name}: use POST` });
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const expected = procedure.streaming ? 'application/connect+json' : 'application/json';
      if (type !== expected) {
        res.setHeader('accept-post', expected);
        return send(res, 415, { code: 'invalid_argument', message: `${procedure.name}: Content-Type must be ${expected} (got '${type.slice(0, 60)}')` });
      }
      const version = req.headers['connect-protocol-version'];
      if (version !== undefined && version !== '1') return sendError(res, status.INVALID_ARGUMENT, `connect-protocol-version must be 1 (got '${String(version).slice(0, 20)}')`);
      const metadata = new Metadata();
      if (typeof req.headers.authorization === 'string') metadata.set('authorization', req.headers.authorization);
      const asReseller = req.headers[AS_RESELLER_METADATA];
      if (typeof asReseller === 'string') metadata.set(AS_RESELLER_METADATA, asReseller);
      // Who is calling, from the header alone: a stranger's body is never read.
      try {
        deps.core.authenticate(bearerToken(metadata));
      } catch (err) {
        if (err instanceof UnauthenticatedError) {
          // Counted and logged as the gRPC interceptor's refusals are.
          deps.onRpcError?.(procedure.name, status.UNAUTHENTICATED);
          deps.log.info({ component: 'http-api', method: procedure.name, code: status.UNAUTHENTICATED }, err.message);
          return sendError(res, status.UNAUTHENTICATED, err.message);
        }
      }
      const body = await readBody(req, res);
      if (body === undefined) return;
      if (procedure.streaming) return serveStream(procedure, body, metadata, res);
      const request = undecoded(body, (bytes) => procedure.request.fromJSON(JSON.parse(bytes.length === 0 ? '{}' : bytes.toString('utf8'))));
      procedure.handler({ request, metadata }, (err, response) => {
        if (err) return sendError(res, err.code ?? status.UNKNOWN, err.details ?? err.message);
        send(res, 200, procedure.response.toJSON(response));
      });
    })().catch((err: unknown) => {
      deps.log.error({ component: 'http-api', err: (err as Error).message }, 'request failed');
      if (!res.headersSent) sendError(res, status.INTERNAL, 'internal error');
    });
  };
}

/** One Connect envelope: flags, length (big-endian), JSON. */
function envelope(flags: number, body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body));
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(json.length, 1);
  return Buffer.concat([head, json]);
}

const END_STREAM = 0x02;

/**
 * A Connect server stream over the gRPC server-stream handler: the handler writes messages (each an
 * envelope, at the reader's pace: `write()` says when the socket is full, 'drain' when it is not),
 * ends the stream, or fails it; the end is an end-of-stream envelope (`{}` or `{"error":…}`).
 */
class ConnectServerStream extends EventEmitter {
  cancelled = false;
  private ended = false;

  constructor(
    public request: unknown,
    readonly metadata: Metadata,
    private readonly response: MessageType,
    private readonly res: ServerResponse,
  ) {
    super();
    res.writeHead(200, { 'content-type': 'application/connect+json', 'cache-control': 'no-store' });
    res.on('drain', () => this.emit('drain'));
    res.on('close', () => {
      if (!this.ended) {
        this.cancelled = true;
        this.ended = true;
        this.emit('cancelled');
      }
      this.emit('close');
    });
    // An error emitted by the handler (or the pipeline) ends the stream with it.
    this.on('error', (err: ServiceError) => this.finish({ error: connectError(err.code ?? status.UNKNOWN, err.details ?? err.message) }));
  }

  write(message: unknown): boolean {
    if (this.ended) return false;
    return this.res.write(envelope(0, this.response.toJSON(message)));
  }

  end(): void {
    this.finish({});
  }

  private finish(body: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end(envelope(END_STREAM, body));
  }
}

function connectError(code: number, message: string): { code: string; message: string } {
  return { code: (CONNECT[code] ?? ['unknown'])[0], message };
}

function serveStream(procedure: Procedure, body: Buffer, metadata: Metadata, res: ServerResponse): void {
  // The request is one envelope: flags 0 (no compression), its length, then the JSON message.
  const length = body.length >= 5 ? body.readUInt32BE(1) : -1;
  const stream = new ConnectServerStream(undefined, metadata, procedure.response, res);
  if (body.length < 5 || body[0] !== 0 || length !== body.length - 5) {
    stream.emit('error', { code: status.INVALID_ARGUMENT, details: `${procedure.name}: the request is not one uncompressed Connect envelope` });
    return;
  }
  stream.request = undecoded(body.subarray(5), (bytes) => procedure.request.fromJSON(JSON.parse(bytes.length === 0 ? '{}' : bytes.toString('utf8'))));
  procedure.handler(stream);
}

export interface RunningHttp {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the JSON API on `host:port` (HTTPS with `tls`, as the gRPC port). */
export async function startHttpServer(
  deps: ApiDeps,
  options: {
    host: string;
    port: number;
    tls?: { cert: Buffer; key: Buffer } | undefined;
    caPem?: string | undefined;
    /** The gRPC server's Admin handlers, to share (one watcher cap, one state); else a set of its own. */
    admin?: AdminServer | undefined;
  },
): Promise<RunningHttp> {
  const handler = jsonApiHandler(deps, options.caPem, options.admin);
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
