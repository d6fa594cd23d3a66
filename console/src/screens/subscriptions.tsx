/**
 * Subscriptions: the list with the seed's status badges, filters and search; a subscription's page
 * with its plan / desired / provided values side by side, the conflict report (Property / Plan value /
 * Available value, OK / Cancel), Sync, Customize, Unlock and Sync, Suspend / Activate, add-ons,
 * usage and certificate.
 */
import { useState } from 'preact/hooks';
import {
  AcceptAvailableValuesRequest,
  AcceptAvailableValuesResponse,
  ActivateSubscriptionRequest,
  ActivateSubscriptionResponse,
  AddSubscriptionAddonRequest,
  AddSubscriptionAddonResponse,
  CreateSubscriptionRequest,
  CreateSubscriptionResponse,
  CustomizeSubscriptionRequest,
  CustomizeSubscriptionResponse,
  GetSubscriptionRequest,
  GetSubscriptionResponse,
  ListSubscriptionsRequest,
  ListSubscriptionsResponse,
  RemoveSubscriptionAddonRequest,
  RemoveSubscriptionAddonResponse,
  SubscriptionState,
  SubscriptionView,
  SuspendSubscriptionRequest,
  SuspendSubscriptionResponse,
  SyncStatus,
  SyncSubscriptionRequest,
  SyncSubscriptionResponse,
  UnlockSubscriptionRequest,
  UnlockSubscriptionResponse,
  type Subscription,
} from '@hostplane/proto/hostplane/v1/subscription.js';
import { ListPlansRequest, ListPlansResponse, PlanKind } from '@hostplane/proto/hostplane/v1/plan.js';
import { ListCustomersRequest, ListCustomersResponse } from '@hostplane/proto/hostplane/v1/customer.js';
import type { Conflict } from '@hostplane/proto/hostplane/v1/values.js';
import { PROPERTIES, PROPERTY_KEYS, measuredSize, valuesFromProto } from '@hostplane/shared';
import { call } from '../api.js';
import type { Me } from '../main.js';
import { routeQuery } from '../main.js';
import { Badge, Breadcrumb, ConflictTable, ErrorNote, Modal, PropertyFields, StatusBadges, Unfold, changesOf, grouped, inputText, useLoad, valueText, when } from '../ui.js';

const PAGE = 100;

function Applied({ sub }: { sub: Subscription }) {
  if (sub.applyError) return <Badge kind="failed" title={sub.applyError}>failed</Badge>;
  return sub.appliedGeneration === sub.generation ? <span>ok</span> : <span>pending</span>;
}

function usageCell(used: string | undefined, limit: string | undefined): string {
  if (used === undefined) return '—';
  return `${measuredSize(used)}${limit ? ` / ${limit}` : ''}`;
}

/** A new subscription: its domain, customer and plan (and, for an operator, a host; else placement chooses). */
function NewSubscription({ me, plans }: { me: Me; plans: readonly { name: string }[] }) {
  const customers = useLoad(() => call('ListCustomers', ListCustomersRequest, ListCustomersResponse, {}), []);
  const [form, setForm] = useState({ name: '', customer: '', plan: '', host: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { currentTarget: EventTarget | null }) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <Unfold label="New subscription">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          call('CreateSubscription', CreateSubscriptionRequest, CreateSubscriptionResponse, { name: form.name.trim(), customer: form.customer, plan: form.plan, host: form.host.trim() }).then(
            (res) => {
              location.hash = `#/subscriptions/${encodeURIComponent(res.subscription!.name)}`;
            },
            (err: unknown) => {
              setBusy(false);
              setError(err);
            },
          );
        }}
      >
        <input aria-label="Domain" placeholder="Domain (example.com)" required value={form.name} onInput={set('name')} autocomplete="off" />
        <select aria-label="Customer" required value={form.customer} onChange={set('customer')}>
          <option value="">Customer…</option>
          {customers.data?.customers.map((c) => (
            <option value={c.login}>{c.login}</option>
          ))}
        </select>
        <select aria-label="Service plan" required value={form.plan} onChange={set('plan')}>
          <option value="">Plan…</option>
          {plans.map((p) => (
            <option value={p.name}>{p.name}</option>
          ))}
        </select>
        {me.role === 'admin' && <input aria-label="On host" placeholder="Host (default: placement)" value={form.host} onInput={set('host')} />}
        <button type="submit" aria-busy={busy} disabled={busy}>
          Create
        </button>
      </form>
      <ErrorNote error={error} />
    </Unfold>
  );
}

export function Subscriptions({ me }: { me: Me }) {
  const query = routeQuery();
  const [sync, setSync] = useState(Number(query.get('status') ?? 0));
  const [state, setState] = useState(Number(query.get('state') ?? 0));
  const [plan, setPlan] = useState(query.get('plan') ?? '');
  const [host, setHost] = useState(query.get('host') ?? '');
  const customer = query.get('customer') ?? '';
  const [search, setSearch] = useState('');
  const [pages, setPages] = useState<Subscription[][]>([]);
  const [next, setNext] = useState('');
  const plans = useLoad(() => call('ListPlans', ListPlansRequest, ListPlansResponse, { kind: PlanKind.PLAN_KIND_SERVICE }), []);
  /** A page of the list with the filters of now, after `pageToken`. */
  const page = (pageToken = '') =>
    call('ListSubscriptions', ListSubscriptionsRequest, ListSubscriptionsResponse, {
      syncStatus: sync,
      state,
      plan,
      host,
      customer,
      view: SubscriptionView.SUBSCRIPTION_VIEW_BASIC,
      pageSize: PAGE,
      pageToken,
    });
  const first = useLoad(async () => {
    const res = await page();
    setPages([res.subscriptions]);
    setNext(res.nextPageToken);
    return res;
  }, [sync, state, plan, host, customer]);
  const [moreError, setMoreError] = useState<unknown>();
  const rows = pages.flat();
  const needle = search.trim().toLowerCase();
  const shown = needle ? rows.filter((s) => [s.name, s.displayName, s.customer, s.plan, s.host].some((f) => f.toLowerCase().includes(needle))) : rows;
  return (
    <section>
      <h1>Subscriptions{customer ? ` of ${customer}` : ''}</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <input type="search" aria-label="Search" placeholder="Search by domain, customer, plan or host" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        <select aria-label="Status" value={sync} onChange={(e) => setSync(Number((e.currentTarget as HTMLSelectElement).value))}>
          <option value={0}>Every status</option>
          <option value={SyncStatus.SYNC_STATUS_SYNCED}>Synced</option>
          <option value={SyncStatus.SYNC_STATUS_UNSYNCED}>Unsynced</option>
          <option value={SyncStatus.SYNC_STATUS_LOCKED}>Locked</option>
          <option value={SyncStatus.SYNC_STATUS_CUSTOM}>Custom</option>
        </select>
        <select aria-label="State" value={state} onChange={(e) => setState(Number((e.currentTarget as HTMLSelectElement).value))}>
          <option value={0}>Active and suspended</option>
          <option value={SubscriptionState.SUBSCRIPTION_STATE_ACTIVE}>Active</option>
          <option value={SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED}>Suspended</option>
        </select>
        <select aria-label="Plan" value={plan} onChange={(e) => setPlan((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">Every plan</option>
          {plans.data?.plans.map((p) => (
            <option value={p.name}>{p.name}</option>
          ))}
        </select>
        {me.role === 'admin' && <input type="text" aria-label="Host" placeholder="Host" value={host} onChange={(e) => setHost((e.currentTarget as HTMLInputElement).value.trim())} />}
      </form>
      <ErrorNote error={first.error} />
      <div class="overflow-auto">
        <table class="striped" aria-busy={first.loading}>
          <thead>
            <tr>
              <th scope="col">Subscription</th>
              <th scope="col">Status</th>
              <th scope="col">Customer</th>
              <th scope="col">Plan</th>
              {me.role === 'admin' && <th scope="col">Host</th>}
              <th scope="col">Applied</th>
              <th scope="col">Disk</th>
              <th scope="col">Traffic</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.name}>
                <td>
                  <a href={`#/subscriptions/${encodeURIComponent(s.name)}`}>{s.name}</a>
                </td>
                <td>
                  <StatusBadges sub={s} />
                </td>
                <td>{s.customer}</td>
                <td>
                  {s.plan || '—'}
                  {s.addons.length > 0 && <small> + {s.addons.join(', ')}</small>}
                </td>
                {me.role === 'admin' && <td>{s.host}</td>}
                <td>
                  <Applied sub={s} />
                </td>
                <td>{usageCell(s.usage?.diskBytes, s.usage?.diskLimit)}</td>
                <td>
                  {usageCell(s.usage?.trafficBytes, s.usage?.trafficLimit)}
                  {s.usage?.overused && <Badge kind="unsynced"> over</Badge>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!first.loading && shown.length === 0 && <p>No subscriptions{needle || sync || state || plan || host ? ' match these filters' : ' yet'}.</p>}
      <ErrorNote error={moreError} />
      {next && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setMoreError(undefined);
            page(next).then((res) => {
              setPages((p) => [...p, res.subscriptions]);
              setNext(res.nextPageToken);
            }, setMoreError);
          }}
        >
          Load more
        </button>
      )}
      <NewSubscription me={me} plans={plans.data?.plans ?? []} />
    </section>
  );
}

/** The report of a Sync: the seed's dialog, OK accepts the available values (and locks), Cancel changes nothing. */
function ReportDialog(props: { name: string; conflicts: readonly Conflict[]; fingerprint: string; onDone: (sub?: Subscription) => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`${props.name} cannot be synced`} label="Conflict report" onClose={() => props.onDone()}>
      <p>Its server cannot provide everything its plan asks for. OK accepts the available values: the subscription keeps them and becomes Locked. Cancel changes nothing: it stays Unsynced.</p>
      <ConflictTable conflicts={props.conflicts} />
      <ErrorNote error={error} />
      <footer>
        <button type="button" class="secondary" onClick={() => props.onDone()}>
          Cancel
        </button>
        <button
          type="button"
          aria-busy={busy}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            call('AcceptAvailableValues', AcceptAvailableValuesRequest, AcceptAvailableValuesResponse, { name: props.name, fingerprint: props.fingerprint }).then(
              (res) => props.onDone(res.subscription),
              (err: unknown) => {
                setBusy(false);
                setError(err);
              },
            );
          }}
        >
          OK
        </button>
      </footer>
    </Modal>
  );
}

/** Customize: the subscription's own values (a customized subscription is Locked; the plan no longer changes it). */
function CustomizeDialog(props: { sub: Subscription; onDone: (sub?: Subscription) => void }) {
  const own = valuesFromProto(props.sub.ownValues);
  const desired = valuesFromProto(props.sub.desiredValues);
  const keys = PROPERTY_KEYS.filter((k) => PROPERTIES.get(k)?.scope !== 'reseller');
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(keys.map((k) => [k, inputText(k, own[k])])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  return (
    <Modal title={`Customize ${props.sub.name}`} onClose={() => props.onDone()}>
      <p>Values set here are the subscription's own and win over its plan's; it becomes Locked. Empty fields follow the plan (now: what the placeholder and the page show).</p>
      <form
        id="customize"
        onSubmit={(e) => {
          e.preventDefault();
          const { set, unset, errors: bad } = changesOf(texts, own);
          setErrors(bad);
          if (Object.keys(bad).length) return;
          if (!Object.keys(set).length && !unset.length) return props.onDone();
          call('CustomizeSubscription', CustomizeSubscriptionRequest, CustomizeSubscriptionResponse, { name: props.sub.name, set, unset }).then((res) => props.onDone(res.subscription), setError);
        }}
      >
        <PropertyFields keys={keys} values={texts} errors={errors} onChange={(k, t) => setTexts((x) => ({ ...x, [k]: t }))} />
        <small>Desired now: {Object.keys(desired).length} values.</small>
        <ErrorNote error={error} />
      </form>
      <footer>
        <button type="button" class="secondary" onClick={() => props.onDone()}>
          Cancel
        </button>
        <button type="submit" form="customize">
          Save
        </button>
      </footer>
    </Modal>
  );
}

function ValuesTable({ sub }: { sub: Subscription }) {
  const keys = new Set([...Object.keys(sub.planValues), ...Object.keys(sub.desiredValues), ...Object.keys(sub.providedValues), ...Object.keys(sub.ownValues)]);
  const conflicted = new Set(sub.conflicts.map((c) => c.property));
  return (
    <div class="overflow-auto">
      <table class="values">
        <thead>
          <tr>
            <th scope="col">Property</th>
            <th scope="col">Plan</th>
            <th scope="col">Desired</th>
            <th scope="col">Provided</th>
          </tr>
        </thead>
        {grouped(keys).map(([title, group]) => (
          <tbody key={title}>
            <tr class="group">
              <th colSpan={4} scope="rowgroup">
                {title}
              </th>
            </tr>
            {group.map((k) => (
              <tr key={k} class={conflicted.has(k) ? 'conflicted' : undefined}>
                <td>
                  <code>{k}</code>
                  {sub.ownValues[k] && <small> (own)</small>}
                </td>
                <td>{valueText(k, sub.planValues[k])}</td>
                <td>{valueText(k, sub.desiredValues[k])}</td>
                <td>{valueText(k, sub.providedValues[k])}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** A secondary action of the page: busy while it runs, disabled while another does. */
function ActionButton(props: { id: string; busy: string; run: () => void; children: string }) {
  return (
    <button type="button" class="secondary" aria-busy={props.busy === props.id} disabled={!!props.busy} onClick={props.run}>
      {props.children}
    </button>
  );
}

export function SubscriptionPage({ name, me }: { name: string; me: Me }) {
  const loaded = useLoad(() => call('GetSubscription', GetSubscriptionRequest, GetSubscriptionResponse, { name }), [name]);
  const addons = useLoad(() => call('ListPlans', ListPlansRequest, ListPlansResponse, { kind: PlanKind.PLAN_KIND_ADDON }), []);
  const [sub, setSub] = useState<Subscription>();
  const [report, setReport] = useState<{ conflicts: Conflict[]; fingerprint: string }>();
  const [customizing, setCustomizing] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState('');
  const [addon, setAddon] = useState('');
  const s = sub ?? loaded.data?.subscription;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!s) return <section aria-busy="true" />;

  /** Runs an action; its answer is the subscription as it now is. */
  const act = (label: string, fn: () => Promise<Subscription | undefined>, done: (s: Subscription) => string) => {
    setBusy(label);
    setError(undefined);
    setNotice(undefined);
    fn().then(
      (next) => {
        setBusy('');
        if (next) {
          setSub(next);
          setNotice(done(next));
        }
      },
      (err: unknown) => {
        setBusy('');
        setError(err);
      },
    );
  };
  const suspended = s.state === SubscriptionState.SUBSCRIPTION_STATE_SUSPENDED;
  const locked = s.syncStatus === SyncStatus.SYNC_STATUS_LOCKED;
  const custom = s.syncStatus === SyncStatus.SYNC_STATUS_CUSTOM;
  const available = (addons.data?.plans ?? []).filter((p) => !s.addons.includes(p.name));
  return (
    <section>
      <Breadcrumb href="#/subscriptions" label="Subscriptions" current={s.name} />
      <hgroup>
        <h1>
          {s.name} <StatusBadges sub={s} />
        </h1>
        <p>
          {s.customer} · plan {s.plan || '—'}
          {me.role === 'admin' ? ` · host ${s.host}` : ''} · system user <code>{s.systemUser || '—'}</code>
        </p>
      </hgroup>
      <div class="actions">
        <button
          type="button"
          aria-busy={busy === 'sync'}
          disabled={!!busy || custom}
          title={custom ? 'A custom subscription has no plan to sync with' : 'Synchronize with the plan'}
          onClick={() =>
            act(
              'sync',
              async () => {
                const res = await call('SyncSubscription', SyncSubscriptionRequest, SyncSubscriptionResponse, { name: s.name });
                if (res.conflicts.length) setReport({ conflicts: res.conflicts, fingerprint: res.fingerprint });
                return res.subscription;
              },
              (n) => (n.syncStatus === SyncStatus.SYNC_STATUS_SYNCED ? 'Synced: the subscription has its plan’s values.' : 'Not synced: see the report.'),
            )
          }
        >
          Sync
        </button>
        <button type="button" class="secondary" disabled={!!busy} onClick={() => setCustomizing(true)}>
          Customize
        </button>
        {locked && (
          <ActionButton
            busy={busy}
            id="unlock"
            run={() =>
              act(
                'unlock',
                async () => (await call('UnlockSubscription', UnlockSubscriptionRequest, UnlockSubscriptionResponse, { name: s.name })).subscription,
                (n) => `Unlocked and synced: now ${n.syncStatus === SyncStatus.SYNC_STATUS_SYNCED ? 'Synced' : 'Unsynced'}.`,
              )
            }
          >
            Unlock and Sync
          </ActionButton>
        )}
        {suspended ? (
          <ActionButton busy={busy} id="activate" run={() => act('activate', async () => (await call('ActivateSubscription', ActivateSubscriptionRequest, ActivateSubscriptionResponse, { name: s.name })).subscription, () => 'Activated.')}>
            Activate
          </ActionButton>
        ) : (
          <ActionButton busy={busy} id="suspend" run={() => act('suspend', async () => (await call('SuspendSubscription', SuspendSubscriptionRequest, SuspendSubscriptionResponse, { name: s.name })).subscription, () => 'Suspended.')}>
            Suspend
          </ActionButton>
        )}
      </div>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={error} />
      {s.applyError && <p class="error">The server could not apply it: {s.applyError}</p>}
      {s.syncStatus === SyncStatus.SYNC_STATUS_UNSYNCED && s.conflicts.length > 0 && (
        <article class="unsynced">
          <header>
            <strong>Unsynced</strong>: its server cannot provide everything the plan asks for. Sync shows the report, where OK accepts the available values.
          </header>
          <ConflictTable conflicts={s.conflicts} />
        </article>
      )}
      <div class="grid">
        <article>
          <header>Usage</header>
          {s.usage ? (
            <dl>
              <dt>Disk</dt>
              <dd>{usageCell(s.usage.diskBytes, s.usage.diskLimit)}</dd>
              <dt>Traffic this month</dt>
              <dd>
                {usageCell(s.usage.trafficBytes, s.usage.trafficLimit)} {s.usage.overused && <Badge kind="unsynced">over its limits</Badge>}
              </dd>
              <dt>Measured</dt>
              <dd>{when(s.usage.measuredAt)}</dd>
            </dl>
          ) : (
            <p>Not measured yet.</p>
          )}
          {s.move && (
            <p>
              Moving to {s.move.to}: {measuredSize(s.move.bytes)} of {measuredSize(s.move.expectedBytes)}
            </p>
          )}
        </article>
        <article>
          <header>Certificate</header>
          {s.certificate && s.certificate.status !== 'none' ? (
            <dl>
              <dt>Status</dt>
              <dd>{s.certificate.status}</dd>
              {s.certificate.names.length > 0 && (
                <>
                  <dt>Names</dt>
                  <dd>{s.certificate.names.join(', ')}</dd>
                </>
              )}
              {s.certificate.notAfter && (
                <>
                  <dt>Valid until</dt>
                  <dd>{when(s.certificate.notAfter)}</dd>
                </>
              )}
              {s.certificate.issuer && (
                <>
                  <dt>Issuer</dt>
                  <dd>{s.certificate.issuer}</dd>
                </>
              )}
              {s.certificate.error && (
                <>
                  <dt>Error</dt>
                  <dd class="error">{s.certificate.error}</dd>
                </>
              )}
            </dl>
          ) : (
            <p>None (hosting.ssl is off).</p>
          )}
        </article>
        <article>
          <header>Add-ons</header>
          {s.addons.length === 0 && <p>None.</p>}
          <ul>
            {s.addons.map((a) => (
              <li key={a}>
                {a}{' '}
                <button
                  type="button"
                  class="secondary outline small"
                  aria-label={`Remove add-on ${a}`}
                  disabled={!!busy}
                  onClick={() => act('addon', async () => (await call('RemoveSubscriptionAddon', RemoveSubscriptionAddonRequest, RemoveSubscriptionAddonResponse, { name: s.name, addon: a })).subscription, () => `Add-on ${a} removed.`)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {!custom && available.length > 0 && (
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault();
                if (addon) act('addon', async () => (await call('AddSubscriptionAddon', AddSubscriptionAddonRequest, AddSubscriptionAddonResponse, { name: s.name, addon })).subscription, () => `Add-on ${addon} added.`);
              }}
            >
              <select aria-label="Add-on plan" value={addon} onChange={(e) => setAddon((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">Choose an add-on…</option>
                {available.map((p) => (
                  <option value={p.name}>{p.name}</option>
                ))}
              </select>
              <button type="submit" disabled={!addon || !!busy}>
                Add
              </button>
            </form>
          )}
        </article>
      </div>
      <h2>Values</h2>
      <p>
        <small>Plan: what its plan and add-ons give. Desired: what hostplane asks its server for (own values win). Provided: what the server gives.</small>
      </p>
      <ValuesTable sub={s} />
      <p>
        <small>
          Created {when(s.createdAt)} · updated {when(s.updatedAt)} · expires {s.expiresAt ? when(s.expiresAt) : 'never'} · generation {s.generation} (applied {s.appliedGeneration})
        </small>
      </p>
      {report && (
        <ReportDialog
          name={s.name}
          conflicts={report.conflicts}
          fingerprint={report.fingerprint}
          onDone={(next) => {
            setReport(undefined);
            if (next) {
              setSub(next);
              setNotice('The available values were accepted: the subscription is Locked.');
            } else setNotice('Cancelled: nothing changed, the subscription stays Unsynced.');
          }}
        />
      )}
      {customizing && (
        <CustomizeDialog
          sub={s}
          onDone={(next) => {
            setCustomizing(false);
            if (next) {
              setSub(next);
              setNotice('Customized: the subscription is Locked.');
            }
          }}
        />
      )}
    </section>
  );
}
