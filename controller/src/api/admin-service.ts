/** The `hostplane.v1.Admin` service: every handler, assembled. */
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { customerHandlers } from './admin/customers.js';
import { hostHandlers } from './admin/hosts.js';
import { jobHandlers } from './admin/jobs.js';
import { planHandlers } from './admin/plans.js';
import { subscriptionHandlers } from './admin/subscriptions.js';
import { unimplemented } from './errors.js';
import { toGrpcError } from './errors.js';
import { principalOf, type ApiDeps } from './unary.js';

export function adminService(deps: ApiDeps): AdminServer {
  return {
    ...planHandlers(deps),
    ...customerHandlers(deps),
    ...subscriptionHandlers(deps),
    ...hostHandlers(deps),
    ...jobHandlers(deps),
    // The event feed (outbox, WatchEvents, NATS) is issue 5.
    listEvents: (call, callback) => {
      try {
        principalOf(deps, call);
        callback(unimplemented('the event feed'));
      } catch (err) {
        callback(toGrpcError(err, deps.log, 'ListEvents'));
      }
    },
    watchEvents: (call) => {
      try {
        principalOf(deps, call);
        call.emit('error', unimplemented('the event feed'));
      } catch (err) {
        call.emit('error', toGrpcError(err, deps.log, 'WatchEvents'));
      }
    },
  };
}
