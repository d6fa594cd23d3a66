/**
 * Failures end as one `error: …` line on stderr and the exit code of their kind; bad input is
 * refused before any call. Also the two-step verbs: `sub sync --accept` (Sync, then Accept with the
 * report's fingerprint), `sub list` paging, and `events --follow`.
 */
import { status } from '@grpc/grpc-js';
import { Event } from '@hostplane/proto/hostplane/v1/event.js';
import { SyncStatus } from '@hostplane/proto/hostplane/v1/subscription.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, sampleSubscription, startStub, StubError, type Handlers, type Stub } from './helpers.js';

const sub = sampleSubscription();
let acceptRefused = false;
const handlers: Handlers = {
  getPlan: (req) => {
    throw new StubError(status.NOT_FOUND, `plan '${req.name}' not found`);
  },
  updatePlan: () => {
    throw new StubError(status.ABORTED, "plan 'Gold' is at version 4, not 3: reload and retry");
  },
  deletePlan: () => {
    throw new StubError(status.FAILED_PRECONDITION, "plan 'Gold' is used by 3 subscriptions");
  },
  createCustomer: () => {
    throw new StubError(status.ALREADY_EXISTS, "customer 'alice' already exists");
  },
  getCustomer: (_req, md) => {
    if (md.get('authorization')[0] !== 'Bearer good') throw new StubError(status.UNAUTHENTICATED, 'missing or unknown token');
    return { customer: { login: 'alice', displayName: 'Alice', email: '', state: 1, subscriptionCount: 0 } };
  },
  createSubscription: () => {
    throw new StubError(status.INVALID_ARGUMENT, "name: 'bad_domain' is not a valid domain name");
  },
  customizeSubscription: () => {
    throw new StubError(status.PERMISSION_DENIED, 'limits.disk_space is not delegated to the customer by the plan');
  },
  syncSubscription: () => ({ subscription: sub, conflicts: sub.conflicts, fingerprint: 'fp-1' }),
  acceptAvailableValues: (req) => {
    if (acceptRefused) throw new StubError(status.FAILED_PRECONDITION, 'the conflicts of example.com changed since the report');
    return { subscription: { ...sub, syncStatus: SyncStatus.SYNC_STATUS_LOCKED, conflicts: [], conflictsFingerprint: req.fingerprint } };
  },
  listSubscriptions: (req) => {
    const page = req.pageToken === '' ? 0 : Number(req.pageToken);
    const names = ['a.example', 'b.example', 'c.example'];
    return { subscriptions: [sampleSubscription({ name: names[page]!, displayName: `${names[page]} (Unlimited)` })], nextPageToken: page < 2 ? String(page + 1) : '' };
  },
  detectHost: () => {
    throw new StubError(status.UNAVAILABLE, "the agent of host 'web1' is not connected");
  },
  watchEvents: (call) => {
    const after = Number(call.request.afterId ?? '0');
    for (const id of [after + 1, after + 2]) {
      call.write({ event: Event.fromPartial({ id: String(id), type: 'subscription.synced', entityName: 'example.com', actor: 'system', time: new Date() }) });
    }
    call.end();
  },
};

let stub: Stub;
beforeAll(async () => {
  stub = await startStub(handlers);
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.calls.length = 0;
  acceptRefused = false;
});

const cli = (...args: string[]) => runCli(args, stub.env);

/** One line on stderr starting with `error: `, nothing on stdout. */
function expectOneLine(res: { stdout: string; stderr: string }, ...mentions: string[]) {
  expect(res.stdout).toBe('');
  expect(res.stderr).toMatch(/^error: [^\n]+\n$/);
  for (const m of mentions) expect(res.stderr).toContain(m);
}

describe('bad input is refused before any call, exit 2', () => {
  it.each([
    [['plan', 'create', 'Gold', '--set', 'limits.disk_space=12X'], 'limits.disk_space', '12X'],
    [['plan', 'update', 'Gold', '--set', 'limits.disk_space=-1'], 'limits.disk_space'],
    [['plan', 'update', 'Gold'], '--set'],
    [['plan', 'update', 'Gold', '--set', 'hosting.php=1', '--expected-version', 'v3'], '--expected-version'],
    [['plan', 'create', 'Disk', '--kind', 'addon', '--set', 'limits.validity=1y'], 'limits.validity', 'add-on'],
    [['plan', 'create', 'Gold', '--kind', 'platinum'], '--kind', 'service, addon, reseller'],
    [['sub', 'create', 'a.example', '--customer', 'alice'], '--plan', '--custom'],
    [['sub', 'create', 'a.example', '--customer', 'alice', '--plan', 'P', '--custom'], '--plan', '--custom'],
    [['sub', 'create', 'a.example', '--customer', 'alice', '--custom', '--addon', 'X'], '--addon'],
    [['sub', 'create', 'a.example', '--plan', 'P'], '--customer'],
    [['sub', 'create', 'a.example', '--customer', 'alice', '--plan', 'P', '--expires', '31/12/2026'], '--expires', 'ISO 8601'],
    [['sub', 'renew', 'a.example', '--expires', '2026-02-30'], '2026-02-30'],
    [['sub', 'renew', 'a.example'], '--expires', '--never'],
    [['sub', 'customize', 'a.example'], '--set'],
    [['sub', 'customize', 'a.example', '--set', 'hosting.php=maybe'], 'hosting.php', 'maybe'],
    [['sub', 'customize', 'a.example', '--unset', 'hosting.nope'], 'hosting.nope'],
    [['sub', 'sync', 'a.example', '--fingerprint', 'x'], '--accept'],
    [['sub', 'list', '--status', 'broken'], '--status'],
    [['host', 'maintenance', 'web1', 'maybe'], 'on, off'],
    [['host', 'token', 'create', '--ttl', '5x'], '--ttl'],
    [['host', 'token', 'create', '--ttl', '1'], '--ttl', 'between 1m and 7d'],
    [['host', 'token', 'create', '--ttl', '8d'], '--ttl', 'between 1m and 7d'],
    [['customer', 'create', 'bob'], '--email'],
    [['--controller', 'http://ctl.example.net:50051', 'plan', 'list'], "'http://ctl.example.net:50051'", 'is a URL', 'HOST:PORT'],
    [['--controller', 'ctl.example.net', 'plan', 'list'], "'ctl.example.net'", 'is not HOST:PORT'],
    [['--controller', 'ctl.example.net:50051', 'plan', 'list'], 'ctl.example.net:50051 is not on this machine', '--ca', '--insecure'],
    [['events', '--after', '-1'], '--after'],
    [['events', '--type', 'subscription.nope'], '--type', 'subscription.nope'],
    [['events', '--follow', '--type', 'subscriptions'], '--type', 'subscriptions'],
    [['events', '--parked', '--follow'], '--parked', '--follow'],
    [['plan', 'show'], "missing required argument 'name'"],
    [['plan', 'show', 'a', 'b'], 'too many arguments'],
    [['plan', 'lst'], "unknown command 'lst'", 'list'],
    [['plan', 'list', '--jsn'], "unknown option '--jsn'", '--json'],
    [['--timeout', '0', 'plan', 'list'], '--timeout'],
  ] as [string[], ...string[]][])('hostplane %s', async (args, ...mentions) => {
    const res = await cli(...args);
    expect(res.code).toBe(2);
    expectOneLine(res, ...mentions);
    expect(stub.calls).toEqual([]);
  });

  it('prints the help of a group called without a verb, exit 2', async () => {
    const res = await cli('sub');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Usage: hostplane sub');
  });

  it('prints help with examples on every verb, exit 0', async () => {
    for (const args of [['--help'], ['sub', 'sync', '--help'], ['host', 'maintenance', '--help'], ['events', '--help']]) {
      const res = await cli(...args);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('Examples:');
      expect(res.stdout).toMatch(/\$ hostplane /);
    }
  });
});

describe('server errors → sentence and exit code', () => {
  it.each([
    [['plan', 'show', 'Gold'], 3, "error: plan 'Gold' not found"],
    [['plan', 'update', 'Gold', '--set', 'hosting.php=true', '--expected-version', '3'], 4, "error: stale version: plan 'Gold' is at version 4, not 3: reload and retry; nothing was changed"],
    [['plan', 'delete', 'Gold'], 4, "error: refused: plan 'Gold' is used by 3 subscriptions"],
    [['customer', 'create', 'alice', '--email', 'a@example.org'], 4, "error: customer 'alice' already exists"],
    [['customer', 'show', 'alice'], 5, 'refused the token in HOSTPLANE_TOKEN'],
    [['sub', 'create', 'bad_domain', '--customer', 'alice', '--plan', 'P'], 2, "error: invalid argument: name: 'bad_domain' is not a valid domain name"],
    [['sub', 'customize', 'a.example', '--as-customer', '--set', 'limits.disk_space=1G'], 5, 'error: permission denied: limits.disk_space is not delegated'],
    [['host', 'detect', 'web1'], 1, "error: unavailable: the agent of host 'web1' is not connected"],
    [['job', 'run', 'expire'], 1, 'does not implement this call'],
  ])('hostplane %s → exit %i', async (args, code, message) => {
    const res = await cli(...args);
    expect(res.code).toBe(code);
    expectOneLine(res, message);
    expect(stub.calls).toHaveLength(1);
  });

  it('asks for a token when none is set', async () => {
    const res = await runCli(['customer', 'show', 'alice'], { HOSTPLANE_CONTROLLER: stub.address });
    expect(res.code).toBe(5);
    expectOneLine(res, 'not authenticated: set HOSTPLANE_TOKEN');
    expect(stub.calls[0]!.authorization).toBeUndefined();
  });

  it('sends the token of HOSTPLANE_TOKEN, and --controller wins over HOSTPLANE_CONTROLLER', async () => {
    const res = await runCli(['customer', 'show', 'alice', '--controller', stub.address, '--json'], {
      HOSTPLANE_CONTROLLER: '127.0.0.1:1',
      HOSTPLANE_TOKEN: 'good',
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ login: 'alice', state: 'active' });
  });

  it('says when the controller cannot be reached, exit 1', async () => {
    const res = await runCli(['plan', 'list'], { HOSTPLANE_CONTROLLER: '127.0.0.1:1', HOSTPLANE_TOKEN: 't' });
    expect(res.code).toBe(1);
    expectOneLine(res, 'cannot reach the controller at 127.0.0.1:1: is it running? (connection refused)');
  });

  it('refuses an unreadable CA file, exit 2', async () => {
    const res = await runCli(['plan', 'list', '--ca', '/nonexistent/ca.pem'], stub.env);
    expect(res.code).toBe(2);
    expectOneLine(res, '/nonexistent/ca.pem', 'ENOENT');
  });
});

describe('sub sync --accept', () => {
  it('syncs, then accepts with the fingerprint of the report it shows', async () => {
    const res = await cli('sub', 'sync', 'example.com', '--accept', '--json');
    expect(res.code).toBe(0);
    expect(stub.calls.map((c) => c.method)).toEqual(['syncSubscription', 'acceptAvailableValues']);
    expect(stub.calls[1]!.request).toMatchObject({ name: 'example.com', fingerprint: 'fp-1' });
    const json = JSON.parse(res.stdout);
    expect(json).toMatchObject({ accepted: true, fingerprint: 'fp-1', subscription: { syncStatus: 'locked' } });
    expect(json.conflicts).toHaveLength(2);
  });

  it('says in a sentence that a changed report was refused, exit 4', async () => {
    acceptRefused = true;
    const res = await cli('sub', 'sync', 'example.com', '--accept', '--fingerprint', 'fp-0');
    expect(res.code).toBe(4);
    expectOneLine(res, 'refused: the conflicts of example.com changed since the report; nothing was accepted', "'hostplane sub sync example.com'");
    expect(stub.calls.map((c) => c.method)).toEqual(['acceptAvailableValues']);
  });
});

describe('streams and pages', () => {
  it('sub list follows the pages to the end', async () => {
    const res = await cli('sub', 'list');
    expect(res.code).toBe(0);
    expect(stub.calls.map((c) => (c.request as { pageToken: string }).pageToken)).toEqual(['', '1', '2']);
    expect(res.stdout.split('\n').filter((l) => l.includes('(Unlimited)'))).toHaveLength(3);
  });

  it('events --follow --json prints one JSON object per line, resuming after --after', async () => {
    const res = await cli('events', '--follow', '--json', '--after', '40', '--type', 'subscription');
    expect(res.code).toBe(0);
    expect(stub.calls[0]!.request).toMatchObject({ afterId: '40', types: ['subscription'] });
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.id)).toEqual([41, 42]);
    expect(lines[0]).toMatchObject({ type: 'subscription.synced', entityName: 'example.com', actor: 'system', onBehalfOf: null });
  });

  it('events --follow without --after asks for new events only', async () => {
    const res = await cli('events', '--follow');
    expect(res.code).toBe(0);
    expect((stub.calls[0]!.request as { afterId?: string }).afterId).toBeUndefined();
    expect(res.stdout).toMatch(/^#1 {2}\S+ \S+ {2}subscription\.synced {2}example\.com {2}system$/m);
  });
});
