/**
 * The one pipeline of every RPC the controller serves, whatever its kind — unary, server stream,
 * bidirectional stream — and whoever calls: authentication from the metadata (an admin or reseller
 * token, an agent's host credential, or none for enrollment, which carries its join token), the
 * caller's identity around the call, one log line when it fails or ends (method, caller, code,
 * duration), the error metric, and the one error mapping (errors.ts). Handlers only translate
 * proto ↔ use cases. Admin request bodies are decoded only once the caller is authenticated
 * (`decodeAfterAuth`): a stranger's body costs its bytes, never its decoded objects, and a body
 * that is not the message it claims to be is INVALID_ARGUMENT, not INTERNAL.
 */
import type {
  handleBidiStreamingCall,
  MethodDefinition,
  ServiceDefinition,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerDuplexStream,
  ServerUnaryCall,
  ServerWritableStream,
} from '@grpc/grpc-js';
import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { InvalidArgumentError, PermissionDeniedError, UnauthenticatedError } from '@hostplane/shared';
import type { ControllerCore } from '../core.js';
import type { JobSettings } from '../jobs.js';
import type { Logger } from '../logger.js';
import type { HostRecord } from '../store/index.js';
import type { Actor, Principal } from '../usecases/index.js';
import { toGrpcError, type GrpcError } from './errors.js';

/** What the Admin API needs from the agent side (connected sessions), when there is one. */
export interface AgentDirectory {
  isConnected(host: string): boolean;
  /** This controller's name among several on one store (recorded on the hosts whose agents are here). */
  readonly controllerId?: string | undefined;
  /** Asks the host's agent to detect now; resolves with whether its report changed. */
  detect(host: string): Promise<boolean>;
  /** Sends every connected agent a fresh snapshot. */
  resendSnapshots(): void;
  /**
   * Sends the host's connected agent a fresh snapshot, on which it re-applies everything (so a
   * failed apply is retried at once); nothing when it has none.
   */
  resync(host: string): void;
  /** Ends the host's live session (after its removal). */
  disconnect(host: string, reason: string): void;
  /**
   * Gives the host's connected agent a new credential over its stream; resolves once the agent
   * saved it (the previous one is then retired).
   */
  rotateCredential(host: string): Promise<void>;
  /**
   * Moves a subscription's webspace from the source host's agent to the target's (through this
   * controller, with flow control); resolves with the bytes moved once the target holds it all.
   */
  moveContent(name: string, source: string, target: string, limitBytes?: number): Promise<{ bytes: number; moveId: string }>;
  /** The target drops the staged content of a move whose switch did not happen. */
  discardMove(moveId: string, target: string): void;
  /** The move of this subscription under way, if any: where to, and the bytes relayed so far. */
  moveProgress(name: string): { to: string; bytes: number } | undefined;
}

export interface ApiDeps {
  readonly core: ControllerCore;
  readonly log: Logger;
  readonly agents?: AgentDirectory;
  readonly jobSettings?: JobSettings;
  /** Told of every RPC that ended in an error (metrics). */
  readonly onRpcError?: (method: string, code: number) => void;
  /** `sha256:<hex>` of the controller's own CA, when it serves TLS with one (given with join tokens). */
  readonly caHash?: string;
  /** The HTTP listener that serves the node install, once it listens (given with join tokens). */
  readonly install?: () => { readonly port: number; readonly tls: boolean; readonly grpcPort: number } | undefined;
}

/** Metadata by which an admin acts on a reseller's behalf (`hostplane --as-reseller LOGIN`). */
export const AS_RESELLER_METADATA = 'hostplane-as-reseller';

export function bearerToken(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

function asResellerOf(metadata: Metadata): string | undefined {
  const value = metadata.get(AS_RESELLER_METADATA)[0];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Who may call: `admin` — an admin token, or a reseller token on the RPCs a reseller may use, on
 * its own entities only (scope.ts); `admin-only` — an admin token; `none` — anyone (enrollment:
 * the join token in the request is the credential).
 */
export type Access = 'admin' | 'admin-only' | 'none';

/** One call under way: its log, its caller, and how it ends. */
class Call {
  readonly log: Logger;
  private readonly started = performance.now();
  caller: Record<string, unknown> = {};

  constructor(
    private readonly deps: ApiDeps,
    readonly method: string,
    component: string,
  ) {
    this.log = deps.log.child({ component, method });
  }

  /** Maps the error, counts it, logs the call's one line; returns the status to send. */
  failed(err: unknown): GrpcError {
    const e = toGrpcError(err, this.log, this.method);
    this.deps.onRpcError?.(this.method, e.code);
    this.log.info({ ...this.caller, code: e.code, ms: this.ms() }, e.details);
    return e;
  }

  ok(): void {
    this.log.debug({ ...this.caller, ms: this.ms() }, 'ok');
  }

  private ms(): number {
    return Math.round(performance.now() - this.started);
  }
}

/**
 * Refuses a call whose metadata carries no valid token (Admin) or host credential (Agent Connect)
 * before grpc-js reads a byte of its body: a stranger's request costs its headers and what HTTP/2
 * flow control lets it send, never its message. The handlers authenticate again (the same check,
 * the same error); only Enroll (its join token is in the body) and the health and reflection
 * services are read without it.
 */
export function authenticateFirst(deps: ApiDeps): ServerInterceptor {
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const check = method.path.startsWith('/hostplane.v1.Admin/')
              ? () => deps.core.authenticate(bearerToken(metadata))
              : method.path === '/hostplane.v1.Agent/Connect'
                ? () => deps.core.authenticateAgent(bearerToken(metadata))
                : undefined;
            try {
              check?.();
            } catch (err) {
              if (err instanceof UnauthenticatedError) {
                const name = method.path.slice(method.path.lastIndexOf('/') + 1);
                const c = new Call(deps, name, name === 'Connect' ? 'agent-api' : 'admin-api');
                call.sendStatus(c.failed(err));
                return;
              }
              // Anything else (a suspended reseller, …) is the handler's to answer, as it always was.
            }
            proceed(metadata);
          },
        }),
    });
}

/** A request body kept as bytes, decoded by `decoder` once the caller is known (JSON over HTTP). */
export function undecoded(bytes: Buffer, decoder: (bytes: Buffer) => unknown): unknown {
  return new Undecoded(bytes, decoder);
}

/** A request body kept as bytes until the caller is known (see `decodeAfterAuth`). */
class Undecoded {
  constructor(
    readonly bytes: Buffer,
    private readonly decoder: (bytes: Buffer) => unknown,
  ) {}

  decode(method: string): unknown {
    try {
      return this.decoder(this.bytes);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new InvalidArgumentError('request', `the request body of ${method} is not a valid message (${why.slice(0, 120)})`);
    }
  }
}

/** The request of a call, decoded now if `decodeAfterAuth` left it as bytes. */
function decoded<Req>(request: unknown, method: string): Req {
  return (request instanceof Undecoded ? request.decode(method) : request) as Req;
}

/**
 * `service` with each unary and server-streaming method's body left undecoded by grpc-js: the
 * pipeline decodes it after authentication (grpc-js answers INTERNAL when its own decoding fails).
 */
export function decodeAfterAuth<S extends ServiceDefinition>(service: S): S {
  const wrapped: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, def] of Object.entries(service) as [string, MethodDefinition<unknown, unknown>][]) {
    wrapped[name] = def.requestStream ? def : { ...def, requestDeserialize: (bytes: Buffer) => new Undecoded(bytes, def.requestDeserialize) };
  }
  return wrapped as unknown as S;
}

/**
 * Authenticates an Admin call and works out the identity its changes are recorded with: a reseller
 * token, or an admin acting as a reseller (recorded with both identities), is held to the
 * reseller's own entities.
 */
function admit<Req>(deps: ApiDeps, call: Call, metadata: Metadata, access: Access, raw: unknown): { principal?: Principal; actor?: Actor; request: Req } {
  if (access === 'none') return { request: decoded<Req>(raw, call.method) };
  const principal = deps.core.authenticate(bearerToken(metadata));
  call.caller = { actor: principal.name };
  if (principal.role !== 'admin' && !(access === 'admin' && principal.role === 'reseller')) {
    throw new PermissionDeniedError(`token '${principal.name}' (${principal.role}) may not use ${access === 'admin' ? 'the admin API' : call.method}`);
  }
  const request = decoded<Req>(raw, call.method);
  const asReseller = principal.role === 'admin' ? asResellerOf(metadata) : undefined;
  const login = principal.role === 'reseller' ? principal.subject : asReseller;
  const resellerId = login !== undefined ? deps.core.authorizeReseller(login, call.method, request).id : undefined;
  const actor: Actor =
    resellerId === undefined ? { name: principal.name } : { name: principal.name, resellerId, ...(asReseller ? { onBehalfOf: asReseller } : {}) };
  return { principal, actor, request };
}

/** A unary Admin RPC (or, with `access: 'none'`, one that authenticates by its request). */
export function unary<Req, Res>(
  deps: ApiDeps,
  method: string,
  fn: (request: Req, principal: Principal, call: ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
  options: { access?: Access; component?: string } = {},
): handleUnaryCall<Req, Res> {
  return (grpcCall, callback) => {
    const call = new Call(deps, method, options.component ?? 'admin-api');
    try {
      const admitted = admit<Req>(deps, call, grpcCall.metadata, options.access ?? 'admin', grpcCall.request);
      const run = () => fn(admitted.request, admitted.principal as Principal, grpcCall);
      Promise.resolve(admitted.actor ? deps.core.as(admitted.actor, run) : run()).then(
        (res) => {
          call.ok();
          callback(null, res);
        },
        (err: unknown) => callback(call.failed(err)),
      );
    } catch (err) {
      callback(call.failed(err));
    }
  };
}

/**
 * A server-streaming Admin RPC: `fn` writes to the stream (and ends it, or leaves it open for a
 * feed); an error thrown before or by `fn` ends the stream with its status.
 */
export function serverStream<Req, Res>(
  deps: ApiDeps,
  method: string,
  fn: (request: Req, principal: Principal, call: ServerWritableStream<Req, Res>) => void,
  options: { access?: Access } = {},
): handleServerStreamingCall<Req, Res> {
  return (grpcCall) => {
    const call = new Call(deps, method, 'admin-api');
    try {
      const admitted = admit<Req>(deps, call, grpcCall.metadata, options.access ?? 'admin-only', grpcCall.request);
      deps.core.as(admitted.actor!, () => fn(admitted.request, admitted.principal!, grpcCall));
      call.ok();
    } catch (err) {
      grpcCall.emit('error', call.failed(err));
    }
  };
}

/**
 * An agent's bidirectional stream: authenticated by the host credential in the metadata; `fn`
 * gets the host and a way to end the stream with an error (mapped, counted and logged like any).
 */
export function agentStream<Req, Res>(
  deps: ApiDeps,
  method: string,
  fn: (call: ServerDuplexStream<Req, Res>, host: HostRecord, fail: (err: unknown) => void, log: Logger) => void,
): handleBidiStreamingCall<Req, Res> {
  return (grpcCall) => {
    const call = new Call(deps, method, 'agent-api');
    const fail = (err: unknown) => {
      grpcCall.emit('error', call.failed(err));
    };
    let host: HostRecord;
    try {
      host = deps.core.authenticateAgent(bearerToken(grpcCall.metadata));
      call.caller = { host: host.name };
    } catch (err) {
      fail(err);
      return;
    }
    fn(grpcCall, host, fail, call.log.child({ host: host.name }));
  };
}
