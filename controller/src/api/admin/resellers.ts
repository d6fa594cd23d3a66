/** Admin RPCs for reseller accounts: proto ↔ core, nothing else. */
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import { conflictToProto, requestValues, resellerToProto } from '../convert.js';
import { unary, type ApiDeps } from '../pipeline.js';

type Names =
  | 'createReseller'
  | 'getReseller'
  | 'listResellers'
  | 'suspendReseller'
  | 'activateReseller'
  | 'deleteReseller'
  | 'switchResellerPlan'
  | 'customizeReseller'
  | 'unlockReseller'
  | 'syncReseller'
  | 'acceptResellerValues'
  | 'createResellerToken';

export function resellerHandlers(deps: ApiDeps): Pick<AdminServer, Names> {
  const { core } = deps;
  return {
    createReseller: unary(deps, 'CreateReseller', (req) => ({
      reseller: resellerToProto(core.createReseller({ login: req.login, displayName: req.displayName, email: req.email, plan: req.plan })),
    })),
    getReseller: unary(deps, 'GetReseller', (req) => ({ reseller: resellerToProto(core.getReseller(req.login)) })),
    listResellers: unary(deps, 'ListResellers', () => ({ resellers: core.listResellers().map(resellerToProto) })),
    suspendReseller: unary(deps, 'SuspendReseller', (req) => ({ reseller: resellerToProto(core.suspendReseller(req.login)) })),
    activateReseller: unary(deps, 'ActivateReseller', (req) => ({ reseller: resellerToProto(core.activateReseller(req.login)) })),
    deleteReseller: unary(deps, 'DeleteReseller', (req) => {
      core.deleteReseller(req.login);
      return {};
    }),
    switchResellerPlan: unary(deps, 'SwitchResellerPlan', (req) => ({
      reseller: resellerToProto(core.switchResellerPlan(req.login, req.plan)),
    })),
    customizeReseller: unary(deps, 'CustomizeReseller', (req) => ({
      reseller: resellerToProto(core.customizeReseller(req.login, { set: requestValues(req.set, 'set'), unset: req.unset })),
    })),
    unlockReseller: unary(deps, 'UnlockReseller', (req) => ({ reseller: resellerToProto(core.unlockReseller(req.login)) })),
    syncReseller: unary(deps, 'SyncReseller', (req) => {
      const report = core.syncReseller(req.login);
      return { reseller: resellerToProto(core.getReseller(req.login)), conflicts: report.conflicts.map(conflictToProto), fingerprint: report.fingerprint };
    }),
    createResellerToken: unary(deps, 'CreateResellerToken', (req) => core.createResellerToken(req.login, req.name)),
    acceptResellerValues: unary(deps, 'AcceptResellerValues', (req) => ({
      reseller: resellerToProto(core.acceptResellerValues(req.login, req.fingerprint)),
    })),
  };
}
