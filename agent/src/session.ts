/**
 * The agent's life: enroll once, then keep one Connect stream to the controller — hello and the
 * capability report, the desired state (snapshot, then deltas) realized and acknowledged,
 * heartbeats, detection on a schedule and on request — reconnecting with jittered backoff.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { credentials, Metadata, status, type ChannelCredentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { schedule, type ScheduledTask } from 'node-cron';
import { highestPhpVersion, reportToProto, valuesFromProto, type CapabilityReport } from '@hostplane/shared';
import { AgentClient, type ConnectRequest, type ConnectResponse, type DesiredSubscription as ProtoDesired } from '@hostplane/proto/hostplane/v1/agent.js';
import { SubscriptionState } from '@hostplane/proto/hostplane/v1/subscription.js';
import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import { loadCredential, saveCredential, type StoredCredential } from './credential.js';
import { detectCapabilities, reportsEqual, type DiskReserve } from './detect/index.js';
import type { HostLayout } from './host-layout.js';
import { Applier, applyDelta, desiredMap, SharedSiteUser, SystemUsers, webspaceDir, type DesiredSubscription, type SiteUsers } from './realize/index.js';

export const PROTOCOL_VERSION = 1;
export const AGENT_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface AgentConfig {
  readonly controller: string;
  readonly hostName: string;
  readonly joinToken?: string;
  /** Where things go on this host and how servers are validated and reloaded. */
  readonly layout: HostLayout;
  readonly probePath?: readonly string[];
  readonly reserve?: DiskReserve;
  /** PEM CA bundle to verify the controller's TLS certificate; plaintext without it. */
  readonly caFile?: string;
  readonly heartbeatMs: number;
  /** node-cron expression of periodic detection. */
  readonly detectSchedule: string;
}

/**
 * Who sites run as: their own system users when the agent is root; otherwise (a developer's
 * machine) the agent's own user, which is said once, loudly — never silently in production.
 */
export async function siteUsersFor(layout: HostLayout, log: Logger, isRoot = process.getuid?.() === 0): Promise<SiteUsers> {
  if (isRoot) {
    return new SystemUsers({
      prefix: layout.users.prefix,
      uidMin: layout.users.uidMin,
      uidMax: layout.users.uidMax,
      shell: layout.users.shell,
      home: (domain) => webspaceDir(layout, domain),
      commandTimeoutMs: layout.commandTimeoutSeconds * 1000,
    });
  }
  const shared = await SharedSiteUser.current();
  log.warn(
    { component: 'realize', user: shared.user.name },
    `development mode: the agent is not root, so every site runs as '${shared.user.name}' instead of its own system user (sites are not isolated from each other)`,
  );
  return shared;
}

type Stream = ClientDuplexStream<ConnectRequest, ConnectResponse>;

function fromProto(s: ProtoDesired): DesiredSubscription {
  return {
    name: s.name,
    generation: Number(s.generation),
    state: s.state === SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED ? 'suspended' : 'active',
    values: valuesFromProto(s.values),
  };
}

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class AgentRunner {
  private readonly applier: Applier;
  private lastReport: CapabilityReport | undefined;
  private lastSent: CapabilityReport | undefined;
  private stream: Stream | undefined;
  private desired = new Map<string, DesiredSubscription>();
  private desiredRevision = 0;
  private applying = false;
  private applyAgain = false;
  /** A desired state arrived since start (retries have something to apply). */
  private haveDesired = false;
  private stopped = false;
  /** Resolves when the current apply loop is idle (tests, shutdown). */
  private idle: Promise<void> = Promise.resolve();

  /** Retries of a failed apply: level-triggered, with backoff, until every subscription applied. */
  private readonly retryBackoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    users: SiteUsers,
  ) {
    const l = config.layout;
    this.applier = new Applier({
      vhostsRoot: l.vhostsRoot,
      configDir: l.configDir,
      stateDir: l.stateDir,
      nginxDir: l.nginx.includeDir,
      poolDir: l.phpFpm.poolDir,
      phpSocketDir: l.phpFpm.socketDir,
      cgiSocketDir: l.cgi.socketDir,
      listen: l.nginx.listen,
      listenTls: l.nginx.listenTls,
      nginx: { validate: l.nginx.validate, reload: l.nginx.reload },
      phpFpm: { validate: l.phpFpm.validate, reload: l.phpFpm.reload },
      fcgiwrap: l.cgi.fcgiwrap,
      cgiProcesses: l.cgi.processes,
      commandTimeoutMs: l.commandTimeoutSeconds * 1000,
      webUser: l.webServer.user,
      webGroup: l.webServer.group,
      users,
      defaultPhpVersion: () => this.highestPhp(),
      log: log.child({ component: 'realize' }),
    });
    this.retryBackoff = new Backoff(l.retry.minSeconds * 1000, l.retry.maxSeconds * 1000);
  }

  async detect(): Promise<CapabilityReport> {
    const started = performance.now();
    const report = await detectCapabilities({
      vhostsRoot: this.config.layout.vhostsRoot,
      probePath: this.config.probePath,
      reserve: this.config.reserve,
      onError: (detector, err) => this.log.warn({ component: 'detect', detector, err: (err as Error).message }, 'detector failed'),
    });
    this.log.debug({ component: 'detect', ms: Math.round(performance.now() - started), components: report.components.length }, 'detected');
    this.lastReport = report;
    return report;
  }

  /** Runs until `signal` aborts: enrollment, then sessions with reconnects. */
  async run(signal: AbortSignal): Promise<void> {
    const channel = await this.channelCredentials();
    const client = new AgentClient(this.config.controller, channel, { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 });
    let cron: ScheduledTask | undefined;
    try {
      const credential = await this.ensureCredential(client, signal);
      if (!credential) return;
      const state = await this.applier.appliedState();
      this.desiredRevision = state.revision;
      await this.detect();
      await this.applier.start(this.fpmVersions());
      cron = schedule(this.config.detectSchedule, () => void this.periodicDetect(), { name: 'detect', noOverlap: true, unref: true });
      const backoff = new Backoff();
      while (!signal.aborted) {
        const outcome = await this.session(client, credential, signal, () => backoff.reset());
        if (signal.aborted) break;
        const delay = outcome === 'unauthenticated' ? 60_000 : backoff.next();
        this.log.info({ component: 'session', reconnectInMs: delay }, 'disconnected; reconnecting');
        await abortable(delay, signal);
      }
    } finally {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.stopped = true;
      await cron?.stop();
      await this.idle;
      // Production CGI runners outlive the agent; a developer's do not outlive `npm start`.
      if (!this.applier.opts.users.isolated) await this.applier.stopRuntime();
      client.close();
    }
  }

  private async channelCredentials(): Promise<ChannelCredentials> {
    return this.config.caFile ? credentials.createSsl(await readFile(this.config.caFile)) : credentials.createInsecure();
  }

  private async ensureCredential(client: AgentClient, signal: AbortSignal): Promise<StoredCredential | undefined> {
    const stored = await loadCredential(this.config.layout.stateDir);
    if (stored) {
      if (stored.host !== this.config.hostName) {
        this.log.warn({ component: 'enroll', enrolledAs: stored.host, name: this.config.hostName }, 'the stored credential is for another name; using it');
      }
      return stored;
    }
    if (!this.config.joinToken) {
      throw new Error(`no credential in ${this.config.layout.stateDir}: give --join-token (from 'hostplane host token create') the first time`);
    }
    const backoff = new Backoff(1000, 30_000);
    while (!signal.aborted) {
      try {
        const res = await new Promise<{ hostName: string; credential: string }>((resolve, reject) =>
          client.enroll(
            { joinToken: this.config.joinToken!, hostName: this.config.hostName },
            new Metadata(),
            { deadline: Date.now() + 15_000 },
            (err, r) => (err ? reject(err) : resolve(r)),
          ),
        );
        const c = { host: res.hostName, controller: this.config.controller, credential: res.credential };
        await saveCredential(this.config.layout.stateDir, c);
        this.log.info({ component: 'enroll', host: c.host }, 'enrolled; credential stored');
        return c;
      } catch (err) {
        const e = err as ServiceError;
        if (e.code !== status.UNAVAILABLE && e.code !== status.DEADLINE_EXCEEDED) throw new Error(`enrollment refused: ${e.details ?? e.message}`);
        const delay = backoff.next();
        this.log.warn({ component: 'enroll', err: e.details, retryInMs: delay }, 'controller unreachable; retrying enrollment');
        await abortable(delay, signal);
      }
    }
    return undefined;
  }

  private async periodicDetect(): Promise<void> {
    try {
      const report = await this.detect();
      if (this.stream && (!this.lastSent || !reportsEqual(report, this.lastSent))) this.sendReport(report, '');
    } catch (err) {
      this.log.warn({ component: 'detect', err: (err as Error).message }, 'detection failed');
    }
  }

  private send(payload: ConnectRequest['payload']): void {
    const s = this.stream;
    if (s && !s.destroyed && s.writable) s.write({ payload });
  }

  private sendReport(report: CapabilityReport, requestId: string): void {
    this.send({ $case: 'capabilities', value: { report: reportToProto(report), requestId } });
    this.lastSent = report;
  }

  /** The PHP versions (X.Y) whose php-fpm the last detection found. */
  private fpmVersions(): string[] {
    const versions = (this.lastReport?.components ?? []).filter((c) => c.name === 'php-fpm' && c.version).map((c) => c.version!.split('.').slice(0, 2).join('.'));
    return [...new Set(versions)];
  }

  private highestPhp(): string | undefined {
    return this.lastReport ? highestPhpVersion(this.lastReport) : undefined;
  }

  /** One session; resolves when the stream ends. */
  private session(client: AgentClient, credential: StoredCredential, signal: AbortSignal, onReady: () => void): Promise<'ended' | 'unauthenticated'> {
    return new Promise((resolve) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${credential.credential}`);
      const stream = client.connect(md);
      this.stream = stream;
      const log = this.log.child({ component: 'session' });
      const heartbeat = setInterval(() => this.send({ $case: 'heartbeat', value: { sentAt: new Date() } }), this.config.heartbeatMs);
      let settled = false;
      const finish = (outcome: 'ended' | 'unauthenticated') => {
        if (settled) return;
        settled = true;
        clearInterval(heartbeat);
        signal.removeEventListener('abort', onAbort);
        if (this.stream === stream) this.stream = undefined;
        resolve(outcome);
      };
      const onAbort = () => {
        stream.end();
        stream.cancel();
        finish('ended');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (msg: ConnectResponse) => {
        const p = msg.payload;
        if (!p) return;
        switch (p.$case) {
          case 'snapshot':
            onReady();
            this.haveDesired = true;
            this.desired = desiredMap(p.value.subscriptions.map(fromProto));
            this.desiredRevision = Number(p.value.revision);
            log.info({ revision: this.desiredRevision, subscriptions: this.desired.size }, 'snapshot received');
            this.scheduleApply();
            return;
          case 'delta':
            this.desired = applyDelta(this.desired, {
              revision: Number(p.value.revision),
              upserts: p.value.upserts.map(fromProto),
              removals: p.value.removals,
            });
            this.desiredRevision = Number(p.value.revision);
            log.debug({ revision: this.desiredRevision, upserts: p.value.upserts.length, removals: p.value.removals.length }, 'delta received');
            this.scheduleApply();
            return;
          case 'detect':
            // `host detect` also retries a failed apply at once (level-triggered: it re-applies all).
            void this.detect().then(
              (report) => {
                this.sendReport(report, p.value.requestId);
                this.retryNow();
              },
              (err: Error) => log.warn({ err: err.message }, 'detection failed'),
            );
            return;
        }
      });
      stream.on('error', (err: ServiceError) => {
        if (err.code === status.UNAUTHENTICATED || err.code === status.PERMISSION_DENIED) {
          log.error({ code: err.code, err: err.details }, 'the controller refused this agent: enroll it again with a new join token');
          finish('unauthenticated');
          return;
        }
        if (err.code !== status.CANCELLED) log.warn({ code: err.code, err: err.details }, 'stream error');
        finish('ended');
      });
      stream.on('end', () => finish('ended'));
      this.send({
        $case: 'hello',
        value: { hostName: credential.host, agentVersion: AGENT_VERSION, protocolVersion: PROTOCOL_VERSION, observedRevision: String(this.desiredRevision) },
      });
      if (this.lastReport) this.sendReport(this.lastReport, '');
      log.info({ controller: this.config.controller, host: credential.host }, 'connected');
    });
  }

  /** Retries now what failed (after `host detect`, or a snapshot pushed by `sub sync`). */
  private retryNow(): void {
    if (!this.haveDesired) return;
    this.retryBackoff.reset();
    this.scheduleApply();
  }

  /**
   * Applies the latest desired state; deltas arriving meanwhile are folded into one more pass. When
   * some subscription failed, the whole state is applied again after a backoff (5 s, 10 s, … up to
   * the configured maximum, jittered) until none fails: the cause fixed (a broken file removed, a
   * server started), the site gets its change without anyone asking.
   */
  private scheduleApply(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.applying) {
      this.applyAgain = true;
      return;
    }
    this.applying = true;
    this.idle = (async () => {
      let failed = 0;
      try {
        do {
          this.applyAgain = false;
          const revision = this.desiredRevision;
          const outcome = await this.applier.apply({ revision, subscriptions: [...this.desired.values()] });
          const failures = outcome.results.filter((r) => r.error);
          failed = failures.length;
          if (failed) this.log.warn({ component: 'realize', revision, failed: failures.map((f) => ({ subscription: f.name, error: f.error })) }, 'some subscriptions failed to apply');
          this.send({
            $case: 'ack',
            value: {
              observedRevision: String(outcome.revision),
              results: outcome.results.map((r) => ({ name: r.name, appliedGeneration: String(r.appliedGeneration), error: r.error, systemUser: r.systemUser })),
            },
          });
        } while (this.applyAgain);
      } catch (err) {
        failed = 1;
        this.log.error({ component: 'realize', err: (err as Error).message }, 'cannot apply the desired state');
      } finally {
        this.applying = false;
      }
      if (failed === 0) {
        this.retryBackoff.reset();
      } else if (!this.stopped) {
        const delay = this.retryBackoff.next();
        this.log.info({ component: 'realize', failed, retryInMs: delay }, 'apply failed; retrying');
        this.retryTimer = setTimeout(() => this.scheduleApply(), delay);
        this.retryTimer.unref();
      }
    })();
  }
}
