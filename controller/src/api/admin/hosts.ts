/** Admin RPCs for hosts and join tokens: proto ↔ core, nothing else. */
import { FailedPreconditionError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import type { JoinToken } from '@hostplane/proto/hostplane/v1/host.js';
import type { JoinTokenRecord } from '../../store/index.js';
import { enumFilter, hostStateFromProto, hostToProto } from '../convert.js';
import { unary, type ApiDeps } from '../pipeline.js';
import { moveOne } from './subscriptions.js';

type Names = 'createJoinToken' | 'listJoinTokens' | 'listHosts' | 'getHost' | 'detectHost' | 'setHostMaintenance' | 'removeHost' | 'rotateHostCredential' | 'drainHost';

function joinTokenToProto(t: JoinTokenRecord): JoinToken {
  return {
    id: t.id,
    createdAt: new Date(t.createdAt),
    expiresAt: new Date(t.expiresAt),
    usedAt: t.usedAt ? new Date(t.usedAt) : undefined,
    host: t.host ?? '',
  };
}

export function hostHandlers(deps: ApiDeps): Pick<AdminServer, Names> {
  const { core } = deps;
  // Connected here, or (several controllers on one PostgreSQL) to another controller, as recorded.
  const self = () => deps.agents?.controllerId;
  const connected = (h: { name: string; controller: string | null; lastHeartbeatAt: string | null }) =>
    (deps.agents?.isConnected(h.name) ?? false) || core.connectedElsewhere(h, self());
  return {
    createJoinToken: unary(deps, 'CreateJoinToken', (req) => {
      const { token, record } = core.createJoinToken(req.ttlSeconds);
      deps.log.info({ component: 'admin-api', joinToken: record.id, expiresAt: record.expiresAt }, 'join token created');
      return { token, joinToken: joinTokenToProto(record), caHash: deps.caHash ?? '', installPort: deps.install?.()?.port ?? 0, installTls: deps.install?.()?.tls ?? false, grpcPort: deps.install?.()?.grpcPort ?? 0 };
    }),
    listJoinTokens: unary(deps, 'ListJoinTokens', (req) => ({ joinTokens: core.listJoinTokens(req.includeSpent).map(joinTokenToProto) })),
    listHosts: unary(deps, 'ListHosts', (req) => {
      const state = enumFilter(req.state, hostStateFromProto, 'state');
      return { hosts: core.listHosts().filter((h) => !state || h.state === state).map((h) => hostToProto(h, connected(h))) };
    }),
    getHost: unary(deps, 'GetHost', (req) => {
      const h = core.getHost(req.name);
      return { host: hostToProto(h, connected(h)) };
    }),
    detectHost: unary(deps, 'DetectHost', async (req) => {
      const h = core.getHost(req.name);
      if (!deps.agents || !deps.agents.isConnected(h.name)) {
        throw new FailedPreconditionError(`host '${h.name}' has no connected agent: detection runs on the agent`);
      }
      const changed = await deps.agents.detect(h.name);
      return { host: hostToProto(core.getHost(h.name), true), changed };
    }),
    setHostMaintenance: unary(deps, 'SetHostMaintenance', (req) => {
      const h = core.setHostState(req.name, req.maintenance ? 'maintenance' : 'ready');
      return { host: hostToProto(h, connected(h)) };
    }),
    rotateHostCredential: unary(deps, 'RotateHostCredential', async (req) => {
      const h = core.getHost(req.name);
      if (!deps.agents || !deps.agents.isConnected(h.name)) {
        throw new FailedPreconditionError(`host '${h.name}' has no connected agent: a new credential travels over the agent's own stream (or remove the host and enroll it again)`);
      }
      await deps.agents.rotateCredential(h.name);
      deps.log.info({ component: 'admin-api', host: h.name }, 'host credential rotated');
      return { host: hostToProto(core.getHost(h.name), connected(h)) };
    }),
    drainHost: unary(deps, 'DrainHost', async (req) => {
      const plan = core.planDrain(req.name);
      const moved: { name: string; host: string; bytes: string }[] = [];
      const failed: { name: string; reason: string }[] = [];
      // One at a time, each placed when its turn comes (the room the previous ones took counts);
      // each is served from this host until its new one has it all.
      for (const name of plan.names) {
        try {
          if (!deps.agents) throw new FailedPreconditionError('this controller has no agent sessions');
          const target = core.drainTarget(name, plan.host);
          const res = await moveOne(deps, core.planMove(name, target, false));
          moved.push({ name, host: target, bytes: res.bytes });
        } catch (err) {
          failed.push({ name, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      deps.log.info({ component: 'admin-api', host: plan.host, moved: moved.length, failed: failed.length }, 'host drained');
      const drained = core.getHost(plan.host);
      return { host: hostToProto(drained, connected(drained)), moved, failed };
    }),
    removeHost: unary(deps, 'RemoveHost', (req) => {
      const h = core.getHost(req.name);
      core.removeHost(h.name);
      // Its credential went with it; its live session, if any, ends now too.
      deps.agents?.disconnect(h.name, `host '${h.name}' was removed: enroll the agent again with a new join token`);
      return {};
    }),
  };
}
