export * from './detect/index.js';
export * from './realize/index.js';
export { AgentRunner, AGENT_VERSION, PROTOCOL_VERSION, type AgentConfig } from './session.js';
