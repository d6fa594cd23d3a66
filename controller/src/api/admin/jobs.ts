/** Admin RPC to run a controller job now (`hostplane job run <name>`). */
import { InvalidArgumentError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import type { ControllerCore } from '../../core.js';
import { unary, type ApiDeps } from '../unary.js';

export interface JobResult {
  readonly affected: number;
  readonly summary: string;
}

/** The controller's jobs, each idempotent; the scheduler runs the same functions. */
export const JOBS: Record<string, (core: ControllerCore) => JobResult> = {
  expire: (core) => {
    const names = core.expireDue();
    return { affected: names.length, summary: names.length ? `suspended as expired: ${names.join(', ')}` : 'no subscription newly expired' };
  },
};

export function jobHandlers(deps: ApiDeps): Pick<AdminServer, 'runJob'> {
  return {
    runJob: unary(deps, 'RunJob', (req) => {
      const job = JOBS[req.name];
      if (!job) throw new InvalidArgumentError('name', `unknown job '${req.name}': one of ${Object.keys(JOBS).join(', ')}`);
      const result = job(deps.core);
      deps.log.info({ component: 'jobs', job: req.name, affected: result.affected }, result.summary);
      return { name: req.name, affectedCount: result.affected, summary: result.summary };
    }),
  };
}
