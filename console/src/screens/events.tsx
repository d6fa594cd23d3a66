/**
 * Live events: the latest 50, then each new one as it is recorded (WatchEvents, a Connect server
 * stream), resumed after the last id seen when the stream breaks.
 */
import { useEffect, useState } from 'preact/hooks';
import { ListEventsRequest, ListEventsResponse, type Event } from '@hostplane/proto/hostplane/v1/event.js';
import { ApiError, call, watchEvents } from '../api.js';
import { ErrorNote, when } from '../ui.js';

const KEEP = 500;

function summary(e: Event): string {
  const data = e.data ?? {};
  const parts = Object.entries(data)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.join(' ');
}

export function Events() {
  const [events, setEvents] = useState<Event[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>();
  const [filter, setFilter] = useState('');
  useEffect(() => {
    const abort = new AbortController();
    let last = '0';
    let retry = 500;
    const add = (list: Event[]) => {
      if (!list.length) return;
      last = list[list.length - 1]!.id;
      setEvents((old) => [...list.slice().reverse(), ...old].slice(0, KEEP));
    };
    void (async () => {
      try {
        add((await call('ListEvents', ListEventsRequest, ListEventsResponse, { newest: true, limit: 50 })).events);
      } catch (err) {
        setError(err);
        return;
      }
      while (!abort.signal.aborted) {
        try {
          setLive(true);
          setError(undefined);
          await watchEvents({ afterId: last }, (e) => {
            retry = 500;
            add([e]);
          }, abort.signal);
        } catch (err) {
          if (abort.signal.aborted) return;
          setError(err);
          if (err instanceof ApiError && (err.code === 'unauthenticated' || err.code === 'permission_denied')) return;
        }
        setLive(false);
        await new Promise((r) => setTimeout(r, retry));
        retry = Math.min(retry * 2, 10_000);
      }
    })();
    return () => abort.abort();
  }, []);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? events.filter((e) => e.type.includes(needle) || e.entityName.toLowerCase().includes(needle)) : events;
  return (
    <section>
      <h1>
        Events <small class={live ? 'live' : 'offline'}>{live ? '● live' : '○ reconnecting'}</small>
      </h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <input type="search" aria-label="Filter events" placeholder="Filter by type or entity" value={filter} onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} />
      </form>
      <ErrorNote error={error} />
      <div class="overflow-auto">
        <table class="striped events" aria-live="polite">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Entity</th>
              <th scope="col">By</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id}>
                <td>{e.id}</td>
                <td>
                  <small>{when(e.time)}</small>
                </td>
                <td>
                  <code>{e.type}</code>
                </td>
                <td>{e.entityName}</td>
                <td>
                  <small>
                    {e.actor}
                    {e.onBehalfOf ? ` for ${e.onBehalfOf}` : ''}
                  </small>
                </td>
                <td>
                  <small>{summary(e)}</small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p>No events yet.</p>}
    </section>
  );
}
