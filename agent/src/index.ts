export * from './detect/index.js';
export * from './realize/index.js';
export { AgentRunner, applierFor, siteUsersFor, type AgentConfig } from './agent-runner.js';
export { ApplyLoop, type ApplyLoopState, type ApplyLoopOptions } from './apply-loop.js';
export { DetectionLoop, type DetectionOptions } from './detection-loop.js';
export { Session, type SessionState } from './session.js';
export { AGENT_VERSION, PROTOCOL_VERSION } from './version.js';
export { defaultLayout, loadHostLayout, DEFAULT_CONFIG_FILE, type HostLayout, type LayoutFlags } from './host-layout.js';
