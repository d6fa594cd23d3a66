/** Realization: the desired state the controller pushes, carried out on this host. */
export { Applier, type ApplyOutcome, type SubscriptionApplyResult } from './applier.js';
export { compileApplierOptions, type ApplierOptions, type CompiledApplierOptions } from './applier-options.js';
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
export { renderSubscription, type RenderContext, type RenderedFile, type RenderedSubscription } from './render/subscription.js';
export { SUSPENDED_PAGE_HTML } from './render/suspended-page.js';
export type { DesiredDelta, DesiredMap, DesiredState, DesiredSubscription, RealizeLogger, SubscriptionState } from './types.js';
