export * from './detect/index.js';
export * from './realize/index.js';
export { AgentRunner, AGENT_VERSION, PROTOCOL_VERSION, siteUsersFor, type AgentConfig } from './session.js';
export { defaultLayout, loadHostLayout, DEFAULT_CONFIG_FILE, type HostLayout, type LayoutFlags } from './host-layout.js';
