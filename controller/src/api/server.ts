/**
 * The controller's gRPC server: the Admin service, the standard health service and server
 * reflection (so that grpcurl and grpc-health-probe work), on one listen address.
 */
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { AdminService } from '@hostplane/proto/hostplane/v1/admin.js';
import { adminService } from './admin-service.js';
import { loadPackageDefinition } from './protos.js';
import type { ApiDeps } from './unary.js';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface GrpcServerOptions {
  /** `HOST:PORT`; port 0 picks a free one. */
  readonly listen: string;
  readonly tls?: TlsFiles;
  /** More services to serve on the same port (the Agent service). */
  readonly extraServices?: { definition: Parameters<Server['addService']>[0]; implementation: UntypedServiceImplementation }[];
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly health: HealthImplementation;
  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then forces. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(deps: ApiDeps, options: GrpcServerOptions): Promise<RunningServer> {
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(AdminService, adminService(deps) as unknown as UntypedServiceImplementation);
  for (const s of options.extraServices ?? []) server.addService(s.definition, s.implementation);
  const health = new HealthImplementation({ '': 'SERVING', 'hostplane.v1.Admin': 'SERVING' });
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
    port,
    health,
    shutdown: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
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
