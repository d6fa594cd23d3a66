/** Customers: who they are, their state and subscriptions; create, suspend, activate. */
import { useState } from 'preact/hooks';
import {
  ActivateCustomerRequest,
  ActivateCustomerResponse,
  CreateCustomerRequest,
  CreateCustomerResponse,
  CustomerState,
  ListCustomersRequest,
  ListCustomersResponse,
  SuspendCustomerRequest,
  SuspendCustomerResponse,
} from '@hostplane/proto/hostplane/v1/customer.js';
import { call } from '../api.js';
import type { Me } from '../main.js';
import { Badge, ErrorNote, Unfold, useLoad } from '../ui.js';

export function Customers({ me }: { me: Me }) {
  const list = useLoad(() => call('ListCustomers', ListCustomersRequest, ListCustomersResponse, {}), []);
  const [error, setError] = useState<unknown>();
  const [form, setForm] = useState({ login: '', displayName: '', email: '' });
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const customers = (list.data?.customers ?? []).filter((c) => !needle || [c.login, c.displayName, c.email].some((f) => f.toLowerCase().includes(needle)));
  const act = (p: Promise<unknown>) => {
    setError(undefined);
    p.then(() => list.reload(), setError);
  };
  return (
    <section>
      <h1>Customers</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <input type="search" aria-label="Search" placeholder="Search by login, name or email" value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
      </form>
      <ErrorNote error={list.error ?? error} />
      <div class="overflow-auto">
        <table class="striped" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">State</th>
              <th scope="col">Subscriptions</th>
              {me.role === 'admin' && <th scope="col">Reseller</th>}
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {customers.map((c) => {
              const suspended = c.state === CustomerState.CUSTOMER_STATE_SUSPENDED;
              return (
                <tr key={c.login}>
                  <td>{c.login}</td>
                  <td>{c.displayName || '—'}</td>
                  <td>{c.email}</td>
                  <td>{suspended ? <Badge kind="suspended">Suspended</Badge> : 'active'}</td>
                  <td>
                    <a href={`#/subscriptions?customer=${encodeURIComponent(c.login)}`}>{c.subscriptionCount}</a>
                  </td>
                  {me.role === 'admin' && <td>{c.reseller ?? '—'}</td>}
                  <td>
                    {suspended ? (
                      <button type="button" class="secondary outline small" onClick={() => act(call('ActivateCustomer', ActivateCustomerRequest, ActivateCustomerResponse, { login: c.login }))}>
                        Activate
                      </button>
                    ) : (
                      <button type="button" class="secondary outline small" onClick={() => act(call('SuspendCustomer', SuspendCustomerRequest, SuspendCustomerResponse, { login: c.login }))}>
                        Suspend
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!list.loading && customers.length === 0 && <p>No customers{needle ? ' match' : ' yet'}.</p>}
      <Unfold label="New customer">
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setError(undefined);
            call('CreateCustomer', CreateCustomerRequest, CreateCustomerResponse, { login: form.login.trim(), displayName: form.displayName.trim(), email: form.email.trim() }).then(() => {
              setForm({ login: '', displayName: '', email: '' });
              list.reload();
            }, setError);
          }}
        >
          <input aria-label="Login" placeholder="Login" required value={form.login} onInput={(e) => setForm({ ...form, login: (e.currentTarget as HTMLInputElement).value })} />
          <input aria-label="Name" placeholder="Name" value={form.displayName} onInput={(e) => setForm({ ...form, displayName: (e.currentTarget as HTMLInputElement).value })} />
          <input aria-label="Email" placeholder="Email" type="email" required value={form.email} onInput={(e) => setForm({ ...form, email: (e.currentTarget as HTMLInputElement).value })} />
          <button type="submit">Create</button>
        </form>
      </Unfold>
    </section>
  );
}
