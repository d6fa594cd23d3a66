/**
 * The applier: carries out the diff between the desired state and the applied state on this host,
 * one subscription at a time, then validates and reloads each server the batch touched, and
 * persists what it applied. Level-triggered: every call converges every desired subscription (an
 * unchanged one is checked against its user, webspace and rendered files too, so drift on disk is
 * repaired), and a failure leaves the subscription at its previous applied generation, to be
 * retried by the next call. One subscription's failure is reported for it alone.
 *
 * Configuration changes are journaled: a subscription that fails halfway is rolled back alone; a
 * batch that a validate command refuses (`nginx -t`, `php-fpm<X.Y> -t` of every PHP version it
 * touched), or whose reload fails, is rolled back as a whole and reported for each subscription it
 * changed, so the files on disk always are a configuration that was accepted (a reboot never starts
 * a server on a broken one). Nothing is reloaded before every touched server accepted the batch.
 */
import { compileApplierOptions, type ApplierOptions, type CompiledApplierOptions } from './applier-options.js';
import { CgiRunner } from './cgi-runner.js';
import { runCommand } from './commands.js';
import { diff, desiredMap, type RealizationDiff } from './diff.js';
import { FileJournal } from './file-journal.js';
import { componentKey, ManagedConfig, nginxDir, poolDir, suspendedPagePath, withVersion, type Component } from './layout.js';
import { siteSpec } from './render/site.js';
import { SUSPENDED_PAGE_HTML } from './render/suspended-page.js';
import { groupId, parsePasswd } from './site-users.js';
import { loadAppliedState, saveAppliedState, type AppliedState, type AppliedSubscription } from './state.js';
import { moveAside, realizeSubscription, removeSubscriptionConfig, type RealizedSubscription, type StepContext } from './steps.js';
import type { DesiredState, DesiredSubscription } from './types.js';
import { promises as fs } from 'node:fs';

/** The outcome of one subscription, as acknowledged to the controller. */
export interface SubscriptionApplyResult {
  readonly name: string;
  /** The generation the host now realizes: the previous one (0 if none) when applying failed. */
  readonly appliedGeneration: number;
  /** Why applying failed; empty on success. */
  readonly error: string;
  /** The system user its site runs as; empty when it has none yet. */
  readonly systemUser: string;
}

export interface ApplyOutcome {
  readonly revision: number;
  /** One per desired subscription, by name, then one per removal that failed. */
  readonly results: SubscriptionApplyResult[];
}

/** A subscription the batch changed, with what to restore in the applied state if the batch fails. */
interface Changed {
  readonly name: string;
  readonly previous: AppliedSubscription | undefined;
  readonly removal: boolean;
}

export class Applier {
  readonly opts: CompiledApplierOptions;
  private readonly managed: ManagedConfig;
  private readonly cgi: CgiRunner;
  private state: AppliedState | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private webIds: { uid: number; gid: number } | undefined;

  constructor(options: ApplierOptions) {
    this.opts = compileApplierOptions(options);
    this.managed = new ManagedConfig(this.opts.layout);
    this.cgi = new CgiRunner({
      layout: this.opts.layout,
      stateDir: this.opts.stateDir,
      fcgiwrap: this.opts.fcgiwrap,
      processes: this.opts.cgiProcesses,
      isolated: this.opts.users.isolated,
      webGid: async () => (await this.web()).gid,
      log: this.opts.log,
    });
  }

  /** The applied state (loaded from the state dir on first use). */
  async appliedState(): Promise<AppliedState> {
    this.state ??= await loadAppliedState(this.opts.stateDir, this.opts.log);
    return this.state;
  }

  /**
   * Prepares the host before the first desired state arrives: the directories that nginx and
   * php-fpm include (for `phpVersions`, the PHP versions installed; a php-fpm whose include dir is
   * missing refuses to start) and the pools' socket dir, and the CGI runners of the sites applied before (after a reboot,
   * CGI serves again without waiting for the controller).
   */
  async start(phpVersions: readonly string[]): Promise<void> {
    const { layout } = this.opts;
    await fs.mkdir(layout.vhostsRoot, { recursive: true, mode: 0o755 });
    await fs.mkdir(nginxDir(layout), { recursive: true, mode: 0o755 });
    await fs.mkdir(layout.phpSocketDir, { recursive: true, mode: 0o755 });
    for (const v of phpVersions) await fs.mkdir(poolDir(layout, v), { recursive: true, mode: 0o755 });
    const applied = await this.appliedState();
    for (const [name, sub] of applied.subscriptions) {
      try {
        const spec = siteSpec({ name, ...sub }, { defaultPhpVersion: this.opts.defaultPhpVersion() });
        if (spec.cgi && !spec.suspended) await this.cgi.ensure(name, await this.opts.users.ensure(name));
      } catch (err) {
        this.opts.log.warn({ component: 'realize', subscription: name, err: message(err) }, 'CGI runner not restored; the next apply retries');
      }
    }
  }

  /**
   * Stops every CGI runner (and waits for a running apply first). In production they outlive the
   * agent on purpose; in development mode (no isolation) the agent stops its own when it stops.
   */
  async stopRuntime(): Promise<void> {
    await this.queue;
    for (const name of await this.cgi.recorded()) await this.cgi.stop(name).catch(() => undefined);
  }

  /**
   * Converges the host to `desired` (a full desired state; merge deltas first with applyDelta).
   * Calls are serialized. Rejects only when the applied state cannot be loaded or saved; every
   * subscription's own failure is in its result.
   */
  apply(desired: DesiredState): Promise<ApplyOutcome> {
    const run = this.queue.then(() => this.run(desired));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(desired: DesiredState): Promise<ApplyOutcome> {
    const applied = await this.appliedState();
    const plan = diff(desiredMap(desired.subscriptions), applied);
    const ctx: StepContext = { opts: this.opts, managed: this.managed, web: await this.web(), defaultPhpVersion: this.opts.defaultPhpVersion() };
    const allowed = (file: string) => this.managed.allows(file);
    const next = new Map(applied.subscriptions);
    const errors = new Map<string, string>();
    const changed: Changed[] = [];
    const cgi = new Map<string, RealizedSubscription>();
    const batch = new FileJournal(allowed);

    await this.ensureSuspendedPage(plan);
    const unchanged = new Set(plan.unchanged.map((s) => s.name));
    const work = [...plan.create, ...plan.update, ...plan.unchanged].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const sub of work) {
      const previous = applied.subscriptions.get(sub.name);
      const journal = new FileJournal(allowed);
      try {
        const realized = await realizeSubscription(sub, previous, journal, ctx);
        const isChange = !unchanged.has(sub.name) || journal.changed || previous?.systemUser !== realized.user.name;
        next.set(sub.name, { generation: sub.generation, state: sub.state, values: sub.values, files: realized.files, systemUser: realized.user.name });
        cgi.set(sub.name, realized);
        if (isChange) changed.push({ name: sub.name, previous, removal: false });
        batch.absorb(journal);
      } catch (err) {
        errors.set(sub.name, await this.fail(sub.name, err, journal));
      }
    }
    for (const name of plan.remove) {
      const previous = applied.subscriptions.get(name)!;
      const journal = new FileJournal(allowed);
      try {
        await removeSubscriptionConfig(name, previous, journal, ctx);
        next.delete(name);
        changed.push({ name, previous, removal: true });
        batch.absorb(journal);
      } catch (err) {
        errors.set(name, await this.fail(name, err, journal));
      }
    }

    // What changed on disk, and the files of every changed subscription: one created again after a
    // crash before the state was saved has its files right already, and was maybe never loaded.
    const touched = this.touched([...batch.paths, ...changed.flatMap((c) => [...(next.get(c.name)?.files ?? []), ...(c.previous?.files ?? [])])]);
    const { refused, reloaded } = await this.validateAndReload(touched);
    if (refused) {
      const rollbackErrors = await batch.rollback();
      await this.reload(reloaded); // back onto the previous files
      const suffix = rollbackErrors.length ? ` (and ${rollbackErrors.length} file(s) could not be restored: ${rollbackErrors[0]!.message})` : '';
      for (const c of changed) {
        if (c.previous) next.set(c.name, c.previous);
        else next.delete(c.name);
        cgi.delete(c.name);
        errors.set(c.name, refused + suffix);
      }
    }
    await this.convergeCgi(cgi, next, applied, errors);
    if (!refused) await this.finishRemovals(changed, next, errors);

    this.state = { revision: desired.revision, subscriptions: next };
    await saveAppliedState(this.opts.stateDir, this.state);
    const results = this.results(desired.subscriptions, plan, next, applied, errors);
    const level = changed.length > 0 || errors.size > 0 ? 'info' : 'debug';
    this.opts.log[level](
      {
        component: 'realize',
        revision: desired.revision,
        created: plan.create.length,
        updated: plan.update.length,
        removed: plan.remove.length,
        changed: changed.length,
        reloaded: refused ? [] : touched.map(componentKey),
        failed: errors.size,
      },
      'desired state applied',
    );
    return { revision: desired.revision, results };
  }

  /** The servers whose configuration the batch changed: nginx first, then php-fpm by version. */
  private touched(paths: readonly string[]): Component[] {
    const byKey = new Map<string, Component>();
    for (const p of paths) {
      const c = this.managed.componentOf(p);
      if (c) byKey.set(componentKey(c), c);
    }
    return [...byKey.values()].sort((a, b) => (componentKey(a) < componentKey(b) ? -1 : 1));
  }

  private commandsOf(c: Component): { validate: readonly string[]; reload: readonly string[] } {
    if (c.kind === 'nginx') return this.opts.nginx;
    const v = (argv: readonly string[]) => argv.map((a) => withVersion(a, c.version));
    return { validate: v(this.opts.phpFpm.validate), reload: v(this.opts.phpFpm.reload) };
  }

  /**
   * Validates every touched server, then reloads each. `refused` says why the batch must be rolled
   * back; `reloaded` are the servers that took it before a later reload failed (the caller reloads
   * them again once the files are back).
   */
  private async validateAndReload(touched: readonly Component[]): Promise<{ refused?: string; reloaded: Component[] }> {
    const log = this.opts.log;
    for (const c of touched) {
      const { validate } = this.commandsOf(c);
      if (validate.length === 0) continue;
      const v = await runCommand(validate, this.opts.commandTimeoutMs);
      if (!v.ok) {
        log.error({ component: 'realize', server: componentKey(c), command: validate, message: v.message }, 'configuration refused; batch rolled back');
        return { refused: `${componentKey(c)} refused the configuration, changes rolled back: ${v.message}`, reloaded: [] };
      }
    }
    const reloaded: Component[] = [];
    for (const c of touched) {
      const { reload } = this.commandsOf(c);
      if (reload.length === 0) continue;
      const r = await runCommand(reload, this.opts.commandTimeoutMs);
      if (!r.ok) {
        log.error({ component: 'realize', server: componentKey(c), command: reload, message: r.message }, 'reload failed; batch rolled back');
        return { refused: `${componentKey(c)} could not be reloaded, changes rolled back: ${r.message}`, reloaded };
      }
      reloaded.push(c);
    }
    return { reloaded };
  }

  private async reload(components: readonly Component[]): Promise<void> {
    for (const c of components) {
      const r = await runCommand(this.commandsOf(c).reload, this.opts.commandTimeoutMs);
      if (!r.ok) this.opts.log.error({ component: 'realize', server: componentKey(c), message: r.message }, 'reload onto the previous configuration failed');
    }
  }

  /** Starts the CGI runners that should run, stops the others (and those of failed subscriptions). */
  private async convergeCgi(
    realized: ReadonlyMap<string, RealizedSubscription>,
    next: Map<string, AppliedSubscription>,
    applied: AppliedState,
    errors: Map<string, string>,
  ): Promise<void> {
    for (const [name, r] of realized) {
      if (!r.cgi) continue;
      try {
        await this.cgi.ensure(name, r.user);
      } catch (err) {
        const previous = applied.subscriptions.get(name);
        if (previous) next.set(name, previous);
        else next.delete(name);
        errors.set(name, message(err));
        this.opts.log.warn({ component: 'realize', subscription: name, err: message(err) }, 'CGI runner failed');
      }
    }
    for (const name of await this.cgi.recorded()) {
      if (realized.get(name)?.cgi && !errors.has(name)) continue;
      if (errors.has(name) && !realized.has(name)) continue; // not realized this time: left as it was
      await this.cgi.stop(name).catch((err: unknown) => this.opts.log.warn({ component: 'realize', subscription: name, err: message(err) }, 'CGI runner could not be stopped'));
    }
  }

  /**
   * After the reload, a removed subscription's webspace goes to `.removed/` and its system user is
   * deleted; a failure keeps it in the applied state, so the next call finishes the job.
   */
  private async finishRemovals(changed: readonly Changed[], next: Map<string, AppliedSubscription>, errors: Map<string, string>) {
    for (const c of changed) {
      if (!c.removal) continue;
      try {
        const to = await moveAside(c.name, this.opts.layout, this.opts.now());
        await this.opts.users.remove(c.name);
        this.opts.log.info({ component: 'realize', subscription: c.name, movedTo: to }, 'subscription removed');
      } catch (err) {
        // Its configuration is gone; keep it in the applied state so the next call finishes.
        next.set(c.name, { ...c.previous!, files: [] });
        errors.set(c.name, `configuration removed, but the removal could not be finished: ${message(err)}`);
      }
    }
  }

  /** Rolls back one subscription's changes and returns its error message. */
  private async fail(name: string, err: unknown, journal: FileJournal): Promise<string> {
    const rollbackErrors = await journal.rollback();
    const text = message(err) + (rollbackErrors.length ? ` (and ${rollbackErrors.length} file(s) could not be restored)` : '');
    this.opts.log.warn({ component: 'realize', subscription: name, err: text }, 'subscription not applied');
    return text;
  }

  /** The web server's uid and gid, looked up once. */
  private async web(): Promise<{ uid: number; gid: number }> {
    if (this.webIds) return this.webIds;
    if (!this.opts.users.isolated) return { uid: -1, gid: -1 };
    const users = parsePasswd(await fs.readFile('/etc/passwd', 'utf8'));
    const uid = users.get(this.opts.webUser)?.uid;
    const gid = await groupId(this.opts.webGroup);
    if (uid === undefined) throw new Error(`the web server's user '${this.opts.webUser}' does not exist on this host`);
    if (gid === undefined) throw new Error(`the web server's group '${this.opts.webGroup}' does not exist on this host`);
    this.webIds = { uid, gid };
    return this.webIds;
  }

  /** The static "suspended" page, written when some subscription is suspended. Not part of any batch. */
  private async ensureSuspendedPage(plan: RealizationDiff): Promise<void> {
    const any = (subs: readonly DesiredSubscription[]) => subs.some((s) => s.state === 'suspended');
    if (!any(plan.create) && !any(plan.update) && !any(plan.unchanged)) return;
    try {
      await new FileJournal([this.opts.layout.configDir]).write(suspendedPagePath(this.opts.layout), SUSPENDED_PAGE_HTML);
    } catch (err) {
      this.opts.log.warn({ component: 'realize', err: message(err) }, 'the suspended page could not be written');
    }
  }

  private results(
    desired: readonly DesiredSubscription[],
    plan: RealizationDiff,
    next: ReadonlyMap<string, AppliedSubscription>,
    applied: AppliedState,
    errors: ReadonlyMap<string, string>,
  ): SubscriptionApplyResult[] {
    const names = [...new Set(desired.map((s) => s.name))].sort();
    const results = names.map((name) => {
      const now = next.get(name);
      return { name, appliedGeneration: now?.generation ?? 0, error: errors.get(name) ?? '', systemUser: now?.systemUser ?? '' };
    });
    for (const name of plan.remove) {
      const error = errors.get(name);
      const was = applied.subscriptions.get(name)!;
      if (error !== undefined) results.push({ name, appliedGeneration: was.generation, error, systemUser: was.systemUser ?? '' });
    }
    return results;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
