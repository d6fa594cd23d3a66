/** Realization: the desired state the controller pushes, carried out on this host. */
export { Applier, type ApplyOutcome, type SubscriptionApplyResult } from './applier.js';
export { compileApplierOptions, type ApplierOptions, type CompiledApplierOptions, type ComponentCommands } from './applier-options.js';
export { CgiRunner } from './cgi-runner.js';
export {
  SharedSiteUser,
  SystemUsers,
  siteUserName,
  siteUserComment,
  parsePasswd,
  MAX_USER_NAME,
  type SiteUser,
  type SiteUsers,
  type SystemUsersOptions,
} from './site-users.js';
export {
  diff,
  applyDelta,
  applyDiff,
  desiredMap,
  isEmptyDiff,
  sameContent,
  sameValues,
  type RealizationDiff,
  type SubscriptionContent,
} from './diff.js';
export {
  APPLIED_STATE_FILE,
  appliedStatePath,
  emptyAppliedState,
  loadAppliedState,
  saveAppliedState,
  parseAppliedState,
  serializeAppliedState,
  type AppliedState,
  type AppliedSubscription,
} from './state.js';
export {
  assertSubscriptionName,
  certificatePaths,
  cgiSocketPath,
  docrootDir,
  logsDir,
  tmpDir,
  poolDir,
  nginxDir,
  ManagedConfig,
  nginxConfPath,
  phpSocketPath,
  poolPath,
  suspendedPagePath,
  webspaceDir,
  removedRoot,
  type Layout,
} from './layout.js';
export { siteSpec, type SiteSpec, type SiteSpecOptions, type PhpSettings, type PhpHandler } from './render/site.js';
export { renderNginxSite, serverNames, type NginxContext } from './render/nginx.js';
export { renderPhpFpmPool, phpSize, type PhpFpmContext } from './render/php-fpm.js';
export { renderSubscription, cgiErrorLog, type RenderContext, type RenderedFile, type RenderedSubscription, type WebspaceEntry, type Owner } from './render/subscription.js';
export { phpErrorLog } from './render/php-fpm.js';
export { SUSPENDED_PAGE_HTML } from './render/suspended-page.js';
export type { DesiredDelta, DesiredMap, DesiredState, DesiredSubscription, RealizeLogger, SubscriptionState } from './types.js';
