/** Hosts: state, connection, detected components, disk, subscriptions and lag; Detect and maintenance. */
import { useState } from 'preact/hooks';
import { CreateJoinTokenRequest, CreateJoinTokenResponse, DetectHostRequest, DetectHostResponse, HostState, ListHostsRequest, ListHostsResponse, SetHostMaintenanceRequest, SetHostMaintenanceResponse, type Host } from '@hostplane/proto/hostplane/v1/host.js';
import { installCommand, measuredSize } from '@hostplane/shared';
import { call } from '../api.js';
import { Badge, ErrorNote, Modal, useLoad, when } from '../ui.js';

const STATE: Record<number, string> = {
  [HostState.HOST_STATE_READY]: 'ready',
  [HostState.HOST_STATE_UNKNOWN]: 'unknown',
  [HostState.HOST_STATE_MAINTENANCE]: 'maintenance',
  [HostState.HOST_STATE_INCOMPATIBLE]: 'incompatible',
};

/** How far the agent is behind what the controller wants it to have. */
function lag(h: Host): string {
  const behind = Number(h.revision) - Number(h.observedRevision);
  return behind <= 0 ? 'in sync' : `${behind} revision${behind === 1 ? '' : 's'} behind`;
}

/**
 * A new node: a single-use join token and the one-command install, as `hostplane host token create`
 * prints them — with this page's host name for the controller (agents that reach it by another
 * name get that one in the command instead).
 */
function AddHost({ onClose }: { onClose: () => void }) {
  const created = useLoad(() => call('CreateJoinToken', CreateJoinTokenRequest, CreateJoinTokenResponse, {}), []);
  const res = created.data;
  const controller = res?.grpcPort ? `${location.hostname}:${res.grpcPort}` : undefined;
  const install = res && controller ? installCommand(controller, res.token, res.caHash, res.installPort, res.installTls) : undefined;
  return (
    <Modal title="Add a host" onClose={onClose}>
      <ErrorNote error={created.error} />
      {res && (
        <>
          <p>
            A join token, single use, valid until {when(res.joinToken?.expiresAt)}; shown only once. As root on a fresh Debian 12 node with curl, this installs the agent (checked by
            SHA-256) and enrolls it:
          </p>
          <pre class="command">
            <code>{install ?? `HOSTPLANE_JOIN_TOKEN=${res.token} hostplane-agent --controller ${controller ?? 'CONTROLLER:PORT'}${res.caHash ? ` --ca-hash ${res.caHash}` : ''}`}</code>
          </pre>
          {res.caHash && <p>The agent will trust only the controller whose CA has the hash {res.caHash}.</p>}
        </>
      )}
      <footer>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </footer>
    </Modal>
  );
}

export function Hosts() {
  const list = useLoad(() => call('ListHosts', ListHostsRequest, ListHostsResponse, {}), []);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState('');
  const [adding, setAdding] = useState(false);
  const act = (key: string, fn: () => Promise<string>) => {
    setBusy(key);
    setError(undefined);
    setNotice(undefined);
    fn().then(
      (text) => {
        setBusy('');
        setNotice(text);
        list.reload();
      },
      (err: unknown) => {
        setBusy('');
        setError(err);
      },
    );
  };
  const hosts = list.data?.hosts ?? [];
  return (
    <section>
      <h1>Hosts</h1>
      <div class="actions">
        <button type="button" onClick={() => setAdding(true)}>
          Add a host
        </button>
      </div>
      {adding && (
        <AddHost
          onClose={() => {
            setAdding(false);
            list.reload();
          }}
        />
      )}
      <ErrorNote error={list.error ?? error} />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="overflow-auto">
        <table class="striped" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">State</th>
              <th scope="col">Connected</th>
              <th scope="col">Components</th>
              <th scope="col">Disk free</th>
              <th scope="col">Subscriptions</th>
              <th scope="col">Lag</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h) => {
              const state = STATE[h.state] ?? 'unknown';
              const disk = h.capabilities?.disk;
              return (
                <tr key={h.name}>
                  <td>
                    <a href={`#/subscriptions?host=${encodeURIComponent(h.name)}`}>{h.name}</a>
                    <br />
                    <small>
                      agent {h.agentVersion || '—'} · {h.capabilities?.os ? `${h.capabilities.os.distro} ${h.capabilities.os.release}` : ''}
                    </small>
                  </td>
                  <td>
                    <Badge kind={state === 'ready' ? 'synced' : state === 'maintenance' ? 'locked' : 'unsynced'}>{state}</Badge>
                  </td>
                  <td>
                    {h.connected ? 'yes' : 'no'}
                    <br />
                    <small>{when(h.lastHeartbeatAt)}</small>
                  </td>
                  <td>
                    <small>{(h.capabilities?.components ?? []).map((c) => `${c.name}${c.version ? ` ${c.version}` : ''}`).join(', ') || '—'}</small>
                  </td>
                  <td>{disk ? `${measuredSize(disk.freeBytes)} of ${measuredSize(disk.totalBytes)}` : '—'}</td>
                  <td>
                    {h.subscriptionCount}
                    {h.failingSubscriptionCount > 0 && <small class="error"> ({h.failingSubscriptionCount} failing)</small>}
                  </td>
                  <td>{lag(h)}</td>
                  <td>
                    <div class="actions">
                      <button
                        type="button"
                        class="secondary outline small"
                        aria-busy={busy === `detect-${h.name}`}
                        disabled={!!busy || !h.connected}
                        onClick={() => act(`detect-${h.name}`, async () => ((await call('DetectHost', DetectHostRequest, DetectHostResponse, { name: h.name })).changed ? `${h.name}: new capabilities detected.` : `${h.name}: nothing changed.`))}
                      >
                        Detect
                      </button>
                      <button
                        type="button"
                        class="secondary outline small"
                        disabled={!!busy}
                        onClick={() => {
                          const maintenance = h.state !== HostState.HOST_STATE_MAINTENANCE;
                          act(`maint-${h.name}`, async () => {
                            await call('SetHostMaintenance', SetHostMaintenanceRequest, SetHostMaintenanceResponse, { name: h.name, maintenance });
                            return maintenance ? `${h.name} is in maintenance: no new subscriptions are placed on it.` : `${h.name} is out of maintenance.`;
                          });
                        }}
                      >
                        {h.state === HostState.HOST_STATE_MAINTENANCE ? 'End maintenance' : 'Maintenance'}
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {!list.loading && hosts.length === 0 && <p>No hosts yet.</p>}
    </section>
  );
}
