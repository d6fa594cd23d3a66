/**
 * The agent's life, composed of runnables: enrollment once; the detection loop (at start, on a
 * schedule, on request); the apply loop (the desired state kept applied, failures retried with
 * backoff); and sessions with the controller, reconnecting with jittered backoff. Stopping goes in
 * the reverse order: the session ends, the schedule stops, the running apply pass finishes.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { AgentClient } from '@hostplane/proto/hostplane/v1/agent.js';
import type { Logger } from 'pino';
import { sleep } from './abortable.js';
import { ApplyLoop } from './apply-loop.js';
import { Backoff } from './backoff.js';
import type { DiskReserve } from './detect/index.js';
import { DetectionLoop } from './detection-loop.js';
import { certHash, fetchCaByHash, pinnedCaPath, readPinnedCa, savePinnedCa } from './ca-pin.js';
import { ensureCredential } from './enrollment.js';
import { saveCredential } from './credential.js';
import type { QuotaTarget } from './realize/applier-options.js';
import { UsageMeter } from './usage/meter.js';
import { MoveManager, sweepIncoming } from './move.js';
import { CertificateManager, LETS_ENCRYPT, type AcmeOptions, type CertificateStatus } from './acme/certificates.js';
import { schedule } from 'node-cron';

/** Usage is measured every 15 minutes (and after each \`host detect\`). */
const USAGE_SCHEDULE = '30 */15 * * * *';
/** Certificates are checked for renewal twice a day (and after every apply pass). */
const CERTIFICATE_SCHEDULE = '0 7 */12 * * *';
import type { HostLayout } from './host-layout.js';
import { Applier, SharedSiteUser, SystemUsers, webspaceDir, type SiteUsers } from './realize/index.js';
import { Session } from './session.js';

export interface AgentConfig {
  /** The controller it enrolls with (the first of `controllers`). */
  readonly controller: string;
  /** Every controller it may connect to (several on one PostgreSQL): it fails over in this order. */
  readonly controllers?: readonly string[] | undefined;
  readonly hostName: string;
  readonly joinToken?: string | undefined;
  /** Where things go on this host and how servers are validated and reloaded. */
  readonly layout: HostLayout;
  readonly probePath?: readonly string[] | undefined;
  readonly reserve?: DiskReserve | undefined;
  /** PEM CA bundle to verify the controller's TLS certificate (its names checked too). */
  readonly caFile?: string | undefined;
  /** `sha256:<hex>` of the controller's own CA: fetched, checked and pinned before anything is sent. */
  readonly caHash?: string | undefined;
  readonly heartbeatMs: number;
  /** node-cron expression of periodic detection. */
  readonly detectSchedule: string;
  /** Where certificates for `hosting.ssl` come from (ACME). */
  readonly acme?: AcmeOptions | undefined;
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

/** The applier of a host layout. */
export function applierFor(
  layout: HostLayout,
  users: SiteUsers,
  defaultPhpVersion: () => string | undefined,
  log: Logger,
  quota: () => QuotaTarget | undefined = () => undefined,
): Applier {
  return new Applier({
    vhostsRoot: layout.vhostsRoot,
    configDir: layout.configDir,
    stateDir: layout.stateDir,
    nginxDir: layout.nginx.includeDir,
    poolDir: layout.phpFpm.poolDir,
    phpSocketDir: layout.phpFpm.socketDir,
    cgiSocketDir: layout.cgi.socketDir,
    listen: layout.nginx.listen,
    listenTls: layout.nginx.listenTls,
    nginx: { validate: layout.nginx.validate, reload: layout.nginx.reload },
    phpFpm: { validate: layout.phpFpm.validate, reload: layout.phpFpm.reload },
    fcgiwrap: layout.cgi.fcgiwrap,
    cgiProcesses: layout.cgi.processes,
    commandTimeoutMs: layout.commandTimeoutSeconds * 1000,
    webUser: layout.webServer.user,
    webGroup: layout.webServer.group,
    users,
    defaultPhpVersion,
    quota,
    log, // every line of realization names its component itself (a child logger would repeat the key)
  });
}

export class AgentRunner {
  private readonly detection: DetectionLoop;
  private readonly applier: Applier;
  private readonly apply: ApplyLoop;
  private session: Session | undefined;
  private readonly usage: UsageMeter;
  private readonly certificates: CertificateManager;
  private readonly moves: MoveManager;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    users: SiteUsers,
  ) {
    const l = config.layout;
    this.detection = new DetectionLoop({ vhostsRoot: l.vhostsRoot, probePath: config.probePath, reserve: config.reserve, schedule: config.detectSchedule }, log);
    this.applier = applierFor(l, users, () => this.detection.highestPhp(), log, () => this.detection.quotaTarget());
    this.usage = new UsageMeter(l, l.stateDir, undefined, (name, err) =>
      log.warn({ component: 'usage', subscription: name, err: err.message }, 'disk usage not measured; its last figure is kept'),
    );
    this.moves = new MoveManager(l, users, log);
    this.certificates = new CertificateManager(l, l.stateDir, config.acme ?? { directoryUrl: LETS_ENCRYPT }, log);
    this.apply = new ApplyLoop(
      this.applier,
      {
        retryMinMs: l.retry.minSeconds * 1000,
        retryMaxMs: l.retry.maxSeconds * 1000,
        onOutcome: (outcome) => {
          this.session?.acknowledge(outcome);
          void this.checkCertificates(); // a site that now asks for SSL gets its certificate
        },
      },
      log,
    );
  }

  private measuring: Promise<void> | undefined;
  private certifying: Promise<void> | undefined;
  private certifyAgain = false;
  private certificateStatuses: readonly CertificateStatus[] = [];

  /**
   * Obtains and renews the certificates of the sites that ask for SSL (one run at a time; a request
   * during one runs once more after it). A new certificate makes realization serve HTTPS.
   */
  checkCertificates(): Promise<void> {
    if (this.certifying) {
      this.certifyAgain = true;
      return this.certifying;
    }
    this.certifying = (async () => {
      try {
        do {
          this.certifyAgain = false;
          const applied = await this.applier.appliedState();
          const sites = [...applied.subscriptions].map(([name, sub]) => ({ name, values: sub.values, suspended: sub.state === 'suspended' }));
          const { statuses, installed } = await this.certificates.run(sites);
          this.certificateStatuses = statuses;
          this.session?.reportCertificates(statuses);
          if (installed) this.apply.retryNow(); // the site configurations now serve HTTPS
        } while (this.certifyAgain);
      } catch (err) {
        this.log.warn({ component: 'acme', err: (err as Error).message }, 'certificates not checked');
      } finally {
        this.certifying = undefined;
      }
    })();
    return this.certifying;
  }

  /**
   * Measures the usage of the sites applied here and reports what changed (one measurement at a
   * time: a request during one is served by it).
   */
  measureUsage(): Promise<void> {
    this.measuring ??= (async () => {
      try {
        const names = [...(await this.applier.appliedState()).subscriptions.keys()];
        const usages = await this.usage.measure(names);
        this.session?.reportUsage(usages);
        this.log.debug({ component: 'usage', sites: usages.length }, 'usage measured');
      } catch (err) {
        this.log.warn({ component: 'usage', err: (err as Error).message }, 'usage not measured');
      } finally {
        this.measuring = undefined;
      }
    })();
    return this.measuring;
  }

  /** Runs until `signal` aborts: enrollment, then sessions with reconnects. */
  async run(signal: AbortSignal): Promise<void> {
    const channel = await this.channelCredentials();
    const addresses = this.config.controllers?.length ? this.config.controllers : [this.config.controller];
    const clients = addresses.map(
      (address) =>
        new AgentClient(address, channel, {
          'grpc.keepalive_time_ms': 30_000,
          'grpc.keepalive_timeout_ms': 10_000,
        }),
    );
    const client = clients[0]!;
    let current = 0;
    const stopDetection = new AbortController();
    let detecting: Promise<void> | undefined;
    try {
      let credential = await ensureCredential(
        client,
        { stateDir: this.config.layout.stateDir, hostName: this.config.hostName, controller: this.config.controller, joinToken: this.config.joinToken },
        this.log,
        signal,
      );
      if (!credential) return;
      const stateDir = this.config.layout.stateDir;
      // Rotations are saved one at a time, in the order they came (each confirmed once durable).
      let saving: Promise<void> = Promise.resolve();
      const saveRotated = (secret: string): Promise<void> => {
        const save = saving.then(async () => {
          const next = { ...credential!, credential: secret };
          await saveCredential(stateDir, next);
          credential = next; // the next session authenticates with it
        });
        saving = save.catch(() => undefined);
        return save;
      };
      await sweepIncoming(this.config.layout); // a move does not survive a restart: nothing staged may be adopted later
      await this.apply.start();
      await this.detection.detect();
      await this.applier.start(this.detection.fpmVersions());
      detecting = this.detection.start(stopDetection.signal);
      const usageTask = schedule(USAGE_SCHEDULE, () => void this.measureUsage(), { name: 'usage', noOverlap: true });
      const certificateTask = schedule(CERTIFICATE_SCHEDULE, () => void this.checkCertificates(), { name: 'certificates', noOverlap: true });
      stopDetection.signal.addEventListener('abort', () => void Promise.all([usageTask.stop(), certificateTask.stop()]), { once: true });
      // Capped at 5 s: after a controller outage the agents are back within seconds of it.
      const backoff = new Backoff(500, 5000);
      while (!signal.aborted) {
        this.session = new Session({
          client: clients[current]!,
          credential,
          detection: this.detection,
          apply: this.apply,
          heartbeatMs: this.config.heartbeatMs,
          log: this.log,
          onLive: () => {
            backoff.reset();
            void this.measureUsage(); // the controller hears of usage from the start of each session
            this.session?.reportCertificates(this.certificateStatuses);
          },
          saveCredential: saveRotated,
          measureUsage: () => void this.measureUsage(),
          moves: this.moves,
        });
        const end = await this.session.run(signal);
        this.session = undefined;
        this.moves.abortAll(); // the controller fails them too; nothing is left running or staged
        if (signal.aborted) break;
        const delay = end === 'unauthenticated' ? 60_000 : backoff.next();
        // With several controllers, the next one (the backoff's jitter spreads a failed controller's
        // agents over time; each agent tries them in turn).
        if (clients.length > 1) current = (current + 1) % clients.length;
        this.log.info({ component: 'session', reconnectInMs: delay, controller: addresses[current] }, 'disconnected; reconnecting');
        await sleep(delay, signal);
      }
    } finally {
      stopDetection.abort();
      await detecting;
      await this.apply.stop();
      // Production CGI runners outlive the agent; a developer's do not outlive `npm start`.
      if (!this.applier.opts.users.isolated) await this.applier.stopRuntime();
      for (const c of clients) c.close();
    }
  }

  /**
   * How to reach the controller: TLS verified by the operator's CA (`--ca`, names checked); or by
   * the pinned CA of the controller (`--ca-hash`, fetched and checked once, then kept — that CA is
   * the controller's alone, so the certificate's names are not checked); else plaintext (loopback,
   * or `--insecure`).
   */
  private async channelCredentials(): Promise<ChannelCredentials> {
    if (this.config.caFile) return credentials.createSsl(await readFile(this.config.caFile));
    const stateDir = this.config.layout.stateDir;
    let pinned = readPinnedCa(stateDir);
    if (pinned && this.config.caHash && certificateHash(pinned) !== this.config.caHash) {
      throw new Error(`--ca-hash ${this.config.caHash} is not the CA pinned in ${pinnedCaPath(stateDir)}: remove that file to enroll with another controller`);
    }
    if (!pinned && this.config.caHash) {
      pinned = await fetchCaByHash(this.config.controller, this.config.caHash);
      await savePinnedCa(stateDir, pinned);
      this.log.info({ component: 'enroll', caHash: this.config.caHash }, "the controller's CA matches --ca-hash; pinned");
    }
    if (pinned) return credentials.createSsl(Buffer.from(pinned), null, null, { checkServerIdentity: () => undefined });
    return credentials.createInsecure();
  }
}

/** `sha256:<hex>` of a PEM certificate. */
function certificateHash(caPem: string): string {
  return certHash(new X509Certificate(caPem).raw);
}
