/**
 * Plans: service, add-on and reseller plans; a plan's page with its values grouped (limits, hosting,
 * PHP, permissions); an edit is the seed's "Update & Sync": the change is first tried (a dry run
 * that writes nothing) and its summary shown — how many subscriptions will be synced, which will
 * become unsynced and why, which are locked and left alone — then applied, all or nothing, when
 * confirmed.
 */
import { useState } from 'preact/hooks';
import {
  CreatePlanRequest,
  CreatePlanResponse,
  GetPlanRequest,
  GetPlanResponse,
  ListPlansRequest,
  ListPlansResponse,
  PlanKind,
  UpdatePlanRequest,
  UpdatePlanResponse,
  type Plan,
  type SyncSummary,
} from '@hostplane/proto/hostplane/v1/plan.js';
import type { Value as ProtoValue } from '@hostplane/proto/hostplane/v1/values.js';
import { PROPERTIES, PROPERTY_KEYS, isResellerPlanKey, valuesFromProto } from '@hostplane/shared';
import { call } from '../api.js';
import type { Me } from '../main.js';
import { Breadcrumb, ConflictTable, ErrorNote, Modal, PropertyFields, Unfold, changesOf, grouped, inputText, useLoad, valueText, when } from '../ui.js';

const KINDS: [PlanKind, string][] = [
  [PlanKind.PLAN_KIND_SERVICE, 'Service plans'],
  [PlanKind.PLAN_KIND_ADDON, 'Add-on plans'],
  [PlanKind.PLAN_KIND_RESELLER, 'Reseller plans'],
];

const SUMMARY_KEYS = ['limits.disk_space', 'limits.traffic', 'limits.mailboxes', 'hosting.php', 'hosting.php_version'];

/** The keys a plan of this kind may carry (the catalogue's rules, as the controller checks them). */
export function keysFor(kind: PlanKind): string[] {
  if (kind === PlanKind.PLAN_KIND_RESELLER) return PROPERTY_KEYS.filter(isResellerPlanKey);
  return PROPERTY_KEYS.filter((k) => {
    const def = PROPERTIES.get(k)!;
    return def.scope !== 'reseller' && (kind !== PlanKind.PLAN_KIND_ADDON || def.inAddons);
  });
}

export function Plans({ me }: { me: Me }) {
  const list = useLoad(() => call('ListPlans', ListPlansRequest, ListPlansResponse, {}), []);
  const [name, setName] = useState('');
  const [kind, setKind] = useState(PlanKind.PLAN_KIND_SERVICE);
  const [error, setError] = useState<unknown>();
  const kinds = me.role === 'admin' ? KINDS : KINDS.filter(([k]) => k !== PlanKind.PLAN_KIND_RESELLER);
  return (
    <section>
      <h1>Plans</h1>
      <ErrorNote error={list.error} />
      {kinds.map(([k, title]) => {
        const plans = (list.data?.plans ?? []).filter((p) => p.kind === k);
        return (
          <section key={k} aria-busy={list.loading}>
            <h2>{title}</h2>
            {plans.length === 0 ? (
              <p>None.</p>
            ) : (
              <div class="overflow-auto">
                <table class="striped">
                  <thead>
                    <tr>
                      <th scope="col">Plan</th>
                      {k !== PlanKind.PLAN_KIND_RESELLER && SUMMARY_KEYS.map((key) => <th scope="col">{key.split('.')[1]!.replace(/_/g, ' ')}</th>)}
                      <th scope="col">{k === PlanKind.PLAN_KIND_RESELLER ? 'Resellers' : 'Subscriptions'}</th>
                      <th scope="col">Version</th>
                    </tr>
                  </thead>
                  <tbody>
                    {plans.map((p) => (
                      <tr key={p.name}>
                        <td>
                          <a href={`#/plans/${encodeURIComponent(p.name)}`}>{p.name}</a>
                          {p.reseller && <small> ({p.reseller})</small>}
                        </td>
                        {k !== PlanKind.PLAN_KIND_RESELLER && SUMMARY_KEYS.map((key) => <td>{valueText(key, p.values[key])}</td>)}
                        <td>{p.subscriptionCount}</td>
                        <td>{p.version}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
      <Unfold label="New plan">
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setError(undefined);
            call('CreatePlan', CreatePlanRequest, CreatePlanResponse, { name: name.trim(), kind, values: {} }).then((res) => {
              location.hash = `#/plans/${encodeURIComponent(res.plan!.name)}`;
            }, setError);
          }}
        >
          <input aria-label="Plan name" placeholder="Name" required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          <select aria-label="Kind" value={kind} onChange={(e) => setKind(Number((e.currentTarget as HTMLSelectElement).value))}>
            {kinds.map(([k, title]) => (
              <option value={k}>{title.replace(' plans', '')}</option>
            ))}
          </select>
          <button type="submit">Create</button>
        </form>
        <ErrorNote error={error} />
      </Unfold>
    </section>
  );
}

/** The Update & Sync summary: what the change does (or did) to the plan's subscriptions. */
function Summary({ summary, done }: { summary: SyncSummary | undefined; done: boolean }) {
  if (!summary) return null;
  return (
    <div class="summary">
      <ul>
        <li>
          <strong>{summary.syncedCount}</strong> subscription{summary.syncedCount === 1 ? '' : 's'} {done ? 'synced' : 'will be synced'}
        </li>
        <li>
          <strong>{summary.unsyncedCount}</strong> {done ? 'unsynced' : 'will become unsynced'}: their servers cannot provide the new values
        </li>
        <li>
          <strong>{summary.skippedLockedCount}</strong> locked or custom, left alone{summary.skippedLocked.length ? `: ${summary.skippedLocked.join(', ')}` : ''}
        </li>
      </ul>
      {summary.unsynced.map((u) => (
        <details key={u.name}>
          <summary>{u.name}</summary>
          <ConflictTable conflicts={u.conflicts} />
        </details>
      ))}
    </div>
  );
}

function describe(set: Record<string, ProtoValue>, unset: string[]): string[] {
  return [...Object.entries(set).map(([k, v]) => `${k} = ${valueText(k, v)}`), ...unset.map((k) => `${k}: not set (default)`)];
}

export function PlanPage({ name }: { name: string; me: Me }) {
  const loaded = useLoad(() => call('GetPlan', GetPlanRequest, GetPlanResponse, { name }), [name]);
  const [plan, setPlan] = useState<Plan>();
  const [texts, setTexts] = useState<Record<string, string>>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<{ set: Record<string, ProtoValue>; unset: string[]; summary?: SyncSummary; version: string }>();
  const [result, setResult] = useState<SyncSummary>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const p = plan ?? loaded.data?.plan;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!p) return <section aria-busy="true" />;
  const values = valuesFromProto(p.values);
  const keys = keysFor(p.kind);
  const editing = texts !== undefined;
  const startEdit = () => {
    setResult(undefined);
    setTexts(Object.fromEntries(keys.map((k) => [k, inputText(k, values[k])])));
  };
  const update = (dryRun: boolean) =>
    call('UpdatePlan', UpdatePlanRequest, UpdatePlanResponse, { name: p.name, expectedVersion: pending!.version, set: pending!.set, unset: pending!.unset, dryRun });
  return (
    <section>
      <Breadcrumb href="#/plans" label="Plans" current={p.name} />
      <hgroup>
        <h1>{p.name}</h1>
        <p>
          {KINDS.find(([k]) => k === p.kind)?.[1].replace(' plans', ' plan')} · version {p.version} · {p.subscriptionCount} {p.kind === PlanKind.PLAN_KIND_RESELLER ? 'resellers' : 'subscriptions'} · updated {when(p.updatedAt)}
          {p.reseller ? ` · reseller ${p.reseller}` : ''}
        </p>
      </hgroup>
      <ErrorNote error={error} />
      {result && (
        <article class="notice" role="status">
          <header>Updated to version {p.version} and synced.</header>
          <Summary summary={result} done />
        </article>
      )}
      {!editing ? (
        <>
          <button type="button" onClick={startEdit}>
            Edit
          </button>
          {Object.keys(values).length === 0 && <p>No values set: every property has its default.</p>}
          {grouped(Object.keys(values)).map(([title, group]) => (
            <article key={title}>
              <header>{title}</header>
              <table>
                <tbody>
                  {group.map((k) => (
                    <tr key={k}>
                      <th scope="row">
                        <code>{k}</code>
                      </th>
                      <td>{valueText(k, p.values[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </article>
          ))}
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const { set, unset, errors: bad } = changesOf(texts, values);
            setErrors(bad);
            setError(undefined);
            if (Object.keys(bad).length) return;
            if (!Object.keys(set).length && !unset.length) {
              setTexts(undefined);
              return;
            }
            const change = { set, unset, version: p.version };
            setBusy(true);
            call('UpdatePlan', UpdatePlanRequest, UpdatePlanResponse, { name: p.name, expectedVersion: p.version, set, unset, dryRun: true }).then(
              (res) => {
                setBusy(false);
                setPending({ ...change, summary: res.summary });
              },
              (err: unknown) => {
                setBusy(false);
                setError(err);
              },
            );
          }}
        >
          <PropertyFields keys={keys} values={texts} errors={errors} onChange={(k, t) => setTexts((x) => ({ ...x!, [k]: t }))} />
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setTexts(undefined)}>
              Cancel
            </button>
            <button type="submit" aria-busy={busy} disabled={busy}>
              Review changes
            </button>
          </div>
        </form>
      )}
      {pending && (
        <Modal title={`Update & Sync ${p.name}`} onClose={() => setPending(undefined)}>
          <p>The plan changes:</p>
          <ul>
            {describe(pending.set, pending.unset).map((line) => (
              <li key={line}>
                <code>{line}</code>
              </li>
            ))}
          </ul>
          <p>and, in the same step, its subscriptions are synchronized:</p>
          <Summary summary={pending.summary} done={false} />
          <ErrorNote error={error} />
          <footer>
            <button type="button" class="secondary" onClick={() => setPending(undefined)}>
              Cancel
            </button>
            <button
              type="button"
              aria-busy={busy}
              disabled={busy}
              onClick={() => {
                setBusy(true);
                update(false).then(
                  (res) => {
                    setBusy(false);
                    setPending(undefined);
                    setTexts(undefined);
                    setPlan(res.plan);
                    setResult(res.summary);
                  },
                  (err: unknown) => {
                    setBusy(false);
                    setError(err);
                  },
                );
              }}
            >
              Update &amp; Sync
            </button>
          </footer>
        </Modal>
      )}
    </section>
  );
}
