/**
 * The hostplane console: sign in with a token, then the seed's panel — hosts, plans, subscriptions
 * (with the conflict report and its OK / Cancel), customers, resellers and live events — over the
 * controller's JSON API. Routes live in the fragment (`#/subscriptions/example.com`): the page is one
 * static file, and nothing secret ever goes into a URL.
 */
import '@picocss/pico/css/pico.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { WhoAmIRequest, WhoAmIResponse } from '@hostplane/proto/hostplane/v1/token.js';
import { ApiError, call, session, whenUnauthenticated } from './api.js';
import { ErrorNote } from './ui.js';
import { Hosts } from './screens/hosts.js';
import { PlanPage, Plans } from './screens/plans.js';
import { SubscriptionPage, Subscriptions } from './screens/subscriptions.js';
import { Customers } from './screens/customers.js';
import { ResellerPage, Resellers } from './screens/resellers.js';
import { Events } from './screens/events.js';

export type Me = WhoAmIResponse;

function useRoute(): string[] {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('?')[0]!
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The query part of the fragment (`#/subscriptions?customer=alice`). */
export function routeQuery(): URLSearchParams {
  return new URLSearchParams(location.hash.split('?')[1] ?? '');
}

function SignIn(props: { onSignedIn: (me: Me) => void; note?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main class="container signin">
      <article>
        <header>
          <h1>hostplane</h1>
          <p>Sign in with an API token: the admin token (<code>data/admin-token</code>), or a token from <code>hostplane token create</code> or <code>hostplane reseller token create</code>.</p>
        </header>
        {props.note && <p class="notice">{props.note}</p>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            const t = token.trim();
            call('WhoAmI', WhoAmIRequest, WhoAmIResponse, {}, t).then(
              (me) => {
                session.set(t);
                setToken('');
                props.onSignedIn(me);
              },
              (err: unknown) => {
                setBusy(false);
                setError(err instanceof ApiError && err.code === 'unauthenticated' ? new Error('This token is not accepted by the controller.') : err);
              },
            );
          }}
        >
          <label for="token">
            Token
            <input id="token" name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <ErrorNote error={error} />
          <button type="submit" aria-busy={busy} disabled={busy}>
            Sign in
          </button>
        </form>
      </article>
    </main>
  );
}

function Nav({ me, route, onSignOut }: { me: Me; route: string[]; onSignOut: () => void }) {
  const admin = me.role === 'admin';
  const links: [string, string][] = admin
    ? [
        ['subscriptions', 'Subscriptions'],
        ['plans', 'Plans'],
        ['customers', 'Customers'],
        ['hosts', 'Hosts'],
        ['resellers', 'Resellers'],
        ['events', 'Events'],
      ]
    : [
        ['subscriptions', 'Subscriptions'],
        ['plans', 'Plans'],
        ['customers', 'Customers'],
        [`resellers/${encodeURIComponent(me.reseller)}`, 'Allocation'],
      ];
  const current = route[0] ?? 'subscriptions';
  return (
    <header class="container-fluid topbar">
      <nav aria-label="Main">
        <ul>
          <li>
            <a href="#/subscriptions" class="brand">
              <strong>hostplane</strong>
            </a>
          </li>
        </ul>
        <ul class="links">
          {links.map(([href, label]) => (
            <li key={href}>
              <a href={`#/${href}`} aria-current={current === href.split('/')[0] ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <ul>
          <li class="whoami">
            <small>
              {me.name} · {me.role}
              {me.reseller ? ` of ${me.reseller}` : ''}
            </small>
          </li>
          <li>
            <button type="button" class="secondary outline" onClick={onSignOut}>
              Sign out
            </button>
          </li>
        </ul>
      </nav>
    </header>
  );
}

function Screen({ me, route }: { me: Me; route: string[] }) {
  const [first, second] = route;
  switch (first) {
    case 'hosts':
      return <Hosts />;
    case 'plans':
      return second ? <PlanPage key={second} name={second} me={me} /> : <Plans me={me} />;
    case 'customers':
      return <Customers me={me} />;
    case 'resellers':
      return second ? <ResellerPage key={second} login={second} me={me} /> : <Resellers />;
    case 'events':
      return <Events />;
    case 'subscriptions':
    case undefined:
      // A new query (`?host=web1` from the hosts page) is a new list with those filters.
      return second ? <SubscriptionPage key={second} name={second} me={me} /> : <Subscriptions key={location.hash.split('?')[1] ?? ''} me={me} />;
    default:
      return (
        <p>
          No such page. <a href="#/subscriptions">Subscriptions</a>
        </p>
      );
  }
}

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(session.token() !== null);
  const [note, setNote] = useState<string>();
  const route = useRoute();
  useEffect(() => {
    whenUnauthenticated((message) => {
      session.clear();
      setMe(null);
      setNote(`Signed out: ${message}`);
    });
    if (session.token() === null) return;
    // A reload of the tab: the token is still in session storage; ask who it is.
    call('WhoAmI', WhoAmIRequest, WhoAmIResponse, {}).then(
      (who) => {
        setMe(who);
        setChecking(false);
      },
      () => setChecking(false),
    );
  }, []);
  if (checking) return <main class="container" aria-busy="true" />;
  if (!me)
    return (
      <SignIn
        note={note}
        onSignedIn={(who) => {
          setNote(undefined);
          setMe(who);
        }}
      />
    );
  return (
    <>
      <Nav
        me={me}
        route={route}
        onSignOut={() => {
          session.clear();
          setMe(null);
        }}
      />
      <main class="container">
        <Screen me={me} route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
