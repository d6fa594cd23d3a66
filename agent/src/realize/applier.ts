/**
 * The applier: carries out the diff between the desired state and the applied state on this host,
 * one subscription at a time, then validates and reloads the web server once for the batch, and
 * persists what it applied. Level-triggered: every call converges every desired subscription
 * (an unchanged one is checked against its rendered files too, so drift on disk is repaired), and
 * a failure leaves the subscription at its previous applied generation, to be retried by the next
 * call. One subscription's failure is reported for it alone.
 *
 * Configuration changes are journaled: a subscription that fails halfway is rolled back alone; a
 * batch that the validate command refuses, or whose reload fails, is rolled back as a whole and
 * reported for each subscription it changed, so the files on disk always are a configuration that
 * was accepted (a reboot never starts the web server on a broken one).
 */
import { compileApplierOptions, type ApplierOptions, type CompiledApplierOptions } from './applier-options.js';
import { runCommand } from './commands.js';
import { diff, desiredMap, type RealizationDiff } from './diff.js';
import { FileJournal } from './file-journal.js';
import { suspendedPagePath, type Layout } from './layout.js';
import { SUSPENDED_PAGE_HTML } from './render/suspended-page.js';
import { loadAppliedState, saveAppliedState, type AppliedState, type AppliedSubscription } from './state.js';
import { moveAside, realizeSubscription, removeSubscriptionConfig, type StepContext } from './steps.js';
import type { DesiredState, DesiredSubscription } from './types.js';

/** The outcome of one subscription, as acknowledged to the controller. */
export interface SubscriptionApplyResult {
  readonly name: string;
  /** The generation the host now realizes: the previous one (0 if none) when applying failed. */
  readonly appliedGeneration: number;
  /** Why applying failed; empty on success. */
  readonly error: string;
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
  private readonly opts: CompiledApplierOptions;
  private readonly layout: Layout;
  private state: AppliedState | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ApplierOptions) {
    this.opts = compileApplierOptions(options);
    this.layout = { vhostsRoot: this.opts.vhostsRoot, configDir: this.opts.configDir };
  }

  /** The applied state (loaded from the state dir on first use). */
  async appliedState(): Promise<AppliedState> {
    this.state ??= await loadAppliedState(this.opts.stateDir, this.opts.log);
    return this.state;
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
    const ctx: StepContext = { layout: this.layout, user: this.opts.user, group: this.opts.group, defaultPhpVersion: this.opts.defaultPhpVersion(), log: this.opts.log };
    const next = new Map(applied.subscriptions);
    const errors = new Map<string, string>();
    const changed: Changed[] = [];
    const batch = new FileJournal([this.layout.configDir]);

    await this.ensureSuspendedPage(plan);
    const unchanged = new Set(plan.unchanged.map((s) => s.name));
    const work = [...plan.create, ...plan.update, ...plan.unchanged].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const sub of work) {
      const previous = applied.subscriptions.get(sub.name);
      const journal = new FileJournal([this.layout.configDir]);
      try {
        const files = await realizeSubscription(sub, previous, journal, ctx);
        const isChange = !unchanged.has(sub.name) || journal.changed;
        next.set(sub.name, { generation: sub.generation, state: sub.state, values: sub.values, files });
        if (isChange) changed.push({ name: sub.name, previous, removal: false });
        batch.absorb(journal);
      } catch (err) {
        errors.set(sub.name, await this.fail(sub.name, err, journal));
      }
    }
    for (const name of plan.remove) {
      const previous = applied.subscriptions.get(name)!;
      const journal = new FileJournal([this.layout.configDir]);
      try {
        await removeSubscriptionConfig(name, previous, journal, ctx);
        next.delete(name);
        changed.push({ name, previous, removal: true });
        batch.absorb(journal);
      } catch (err) {
        errors.set(name, await this.fail(name, err, journal));
      }
    }

    if (changed.length > 0) {
      const refused = await this.validateAndReload();
      if (refused) {
        const rollbackErrors = await batch.rollback();
        const suffix = rollbackErrors.length ? ` (and ${rollbackErrors.length} file(s) could not be restored: ${rollbackErrors[0]!.message})` : '';
        for (const c of changed) {
          if (c.previous) next.set(c.name, c.previous);
          else next.delete(c.name);
          errors.set(c.name, refused + suffix);
        }
      } else {
        await this.moveRemovedAside(changed, next, errors);
      }
    }

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
        failed: errors.size,
      },
      'desired state applied',
    );
    return { revision: desired.revision, results };
  }

  /** Runs validate then reload; returns why the batch is refused, or undefined when all went well. */
  private async validateAndReload(): Promise<string | undefined> {
    if (this.opts.validateCmd) {
      const v = await runCommand(this.opts.validateCmd, this.opts.commandTimeoutMs);
      if (!v.ok) {
        this.opts.log.error({ component: 'realize', command: this.opts.validateCmd, message: v.message }, 'configuration refused; batch rolled back');
        return `configuration refused, changes rolled back: ${v.message}`;
      }
    }
    if (this.opts.reloadCmd) {
      const r = await runCommand(this.opts.reloadCmd, this.opts.commandTimeoutMs);
      if (!r.ok) {
        this.opts.log.error({ component: 'realize', command: this.opts.reloadCmd, message: r.message }, 'reload failed; batch rolled back');
        return `reload failed, changes rolled back: ${r.message}`;
      }
    }
    return undefined;
  }

  /** After the reload: removed subscriptions' webspaces go to `.removed/`; a failure is retried. */
  private async moveRemovedAside(changed: readonly Changed[], next: Map<string, AppliedSubscription>, errors: Map<string, string>) {
    for (const c of changed) {
      if (!c.removal) continue;
      try {
        const to = await moveAside(c.name, this.layout, this.opts.now());
        this.opts.log.info({ component: 'realize', subscription: c.name, movedTo: to }, 'subscription removed');
      } catch (err) {
        // Its configuration is gone; keep it in the applied state so the next call moves it aside.
        next.set(c.name, { ...c.previous!, files: [] });
        errors.set(c.name, `configuration removed, but the webspace could not be moved aside: ${message(err)}`);
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

  /** The static "suspended" page, written when some subscription is suspended. Not part of any batch. */
  private async ensureSuspendedPage(plan: RealizationDiff): Promise<void> {
    const any = (subs: readonly DesiredSubscription[]) => subs.some((s) => s.state === 'suspended');
    if (!any(plan.create) && !any(plan.update) && !any(plan.unchanged)) return;
    try {
      await new FileJournal([this.layout.configDir]).write(suspendedPagePath(this.layout), SUSPENDED_PAGE_HTML);
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
    const results = names.map((name) => ({ name, appliedGeneration: next.get(name)?.generation ?? 0, error: errors.get(name) ?? '' }));
    for (const name of plan.remove) {
      const error = errors.get(name);
      if (error !== undefined) results.push({ name, appliedGeneration: applied.subscriptions.get(name)!.generation, error });
    }
    return results;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
