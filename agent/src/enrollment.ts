/**
 * Enrollment: the agent's host credential, from its state dir when it has one, else by presenting
 * the join token once (retried while the controller is unreachable; refused for good otherwise).
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { AgentClient } from '@hostplane/proto/hostplane/v1/agent.js';
import type { Logger } from 'pino';
import { sleep } from './abortable.js';
import { Backoff } from './backoff.js';
import { loadCredential, saveCredential, type StoredCredential } from './credential.js';

export interface EnrollmentOptions {
  readonly stateDir: string;
  readonly hostName: string;
  readonly controller: string;
  readonly joinToken?: string | undefined;
}

/**
 * The controller refused the join token (used, expired, unknown): trying again cannot help. The
 * agent exits with EX_CONFIG (78), which the systemd unit does not restart on.
 */
export class EnrollmentRefused extends Error {
  static readonly EXIT_CODE = 78;
  constructor(reason: string) {
    super(`enrollment refused: ${reason}; create a new join token with 'hostplane host token create' and start the agent with it (--join-token)`);
  }
}

/** The credential, or undefined when `signal` aborted first. Throws EnrollmentRefused when refused. */
export async function ensureCredential(client: AgentClient, opts: EnrollmentOptions, log: Logger, signal: AbortSignal): Promise<StoredCredential | undefined> {
  const stored = await loadCredential(opts.stateDir);
  if (stored) {
    if (stored.host !== opts.hostName) {
      log.warn({ component: 'enroll', enrolledAs: stored.host, name: opts.hostName }, 'the stored credential is for another name; using it');
    }
    return stored;
  }
  const joinToken = opts.joinToken;
  if (!joinToken) throw new Error(`no credential in ${opts.stateDir}: give --join-token (from 'hostplane host token create') the first time`);
  const backoff = new Backoff(1000, 30_000);
  while (!signal.aborted) {
    try {
      const res = await new Promise<{ hostName: string; credential: string }>((resolve, reject) =>
        client.enroll({ joinToken, hostName: opts.hostName }, new Metadata(), { deadline: Date.now() + 15_000 }, (err, r) => (err ? reject(err) : resolve(r))),
      );
      const c = { host: res.hostName, controller: opts.controller, credential: res.credential };
      await saveCredential(opts.stateDir, c);
      log.info({ component: 'enroll', host: c.host }, 'enrolled; credential stored');
      return c;
    } catch (err) {
      const e = err as ServiceError;
      if (e.code !== status.UNAVAILABLE && e.code !== status.DEADLINE_EXCEEDED) throw new EnrollmentRefused(e.details ?? e.message);
      const delay = backoff.next();
      log.warn({ component: 'enroll', err: e.details, retryInMs: delay }, 'controller unreachable; retrying enrollment');
      await sleep(delay, signal);
    }
  }
  return undefined;
}
