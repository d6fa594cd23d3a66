/** Admin RPC to run a controller job now (`hostplane job run <name>`). */
import { InvalidArgumentError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { DEFAULT_JOB_SETTINGS, JOBS } from '../../jobs.js';
import { unary, type ApiDeps } from '../pipeline.js';

export function jobHandlers(deps: ApiDeps): Pick<AdminServer, 'runJob'> {
  return {
    runJob: unary(deps, 'RunJob', (req) => {
      const job = Object.hasOwn(JOBS, req.name) ? JOBS[req.name] : undefined;
      if (!job) throw new InvalidArgumentError('name', `unknown job '${req.name}': one of ${Object.keys(JOBS).join(', ')}`);
      const result = job.run({
        core: deps.core,
        settings: deps.jobSettings ?? DEFAULT_JOB_SETTINGS,
        resendSnapshots: () => deps.agents?.resendSnapshots(),
        ...(deps.agents ? { agents: deps.agents } : {}),
        onRotationFailed: (host, err) => deps.log.warn({ component: 'jobs', host, err: err.message }, 'credential rotation did not complete'),
      });
      deps.log.info({ component: 'jobs', job: req.name, affected: result.affected }, result.summary);
      return { name: req.name, affectedCount: result.affected, summary: result.summary };
    }),
  };
}
