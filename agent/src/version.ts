import { createRequire } from 'node:module';

/**
 * The Connect protocol this agent speaks (2: value sets, each distinct value map sent once per
 * message); a controller that does not know it holds its pushes.
 */
export const PROTOCOL_VERSION = 2;
/** Set by the bundler in the single-file agent served to new nodes (no package.json beside it). */
declare const __HOSTPLANE_AGENT_VERSION__: string | undefined;

export const AGENT_VERSION: string =
  typeof __HOSTPLANE_AGENT_VERSION__ === 'string'
    ? __HOSTPLANE_AGENT_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
