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

/** What the Admin API needs from the agent side (connected sessions), when there is one. */
export interface AgentDirectory {
  isConnected(host: string): boolean;
  /** Asks the host's agent to detect now; resolves with whether its report changed. */
  detect(host: string): Promise<boolean>;
  /** Sends every connected agent a fresh snapshot. */
  resendSnapshots(): void;
}

export interface ApiDeps {
  readonly core: ControllerCore;
  readonly log: Logger;
  readonly agents?: AgentDirectory;
  readonly jobSettings?: JobSettings;
  /** Told of every RPC that ended in an error (metrics). */
  readonly onRpcError?: (method: string, code: number) => void;
}

export function bearerToken(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (typeof value !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/** Authenticates the call and requires the admin role (reseller and customer roles come later). */
export function principalOf(deps: ApiDeps, call: { metadata: Metadata }): Principal {
  const principal = authenticate(deps.core.ctx, bearerToken(call.metadata));
  if (principal.role !== 'admin') throw new PermissionDeniedError(`token '${principal.name}' (${principal.role}) may not use the admin API`);
  return principal;
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
      principal = principalOf(deps, call);
      const p = principal;
      Promise.resolve(deps.core.ctx.as({ name: p.name }, () => fn(call.request, p, call))).then((res) => {
        log.debug({ actor: principal?.name, ms: Math.round(performance.now() - started) }, 'ok');
        callback(null, res);
      }, fail);
    } catch (err) {
      fail(err);
    }
  };
}
