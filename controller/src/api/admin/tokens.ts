/** Admin RPCs for API tokens (`hostplane token list|create|revoke`, `hostplane whoami`): proto ↔ core, nothing else. */
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import type { ApiToken } from '@hostplane/proto/hostplane/v1/token.js';
import type { ApiTokenView } from '../../usecases/index.js';
import { unary, type ApiDeps } from '../pipeline.js';

function tokenToProto(t: ApiTokenView): ApiToken {
  return {
    name: t.name,
    role: t.role,
    reseller: t.reseller ?? '',
    createdAt: new Date(t.createdAt),
    expiresAt: t.expiresAt ? new Date(t.expiresAt) : undefined,
    lastUsedAt: t.lastUsedAt ? new Date(t.lastUsedAt) : undefined,
  };
}

export function tokenHandlers(deps: ApiDeps): Pick<AdminServer, 'listTokens' | 'createToken' | 'revokeToken' | 'whoAmI'> {
  const { core } = deps;
  return {
    listTokens: unary(deps, 'ListTokens', () => ({ tokens: core.listTokens().map(tokenToProto) })),
    createToken: unary(deps, 'CreateToken', (req) => {
      const { token, view } = core.createToken({ name: req.name, role: req.role, reseller: req.reseller, ttlSeconds: Number(req.ttlSeconds) });
      deps.log.info({ component: 'admin-api', token: view.name, role: view.role }, 'API token created');
      return { token, apiToken: tokenToProto(view) };
    }),
    revokeToken: unary(deps, 'RevokeToken', (req) => {
      core.revokeToken(req.name);
      deps.log.info({ component: 'admin-api', token: req.name }, 'API token revoked');
      return {};
    }),
    whoAmI: unary(deps, 'WhoAmI', (_req, principal) => ({
      name: principal.name,
      role: principal.role,
      reseller: principal.role === 'reseller' ? (principal.subject ?? '') : '',
    })),
  };
}
