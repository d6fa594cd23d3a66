/**
 * `hostplane job run <name>`: runs a scheduled controller job now (e.g. `expire`, which suspends
 * the subscriptions whose expiry passed).
 */
import type { Command } from 'commander';
import { RunJobRequest } from '@hostplane/proto/hostplane/v1/job.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { plural } from '../output.js';

/** A job may touch every subscription (a full resync): give it the time of a plan update. */
const JOB_TIMEOUT_SECONDS = 300;

export function registerJob(program: Command, ctx: Context): void {
  const job = group(program, 'job', "the controller's scheduled jobs", ['hostplane job run expire']);
  verb(job, 'run <name>', 'run a scheduled controller job now; an unknown name lists the known ones', [
    'hostplane job run expire',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('runJob', RunJobRequest.fromPartial({ name }), {
      timeoutSeconds: JOB_TIMEOUT_SECONDS,
      progress: `Running job ${name}`,
    });
    ctx.emit(
      opts.json,
      { name: res.name || name, affectedCount: res.affectedCount, summary: res.summary },
      () => `${res.summary || `Ran job ${res.name || name}: ${plural(res.affectedCount, 'change')}.`}\n`,
    );
  });
}
