import { createRequire } from 'node:module';

/**
 * The Connect protocol this agent speaks (2: value sets, each distinct value map sent once per
 * message); a controller that does not know it holds its pushes.
 */
export const PROTOCOL_VERSION = 2;
export const AGENT_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
