/**
 * Host states set by hand: an operator sets or clears maintenance, nothing else. `unknown` comes
 * from liveness and `incompatible` from the agent's hello; a refused request changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentHello, markSilentHosts } from '../../controller/src/usecases/index.js';
import { STANDARD, openTestCore, report, type TestCore } from '../helpers/core.js';

let t: TestCore;
const HOST = 'web1.example.net';

beforeEach(() => {
  t = openTestCore();
  t.core.reportCapabilities(HOST, report(STANDARD));
});
afterEach(() => t.close());

const hostId = () => t.core.ctx.hosts.byName(HOST)!.id;
const stateChanges = () => t.core.ctx.events.after(0, 1000, ['host.state_changed']).map((e) => `${String(e.data.from)}→${String(e.data.to)}`);

describe('an operator sets host states by hand', () => {
  it.each(['incompatible', 'unknown'] as const)('never %s: INVALID_ARGUMENT naming the state, nothing changed', (state) => {
    const before = t.dump();
    expect(() => t.core.setHostState(HOST, state)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'state', message: expect.stringContaining(`'${state}'`) }),
    );
    expect(t.dump()).toBe(before);
    expect(t.core.getHost(HOST).state).toBe('ready');
  });

  it('maintenance on, then off: ready again, one event each way', () => {
    expect(t.core.setHostState(HOST, 'maintenance').state).toBe('maintenance');
    expect(t.core.setHostState(HOST, 'ready').state).toBe('ready');
    expect(stateChanges()).toEqual(['ready→maintenance', 'maintenance→ready']);
  });

  it('clearing maintenance does not clear an incompatible agent', () => {
    expect(agentHello(t.core.ctx, hostId(), '9.9.9', 99)).toBe(false);
    const before = t.dump();
    expect(t.core.setHostState(HOST, 'ready').state).toBe('incompatible');
    expect(t.dump()).toBe(before);
  });

  it('clearing maintenance does not clear a silent host', () => {
    t.clock.advance(60_000);
    expect(markSilentHosts(t.core.ctx, 30_000)).toEqual([HOST]);
    const before = t.dump();
    expect(t.core.setHostState(HOST, 'ready').state).toBe('unknown');
    expect(t.dump()).toBe(before);
  });
});
