/**
 * Resellers: each one's plan, state, sync status and allocation against its limits; a reseller's
 * page (also a reseller token's own "Allocation") with a meter per total.
 */
import { useState } from 'preact/hooks';
import {
  ActivateResellerRequest,
  ActivateResellerResponse,
  GetResellerRequest,
  GetResellerResponse,
  ListResellersRequest,
  ListResellersResponse,
  ResellerState,
  SuspendResellerRequest,
  SuspendResellerResponse,
  type Reseller,
} from '@hostplane/proto/hostplane/v1/reseller.js';
import { UNLIMITED, valueFromProto } from '@hostplane/shared';
import { call } from '../api.js';
import type { Me } from '../main.js';
import { Badge, Breadcrumb, ConflictTable, ErrorNote, SYNC_LABEL, grouped, useLoad, valueText } from '../ui.js';

/** Used against its limit: `3 / 10`, with a meter when the limit is a number. */
function Allocation({ r, keyName }: { r: Reseller; keyName: string }) {
  const used = valueFromProto(r.allocation[keyName]);
  const limit = valueFromProto(r.effectiveValues[keyName]);
  const over = typeof used === 'number' && typeof limit === 'number' && used > limit;
  return (
    <>
      <span class={over ? 'error' : undefined}>
        {valueText(keyName, r.allocation[keyName])} / {limit === undefined ? UNLIMITED : valueText(keyName, r.effectiveValues[keyName])}
      </span>
      {typeof used === 'number' && typeof limit === 'number' && limit > 0 && <progress value={Math.min(used, limit)} max={limit} aria-label={`${keyName} allocated`} />}
    </>
  );
}

export function Resellers() {
  const list = useLoad(() => call('ListResellers', ListResellersRequest, ListResellersResponse, {}), []);
  const resellers = list.data?.resellers ?? [];
  return (
    <section>
      <h1>Resellers</h1>
      <ErrorNote error={list.error} />
      <div class="overflow-auto">
        <table class="striped" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Reseller</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Customers</th>
              <th scope="col">Subscriptions</th>
              <th scope="col">Disk</th>
            </tr>
          </thead>
          <tbody>
            {resellers.map((r) => (
              <tr key={r.login}>
                <td>
                  <a href={`#/resellers/${encodeURIComponent(r.login)}`}>{r.login}</a>
                  {r.displayName && <small> {r.displayName}</small>}
                </td>
                <td>{r.plan || '—'}</td>
                <td>
                  <Badge kind={(SYNC_LABEL[r.syncStatus] ?? 'unknown').toLowerCase()}>{SYNC_LABEL[r.syncStatus] ?? 'Unknown'}</Badge>
                  {r.state === ResellerState.RESELLER_STATE_SUSPENDED && <Badge kind="suspended">Suspended</Badge>}
                </td>
                <td>
                  <Allocation r={r} keyName="reseller.customers" />
                </td>
                <td>
                  <Allocation r={r} keyName="reseller.subscriptions" />
                </td>
                <td>
                  <Allocation r={r} keyName="limits.disk_space" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!list.loading && resellers.length === 0 && <p>No resellers yet.</p>}
    </section>
  );
}

export function ResellerPage({ login, me }: { login: string; me: Me }) {
  const loaded = useLoad(() => call('GetReseller', GetResellerRequest, GetResellerResponse, { login }), [login]);
  const [reseller, setReseller] = useState<Reseller>();
  const [error, setError] = useState<unknown>();
  const r = reseller ?? loaded.data?.reseller;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!r) return <section aria-busy="true" />;
  const keys = new Set([...Object.keys(r.effectiveValues), ...Object.keys(r.allocation)]);
  const suspended = r.state === ResellerState.RESELLER_STATE_SUSPENDED;
  return (
    <section>
      {me.role === 'admin' && (
        <Breadcrumb href="#/resellers" label="Resellers" current={r.login} />
      )}
      <hgroup>
        <h1>
          {r.login} <Badge kind={(SYNC_LABEL[r.syncStatus] ?? 'unknown').toLowerCase()}>{SYNC_LABEL[r.syncStatus] ?? 'Unknown'}</Badge> {suspended && <Badge kind="suspended">Suspended</Badge>}
        </h1>
        <p>
          {r.displayName || r.email} · plan {r.plan || '—'} · {r.customerCount} customers · {r.planCount} plans · {r.subscriptionCount} subscriptions
        </p>
      </hgroup>
      {me.role === 'admin' && (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setError(undefined);
              const p = suspended
                ? call('ActivateReseller', ActivateResellerRequest, ActivateResellerResponse, { login: r.login })
                : call('SuspendReseller', SuspendResellerRequest, SuspendResellerResponse, { login: r.login });
              p.then((res) => setReseller(res.reseller), setError);
            }}
          >
            {suspended ? 'Activate' : 'Suspend'}
          </button>
        </div>
      )}
      <ErrorNote error={error} />
      {r.conflicts.length > 0 && (
        <article class="unsynced">
          <header>
            <strong>Unsynced</strong>: its allocation exceeds its plan.
          </header>
          <ConflictTable conflicts={r.conflicts} />
        </article>
      )}
      <h2>Allocation against limits</h2>
      {grouped(keys).map(([title, group]) => (
        <article key={title}>
          <header>{title}</header>
          <table>
            <tbody>
              {group.map((k) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>{k in r.allocation ? <Allocation r={r} keyName={k} /> : valueText(k, r.effectiveValues[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
