/**
 * What the controller asks the agent to realize (a snapshot on connect, then deltas), as the session hands it over after
 * decoding the proto: a full snapshot of the host's desired state, or a delta relative to the
 * previous revision.
 */
import type { Values } from '@hostplane/shared';

/** Active (its websites are served) or suspended (a "suspended" page is served instead). */
export type SubscriptionState = 'active' | 'suspended';

/** What the agent must realize for one subscription. */
export interface DesiredSubscription {
  /** The main domain, e.g. `example.com`; names its webspace and configuration files. */
  readonly name: string;
  /** The generation of this desired state; reported back as `appliedGeneration`. */
  readonly generation: number;
  readonly state: SubscriptionState;
  /** Provided values keyed by property key; absent keys take the catalogue defaults. */
  readonly values: Readonly<Values>;
}

/** The host's full desired state at `revision`: any subscription not listed is to be removed. */
export interface DesiredState {
  readonly revision: number;
  readonly subscriptions: readonly DesiredSubscription[];
}

/** A change of the host's desired state; `revision` is the host's revision after it. */
export interface DesiredDelta {
  readonly revision: number;
  readonly upserts: readonly DesiredSubscription[];
  readonly removals: readonly string[];
}

/** The desired subscriptions keyed by name, as the session keeps them between deltas. */
export type DesiredMap = ReadonlyMap<string, DesiredSubscription>;

/** The part of a pino logger that realization uses (a pino `Logger` fits). */
export interface RealizeLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SILENT_LOGGER: RealizeLogger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
