/**
 * Host states as a function of what happens to the host. The agent's liveness and hello move a host
 * between `ready`, `unknown` and `incompatible`; the operator only puts it in `maintenance` and takes
 * it out. Pure: the use cases persist the state this returns, and record the change.
 */
import type { HostState } from './types.js';

/**
 * What can happen to a host: a heartbeat; no heartbeat for the grace period (`silent`); a hello from
 * an agent whose protocol version is supported or not; the operator's maintenance switch.
 */
export type HostSignal = 'heartbeat' | 'silent' | 'hello-compatible' | 'hello-incompatible' | 'maintenance-on' | 'maintenance-off';

/** The host's state after `signal`; the same state when the signal does not move it. */
export function nextHostState(state: HostState, signal: HostSignal): HostState {
  switch (signal) {
    case 'heartbeat':
      return state === 'unknown' ? 'ready' : state;
    case 'silent':
      // Maintenance and incompatible say more than silence does: they stay.
      return state === 'ready' ? 'unknown' : state;
    case 'hello-compatible':
      return state === 'unknown' || state === 'incompatible' ? 'ready' : state;
    case 'hello-incompatible':
      return 'incompatible';
    case 'maintenance-on':
      return 'maintenance';
    case 'maintenance-off':
      return state === 'maintenance' ? 'ready' : state;
  }
}

/**
 * The signal of an operator asking for a state: `maintenance` switches maintenance on, `ready`
 * switches it off. Null for `unknown` and `incompatible`, which only liveness and the agent's hello
 * decide.
 */
export function operatorSignal(requested: HostState): HostSignal | null {
  if (requested === 'maintenance') return 'maintenance-on';
  if (requested === 'ready') return 'maintenance-off';
  return null;
}

/**
 * Whether a host takes a new subscription placed on it by name: not in maintenance (the operator's
 * choice) nor incompatible (pushes are held). An `unknown` host may be named: it is only silent.
 * Automatic placement asks more: a `ready` host (see placement).
 */
export function takesNewSubscriptions(state: HostState): boolean {
  return state !== 'maintenance' && state !== 'incompatible';
}
