/**
 * Harness of the CLI tests: the real `run` in-process with captured output, the real entry spawned
 * as a process, a stub Admin server on 127.0.0.1:0 that records every call (the controller's own
 * API is tested elsewhere; here only the CLI's side of the contract is), and sample messages.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { AdminService } from '@hostplane/proto/hostplane/v1/admin.js';
import type { WatchEventsRequest, WatchEventsResponse } from '@hostplane/proto/hostplane/v1/event.js';
import { Subscription, SubscriptionState, SuspensionReason, SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Value } from '@hostplane/proto/hostplane/v1/values.js';
import type { RequestOf, ResponseOf, UnaryMethod } from '../../cli/src/client.js';
import { run } from '../../cli/src/program.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `hostplane …args`, with only `env` as its environment. */
export async function runCli(args: readonly string[], env: Record<string, string> = {}, signal?: AbortSignal): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY: false }, env },
    signal,
  );
  return { code, stdout, stderr };
}

/** Spawns the real entry (`cli/src/main.ts` under tsx), as the end-to-end tests will. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=hostplane-source', '--import', 'tsx', 'cli/src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A gRPC error as a handler throws it. */
export class StubError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
  }
}

type Handler<K extends UnaryMethod> = (request: RequestOf<K>, metadata: Metadata) => ResponseOf<K> | Promise<ResponseOf<K>>;
export type Handlers = { [K in UnaryMethod]?: Handler<K> } & {
  watchEvents?: (call: ServerWritableStream<WatchEventsRequest, WatchEventsResponse>) => void;
};

export interface RecordedCall {
  method: string;
  request: unknown;
  authorization: string | undefined;
}

export interface Stub {
  address: string;
  calls: RecordedCall[];
  /** Environment pointing the CLI at the stub, with a token. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An Admin server whose RPCs answer with `handlers` (UNIMPLEMENTED otherwise) and record each call;
 * plaintext unless given server credentials (TLS).
 */
export async function startStub(handlers: Handlers, credentials = ServerCredentials.createInsecure()): Promise<Stub> {
  const calls: RecordedCall[] = [];
  const impl: Record<string, unknown> = {};
  for (const method of Object.keys(AdminService) as (keyof typeof AdminService)[]) {
    if (method === 'watchEvents') {
      impl[method] = (call: ServerWritableStream<WatchEventsRequest, WatchEventsResponse>) => {
        calls.push({ method, request: call.request, authorization: call.metadata.get('authorization')[0]?.toString() });
        if (handlers.watchEvents) handlers.watchEvents(call);
        else call.emit('error', { code: status.UNIMPLEMENTED, details: 'not in this stub' });
      };
      continue;
    }
    impl[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      calls.push({ method, request: call.request, authorization: call.metadata.get('authorization')[0]?.toString() });
      const handler = handlers[method] as ((req: unknown, md: Metadata) => unknown) | undefined;
      if (!handler) return callback({ code: status.UNIMPLEMENTED, details: `${method} is not in this stub` });
      Promise.resolve()
        .then(() => handler(call.request, call.metadata))
        .then(
          (response) => callback(null, response),
          (err: unknown) =>
            callback(err instanceof StubError ? { code: err.code, details: err.details } : { code: status.INTERNAL, details: String(err) }),
        );
    };
  }
  const server = new Server();
  server.addService(AdminService, impl as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  return {
    address,
    calls,
    env: { HOSTPLANE_CONTROLLER: address, HOSTPLANE_TOKEN: 'test-token' },
    close: async () => server.forceShutdown(),
  };
}

export const int = (n: string | number): Value => ({ kind: { $case: 'intValue', value: String(n) } });
export const unlimited: Value = { kind: { $case: 'unlimited', value: true } };
export const bool = (b: boolean): Value => ({ kind: { $case: 'boolValue', value: b } });
export const str = (s: string): Value => ({ kind: { $case: 'stringValue', value: s } });

export const GIB = 1024 ** 3;

/** An unsynced, suspended subscription of the seed: Miva and PHP 8.3 are missing on its host. */
export function sampleSubscription(overrides: Partial<Subscription> = {}): Subscription {
  return Subscription.fromPartial({
    name: 'example.com',
    displayName: 'example.com (Unlimited)',
    customer: 'alice',
    plan: 'Unlimited',
    addons: ['Extra disk'],
    host: 'web1.example.net',
    syncStatus: SyncStatus.SYNC_STATUS_UNSYNCED,
    state: SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED,
    suspensionReasons: [SuspensionReason.SUSPENSION_REASON_MANUAL],
    planValues: { 'limits.disk_space': int(10 * GIB), 'limits.traffic': unlimited, 'hosting.miva': bool(true), 'hosting.php_version': str('8.3') },
    desiredValues: { 'limits.disk_space': int(10 * GIB), 'limits.traffic': unlimited, 'hosting.miva': bool(true), 'hosting.php_version': str('8.3') },
    providedValues: { 'limits.disk_space': int(10 * GIB), 'limits.traffic': unlimited, 'hosting.miva': bool(false), 'hosting.php_version': str('8.2') },
    conflicts: [
      { property: 'hosting.miva', planValue: bool(true), availableValue: bool(false), reason: 'Miva Empresa (mivavm) is not installed' },
      { property: 'hosting.php_version', planValue: str('8.3'), availableValue: str('8.2'), reason: 'PHP 8.3 is not installed' },
    ],
    conflictsFingerprint: 'fp-1',
    generation: '7',
    appliedGeneration: '6',
    createdAt: new Date('2025-01-01T12:00:00Z'),
    updatedAt: new Date('2025-06-01T00:00:00Z'),
    ...overrides,
  });
}
