/**
 * The wrapper of every authenticated unary Admin RPC: bearer-token check, the call, error mapping
 * and a structured log line. Handlers stay translations between proto and the core.
 */
import type { handleUnaryCall, Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { PermissionDeniedError } from '@hostplane/shared';
import type { ControllerCore } from '../core.js';
import type { JobSettings } from '../jobs.js';
import type { Logger } from '../logger.js';
import { authenticate, type Principal } from '../usecases/index.js';
import { toGrpcError } from './errors.js';
import { authorizeReseller } from './scope.js';

/** What the Admin API needs from the agent side (connected sessions), when there is one. */
export interface AgentDirectory {
  isConnected(host: string): boolean;
  /** Asks the host's agent to detect now; resolves with whether its report changed. */
  detect(host: string): Promise<boolean>;
  /** Sends every connected agent a fresh snapshot. */
  resendSnapshots(): void;
  /**
   * Sends the host's connected agent a fresh snapshot, on which it re-applies everything (so a
   * failed apply is retried at once); nothing when it has none.
   */
  resync(host: string): void;
}

export interface ApiDeps {
  readonly core: ControllerCore;
  readonly log: Logger;
  readonly agents?: AgentDirectory;
  readonly jobSettings?: JobSettings;
  /** Told of every RPC that ended in an error (metrics). */
  readonly onRpcError?: (method: string, code: number) => void;
}

/** Metadata by which an admin acts on a reseller's behalf (`hostplane --as-reseller LOGIN`). */
export const AS_RESELLER_METADATA = 'hostplane-as-reseller';

function asResellerOf(metadata: Metadata): string | undefined {
  const value = metadata.get(AS_RESELLER_METADATA)[0];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function bearerToken(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/** Authenticates the call and requires the admin role (see `unary` for reseller tokens). */
export function principalOf(deps: ApiDeps, call: { metadata: Metadata }, allowReseller = false): Principal {
  const principal = authenticate(deps.core.ctx, bearerToken(call.metadata));
  if (principal.role === 'admin' || (allowReseller && principal.role === 'reseller')) return principal;
  throw new PermissionDeniedError(`token '${principal.name}' (${principal.role}) may not use the admin API`);
}

export function unary<Req, Res>(
  deps: ApiDeps,
  method: string,
  fn: (request: Req, principal: Principal, call: ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = performance.now();
    const log = deps.log.child({ component: 'admin-api', method });
    let principal: Principal | undefined;
    const fail = (err: unknown) => {
      const e = toGrpcError(err, log, method);
      deps.onRpcError?.(method, e.code);
      log.info({ actor: principal?.name, code: e.code, ms: Math.round(performance.now() - started) }, e.details);
      callback(e);
    };
    try {
      principal = principalOf(deps, call, true);
      const p = principal;
      // A reseller token, or an admin acting as a reseller (recorded with both identities): only the
      // reseller's own entities (scope.ts); listings are filtered through the actor.
      const asReseller = p.role === 'admin' ? asResellerOf(call.metadata) : undefined;
      const login = p.role === 'reseller' ? p.subject : asReseller;
      const resellerId = login !== undefined ? authorizeReseller(deps.core.ctx, login, method, call.request).id : undefined;
      const actor = resellerId === undefined ? { name: p.name } : { name: p.name, resellerId, ...(asReseller ? { onBehalfOf: asReseller } : {}) };
      Promise.resolve(deps.core.ctx.as(actor, () => fn(call.request, p, call))).then((res) => {
        log.debug({ actor: principal?.name, ms: Math.round(performance.now() - started) }, 'ok');
        callback(null, res);
      }, fail);
    } catch (err) {
      fail(err);
    }
  };
}
