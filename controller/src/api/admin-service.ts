/** The `hostplane.v1.Admin` service: every handler, assembled. */
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { customerHandlers } from './admin/customers.js';
import { eventHandlers } from './admin/events.js';
import { hostHandlers } from './admin/hosts.js';
import { jobHandlers } from './admin/jobs.js';
import { planHandlers } from './admin/plans.js';
import { resellerHandlers } from './admin/resellers.js';
import { subscriptionHandlers } from './admin/subscriptions.js';
import { tokenHandlers } from './admin/tokens.js';
import type { ApiDeps } from './pipeline.js';

export function adminService(deps: ApiDeps): AdminServer {
  return {
    ...planHandlers(deps),
    ...customerHandlers(deps),
    ...resellerHandlers(deps),
    ...subscriptionHandlers(deps),
    ...hostHandlers(deps),
    ...jobHandlers(deps),
    ...eventHandlers(deps),
    ...tokenHandlers(deps),
  };
}
