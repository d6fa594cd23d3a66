/**
 * The generated contract behaves: messages survive encoding (binary and JSON) with int64 as strings,
 * oneofs as `$case` unions and timestamps as Dates; the services carry the RPCs of SPEC §7; and
 * grpc-js serves them over a real connection.
 */
import { credentials, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { AdminClient, AdminService, type AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import {
  AgentClient,
  AgentService,
  type AgentServer,
  type ConnectRequest,
  type ConnectResponse,
} from '@hostplane/proto/hostplane/v1/agent.js';
import {
  Subscription,
  SubscriptionState,
  SuspensionReason,
  SyncStatus,
  type GetSubscriptionResponse,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Value } from '@hostplane/proto/hostplane/v1/values.js';
import { afterEach, describe, expect, it } from 'vitest';

const int = (n: string): Value => ({ kind: { $case: 'intValue', value: n } });
const unlimited: Value = { kind: { $case: 'unlimited', value: true } };
const bool = (b: boolean): Value => ({ kind: { $case: 'boolValue', value: b } });
const str = (s: string): Value => ({ kind: { $case: 'stringValue', value: s } });

function sample(): Subscription {
  return Subscription.fromPartial({
    name: 'example.com',
    displayName: 'example.com (Unlimited)',
    customer: 'alice',
    plan: 'Unlimited',
    addons: ['Extra disk', 'Miva'],
    host: 'web1.example.net',
    syncStatus: SyncStatus.SYNC_STATUS_UNSYNCED,
    state: SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED,
    suspensionReasons: [SuspensionReason.SUSPENSION_REASON_MANUAL, SuspensionReason.SUSPENSION_REASON_EXPIRED],
    planValues: {
      'limits.disk_space': int('10737418240'),
      'limits.traffic': unlimited,
      'hosting.miva': bool(true),
      'hosting.php_version': str('8.3'),
    },
    desiredValues: { 'limits.disk_space': int('10737418240'), 'hosting.miva': bool(true), 'hosting.php_version': str('8.3') },
    providedValues: { 'limits.disk_space': int('9007199254740993'), 'hosting.miva': bool(false), 'hosting.php_version': str('8.2') },
    subscriberValues: { 'php.memory_limit': int('268435456') },
    conflicts: [
      { property: 'hosting.miva', planValue: bool(true), availableValue: bool(false), reason: 'Miva Empresa is not installed' },
      { property: 'hosting.php_version', planValue: str('8.3'), availableValue: str('8.2'), reason: 'PHP 8.3 is not installed' },
    ],
    conflictsFingerprint: '0123456789abcdef',
    generation: '7',
    appliedGeneration: '6',
    expiresAt: new Date('2026-01-31T00:00:00.000Z'),
    applyError: '',
    createdAt: new Date('2025-01-01T12:34:56.789Z'),
    updatedAt: new Date('2025-06-01T00:00:00.000Z'),
  });
}

describe('messages', () => {
  it('round-trips a Subscription through the binary encoding', () => {
    const sub = sample();
    const bytes = Subscription.encode(sub).finish();
    const back = Subscription.decode(bytes);
    expect(back).toEqual(sub);
    // int64 stays exact beyond 2^53, as a decimal string.
    expect(back.providedValues['limits.disk_space']?.kind).toEqual({ $case: 'intValue', value: '9007199254740993' });
    expect(back.expiresAt).toBeInstanceOf(Date);
    expect(back.ownValues).toEqual({});
  });

  it('round-trips a Subscription through the proto3 JSON mapping', () => {
    const sub = sample();
    const json = Subscription.toJSON(sub) as Record<string, unknown>;
    expect(json['syncStatus']).toBe('SYNC_STATUS_UNSYNCED');
    expect(Subscription.fromJSON(JSON.parse(JSON.stringify(json)))).toEqual(sub);
  });
});

const ADMIN_RPCS = [
  'CreatePlan', 'UpdatePlan', 'GetPlan', 'ListPlans', 'DeletePlan',
  'CreateCustomer', 'GetCustomer', 'ListCustomers', 'SuspendCustomer', 'ActivateCustomer', 'DeleteCustomer',
  'CreateReseller', 'GetReseller', 'ListResellers', 'SuspendReseller', 'ActivateReseller', 'DeleteReseller',
  'SwitchResellerPlan', 'CustomizeReseller', 'UnlockReseller', 'SyncReseller', 'AcceptResellerValues', 'CreateResellerToken',
  'ListTokens', 'CreateToken', 'RevokeToken', 'WhoAmI',
  'CreateSubscription', 'GetSubscription', 'ListSubscriptions', 'SyncSubscription', 'AcceptAvailableValues',
  'CustomizeSubscription', 'UnlockSubscription', 'SwitchSubscriptionPlan', 'DetachSubscription',
  'AddSubscriptionAddon', 'RemoveSubscriptionAddon', 'SuspendSubscription', 'ActivateSubscription',
  'RenewSubscription', 'DeleteSubscription', 'MoveSubscription',
  'CreateJoinToken', 'ListJoinTokens', 'ListHosts', 'GetHost', 'DetectHost', 'SetHostMaintenance', 'RemoveHost', 'RotateHostCredential', 'DrainHost',
  'RunJob',
  'ListEvents', 'WatchEvents',
];

describe('services', () => {
  it('Admin has one RPC per CLI verb, all unary except WatchEvents', () => {
    const paths = Object.values(AdminService).map((m) => m.path);
    expect(paths).toEqual(ADMIN_RPCS.map((name) => `/hostplane.v1.Admin/${name}`));
    for (const m of Object.values(AdminService)) {
      expect(m.requestStream, m.path).toBe(false);
      expect(m.responseStream, m.path).toBe(m.path.endsWith('/WatchEvents'));
    }
  });

  it('Agent has Enroll (unary) and Connect (bidi stream)', () => {
    expect(AgentService.enroll).toMatchObject({ path: '/hostplane.v1.Agent/Enroll', requestStream: false, responseStream: false });
    expect(AgentService.connect).toMatchObject({ path: '/hostplane.v1.Agent/Connect', requestStream: true, responseStream: true });
    expect(Object.keys(AgentService)).toEqual(['enroll', 'connect']);
  });
});

describe('over grpc-js', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.forceShutdown();
    server = undefined;
  });

  async function listen(register: (s: Server) => void): Promise<string> {
    server = new Server();
    register(server);
    const port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return `127.0.0.1:${port}`;
  }

  it('serves a unary Admin RPC', async () => {
    const getSubscription: AdminServer['getSubscription'] = (call, callback) => {
      callback(null, { subscription: { ...sample(), name: call.request.name } });
    };
    const addr = await listen((s) => s.addService(AdminService, { getSubscription } as Partial<AdminServer> as AdminServer));
    const client = new AdminClient(addr, credentials.createInsecure());
    try {
      const res = await new Promise<GetSubscriptionResponse>((resolve, reject) =>
        client.getSubscription({ name: 'example.org' }, (err, r) => (err ? reject(err) : resolve(r))),
      );
      expect(res.subscription).toEqual({ ...sample(), name: 'example.org' });
    } finally {
      client.close();
    }
  });

  it('carries the Agent Connect stream both ways', async () => {
    const connect: AgentServer['connect'] = (call: ServerDuplexStream<ConnectRequest, ConnectResponse>) => {
      call.on('data', (msg: ConnectRequest) => {
        if (msg.payload?.$case !== 'hello') return;
        call.write({
          payload: {
            $case: 'snapshot',
            value: {
              revision: '42',
              subscriptions: [
                {
                  name: 'example.com',
                  generation: '3',
                  state: SubscriptionState.SUBSCRIPTION_STATE_ACTIVE,
                  values: { 'hosting.php_version': str('8.2') },
                  valueSet: '0',
                },
              ],
              valueSets: [],
            },
          },
        });
        call.end();
      });
    };
    const addr = await listen((s) => s.addService(AgentService, { enroll: () => undefined, connect } as AgentServer));
    const client = new AgentClient(addr, credentials.createInsecure());
    try {
      const stream = client.connect();
      const received: ConnectResponse[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (m: ConnectResponse) => received.push(m));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      stream.write({
        payload: { $case: 'hello', value: { hostName: 'web1', agentVersion: '0.1.0', protocolVersion: 1, observedRevision: '0' } },
      });
      stream.end();
      await done;
      expect(received).toHaveLength(1);
      const first = received[0]!.payload;
      expect(first?.$case).toBe('snapshot');
      if (first?.$case === 'snapshot') {
        expect(first.value.revision).toBe('42');
        expect(first.value.subscriptions[0]?.values['hosting.php_version']).toEqual(str('8.2'));
      }
    } finally {
      client.close();
    }
  });
});
