/**
 * The controller's gRPC server: the Admin service, the standard health service and server
 * reflection (so that grpcurl and grpc-health-probe work), on one listen address.
 */
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { AdminService, type AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { AgentService } from '@hostplane/proto/hostplane/v1/agent.js';
import { adminService } from './admin-service.js';
import { AgentSessions } from './agent-sessions.js';
import { authenticateFirst, decodeAfterAuth, type ApiDeps } from './pipeline.js';
import { loadPackageDefinition } from './protos.js';
import { MAX_MESSAGE_BYTES } from '@hostplane/shared';

/**
 * Calls open at once on one connection. An agent holds one stream, a CLI one or two; a gateway or
 * a test harness multiplexing many agents over one connection stays under it.
 */
export const MAX_STREAMS_PER_CONNECTION = 256;

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface GrpcServerOptions {
  /** `HOST:PORT`; port 0 picks a free one. */
  readonly listen: string;
  readonly tls?: TlsFiles;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly health: HealthImplementation;
  readonly agents: AgentSessions;
  /** The Admin handlers this server serves (the JSON API serves the very same ones). */
  readonly admin: AdminServer;
  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then forces. */
  shutdown(graceMs?: number): Promise<void>;
}

/** Serves the Admin and Agent services, health and reflection for `core` on `options.listen`. */
export async function startGrpcServer(
  deps: Omit<ApiDeps, 'agents'>,
  options: GrpcServerOptions,
): Promise<RunningServer> {
  // Callers are authenticated from their metadata before a byte of the body is read
  // (authenticateFirst); every message is at most MAX_MESSAGE_BYTES (refused from its 5-byte header
  // when larger); at most MAX_STREAMS_PER_CONNECTION calls at once on one connection (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS).
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_concurrent_streams': MAX_STREAMS_PER_CONNECTION,
    'grpc.keepalive_permit_without_calls': 1,
    interceptors: [authenticateFirst(deps)],
  });
  const agents = new AgentSessions(deps.core, deps.log);
  deps.core.ctx.agentPresence = agents; // placement only on hosts whose agent is connected now
  const admin = adminService({ ...deps, agents });
  server.addService(decodeAfterAuth(AdminService), admin as unknown as UntypedServiceImplementation);
  server.addService(AgentService, agents.service(deps) as unknown as UntypedServiceImplementation);
  const health = new HealthImplementation({ '': 'SERVING', 'hostplane.v1.Admin': 'SERVING', 'hostplane.v1.Agent': 'SERVING' });
  health.addToServer(server);
  new ReflectionService(loadPackageDefinition()).addToServer(server);

  const credentials = options.tls
    ? ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }], false)
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(options.listen, credentials, (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    server,
    admin,
    port,
    health,
    agents,
    shutdown: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        agents.closeAll();
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
