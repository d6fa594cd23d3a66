/** Test harness for the Admin API: a real gRPC server on 127.0.0.1:0 over a temp SQLite file. */
import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { AdminClient } from '@hostplane/proto/hostplane/v1/admin.js';
import { startHttpServer, type RunningHttp } from '../../controller/src/api/http.js';
import { startGrpcServer, type RunningServer } from '../../controller/src/api/server.js';
import { silentLogger } from '../../controller/src/logger.js';
import { ensureAdminToken } from '../../controller/src/usecases/index.js';
import { openTestCore, type TestCore } from './core.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

type Callback<Res> = (error: ServiceError | null, response: Res) => void;
// The last overload of a generated client method: TypeScript infers from it.
type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => unknown;

export interface TestApi extends TestCore {
  client: AdminClient;
  running: RunningServer;
  address: string;
  /** Calls a unary RPC with the admin token (or `token`), resolving with the response. */
  call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, token?: string | null): Promise<Res>;
  /** Calls and expects a gRPC error; resolves with it. */
  fail<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, token?: string | null): Promise<ServiceError>;
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const t = openTestCore();
  t.core.ctx.tx(() => ensureAdminToken(t.core.ctx, ADMIN_TOKEN));
  const running = await startGrpcServer({ core: t.core, log: silentLogger() }, { listen: '127.0.0.1:0' });
  // The hosts of these tests report through the core, as their agents would, without a session: they
  // count as connected for placement, as for the core alone. Placement only on hosts whose agent is
  // connected is tested with real agents (test/e2e/fleet.test.ts).
  t.core.ctx.agentPresence = undefined;
  const address = `127.0.0.1:${running.port}`;
  const client = new AdminClient(address, credentials.createInsecure());
  const metadataFor = (token: string | null | undefined) => {
    const md = new Metadata();
    const tok = token === undefined ? ADMIN_TOKEN : token;
    if (tok !== null) md.set('authorization', `Bearer ${tok}`);
    return md;
  };
  const call = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req, token?: string | null) =>
    new Promise<Res>((resolve, reject) => {
      method.call(client, request, metadataFor(token), { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  return {
    ...t,
    client,
    running,
    address,
    call,
    fail: async (method, request, token) => {
      try {
        await call(method, request, token);
      } catch (err) {
        return err as ServiceError;
      }
      throw new Error('the call should have failed');
    },
    async stop() {
      client.close();
      await running.shutdown(1000);
      t.close();
    },
  };
}

/** The JSON API and console's HTTP listener on 127.0.0.1:0, in front of the test API's handlers. */
export async function startTestHttp(api: TestApi): Promise<RunningHttp & { base: string }> {
  const http = await startHttpServer({ core: api.core, log: silentLogger(), agents: api.running.agents }, { host: '127.0.0.1', port: 0 });
  return Object.assign(http, { base: `http://127.0.0.1:${http.port}` });
}
