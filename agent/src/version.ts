import { createRequire } from 'node:module';

/** The Connect protocol this agent speaks; a controller that does not know it holds its pushes. */
export const PROTOCOL_VERSION = 1;
export const AGENT_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
