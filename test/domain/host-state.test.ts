import { describe, expect, it } from 'vitest';
import {
  HOST_STATES,
  nextHostState,
  operatorSignal,
  takesNewSubscriptions,
  type HostSignal,
  type HostState,
} from '../../controller/src/domain/index.js';

interface Row {
  rule: string;
  state: HostState;
  signal: HostSignal;
  next: HostState;
}

const ROWS: Row[] = [
  // ---- liveness ----
  { rule: 'a heartbeat brings an unknown host back to ready', state: 'unknown', signal: 'heartbeat', next: 'ready' },
  { rule: 'a heartbeat keeps a ready host ready', state: 'ready', signal: 'heartbeat', next: 'ready' },
  { rule: 'a heartbeat does not end a maintenance', state: 'maintenance', signal: 'heartbeat', next: 'maintenance' },
  { rule: 'a heartbeat does not make an incompatible agent compatible', state: 'incompatible', signal: 'heartbeat', next: 'incompatible' },
  { rule: 'a ready host silent past the grace period becomes unknown', state: 'ready', signal: 'silent', next: 'unknown' },
  { rule: 'an unknown host silent still is still unknown', state: 'unknown', signal: 'silent', next: 'unknown' },
  { rule: 'silence does not undo a maintenance', state: 'maintenance', signal: 'silent', next: 'maintenance' },
  { rule: 'silence does not undo an incompatible agent protocol', state: 'incompatible', signal: 'silent', next: 'incompatible' },

  // ---- hello ----
  { rule: 'a compatible hello keeps a ready host ready', state: 'ready', signal: 'hello-compatible', next: 'ready' },
  { rule: 'a compatible hello brings an unknown host back to ready', state: 'unknown', signal: 'hello-compatible', next: 'ready' },
  { rule: 'a compatible hello brings an incompatible host back to ready', state: 'incompatible', signal: 'hello-compatible', next: 'ready' },
  { rule: 'a compatible hello does not end a maintenance', state: 'maintenance', signal: 'hello-compatible', next: 'maintenance' },
  { rule: 'an unsupported protocol makes a ready host incompatible (pushes held)', state: 'ready', signal: 'hello-incompatible', next: 'incompatible' },
  { rule: 'an unsupported protocol makes an unknown host incompatible', state: 'unknown', signal: 'hello-incompatible', next: 'incompatible' },
  { rule: 'an unsupported protocol makes a host in maintenance incompatible', state: 'maintenance', signal: 'hello-incompatible', next: 'incompatible' },
  { rule: 'an incompatible host saying hello with an unsupported protocol stays incompatible', state: 'incompatible', signal: 'hello-incompatible', next: 'incompatible' },

  // ---- the operator's maintenance switch ----
  { rule: 'maintenance on: a ready host takes no new placements', state: 'ready', signal: 'maintenance-on', next: 'maintenance' },
  { rule: 'maintenance on twice: still in maintenance', state: 'maintenance', signal: 'maintenance-on', next: 'maintenance' },
  { rule: 'maintenance on for an unknown host', state: 'unknown', signal: 'maintenance-on', next: 'maintenance' },
  { rule: 'maintenance on for an incompatible host', state: 'incompatible', signal: 'maintenance-on', next: 'maintenance' },
  { rule: 'maintenance off: the host is ready again', state: 'maintenance', signal: 'maintenance-off', next: 'ready' },
  { rule: 'maintenance off for a host not in maintenance: a ready host stays ready', state: 'ready', signal: 'maintenance-off', next: 'ready' },
  { rule: 'maintenance off does not clear unknown by hand (only a heartbeat does)', state: 'unknown', signal: 'maintenance-off', next: 'unknown' },
  { rule: 'maintenance off does not clear incompatible by hand (only a compatible hello does)', state: 'incompatible', signal: 'maintenance-off', next: 'incompatible' },
];

describe('nextHostState: one row per rule', () => {
  it.each(ROWS)('$rule', ({ state, signal, next }) => {
    expect(nextHostState(state, signal)).toBe(next);
  });

  it('the table covers every state under every signal', () => {
    const signals = new Set(ROWS.map((r) => r.signal));
    for (const state of HOST_STATES) {
      for (const signal of signals) expect(ROWS.filter((r) => r.state === state && r.signal === signal)).toHaveLength(1);
    }
    expect(ROWS).toHaveLength(HOST_STATES.length * signals.size);
  });
});

describe('operatorSignal: an operator sets or clears maintenance, nothing else', () => {
  it.each([
    { rule: 'asking for maintenance switches it on', requested: 'maintenance', signal: 'maintenance-on' },
    { rule: 'asking for ready switches maintenance off', requested: 'ready', signal: 'maintenance-off' },
    { rule: 'unknown is never set by hand: liveness decides it', requested: 'unknown', signal: null },
    { rule: 'incompatible is never set by hand: the agent\'s hello decides it', requested: 'incompatible', signal: null },
  ] as { rule: string; requested: HostState; signal: HostSignal | null }[])('$rule', ({ requested, signal }) => {
    expect(operatorSignal(requested)).toBe(signal);
  });
});

describe('takesNewSubscriptions: a host named at creation', () => {
  it.each([
    { rule: 'a ready host takes new subscriptions', state: 'ready', takes: true },
    { rule: 'an unknown host may be named: it is only silent', state: 'unknown', takes: true },
    { rule: 'a host in maintenance takes none', state: 'maintenance', takes: false },
    { rule: 'an incompatible host takes none (pushes are held)', state: 'incompatible', takes: false },
  ] as { rule: string; state: HostState; takes: boolean }[])('$rule', ({ state, takes }) => {
    expect(takesNewSubscriptions(state)).toBe(takes);
  });
});
