/** The hosts table: each hosting server with its agent's latest capability report and revisions. */
import type { CapabilityReport } from '@hostplane/shared';
import type { HostState } from '../domain/index.js';
import type { Db } from './db.js';

export interface HostRecord {
  readonly id: number;
  readonly name: string;
  readonly state: HostState;
  readonly report: CapabilityReport | null;
  readonly reportJson: string | null;
  readonly lastHeartbeatAt: string | null;
  readonly revision: number;
  readonly observedRevision: number;
  readonly agentVersion: string | null;
  readonly protocolVersion: number | null;
  /** The host enrolled an agent (it has a credential). */
  readonly enrolled: boolean;
  readonly createdAt: string;
  /** When its agent's current credential was issued (enrollment or rotation); null without one. */
  readonly credentialIssuedAt: string | null;
  /** The controller its agent is connected to (its address); null when none. */
  readonly controller: string | null;
}

interface HostRow {
  id: number;
  name: string;
  state: HostState;
  report_json: string | null;
  last_heartbeat_at: string | null;
  revision: number;
  observed_revision: number;
  credential_hash: string | null;
  agent_version: string | null;
  protocol_version: number | null;
  created_at: string;
  pending_credential_hash: string | null;
  credential_issued_at: string | null;
  controller: string | null;
}

const toRecord = (r: HostRow): HostRecord => ({
  id: r.id,
  name: r.name,
  state: r.state,
  report: r.report_json ? (JSON.parse(r.report_json) as CapabilityReport) : null,
  reportJson: r.report_json,
  lastHeartbeatAt: r.last_heartbeat_at,
  revision: r.revision,
  observedRevision: r.observed_revision,
  agentVersion: r.agent_version,
  protocolVersion: r.protocol_version,
  enrolled: r.credential_hash !== null,
  createdAt: r.created_at,
  credentialIssuedAt: r.credential_issued_at,
  controller: r.controller,
});

export class HostStore {
  private readonly byNameStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly insertStmt;
  private readonly setReportStmt;
  private readonly setStateStmt;
  private readonly bumpStmt;
  private readonly allocatedStmt;
  private readonly deleteStmt;
  private readonly byPendingCredentialStmt;
  private readonly setPendingCredentialStmt;
  private readonly byCredentialStmt;
  private readonly setCredentialStmt;
  private readonly setAgentStmt;
  private readonly attachStmt;
  private readonly detachStmt;
  private readonly detachAllStmt;
  private readonly setObservedStmt;
  private readonly heartbeatStmt;

  constructor(db: Db) {
    this.byNameStmt = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE name = ?');
    this.byIdStmt = db.prepare<[number], HostRow>('SELECT * FROM hosts WHERE id = ?');
    this.listStmt = db.prepare<[], HostRow>('SELECT * FROM hosts ORDER BY name');
    this.insertStmt = db.prepare<[string, HostState, string | null, string | null, string], { id: number }>(
      'INSERT INTO hosts (name, state, report_json, last_heartbeat_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
    );
    this.setReportStmt = db.prepare<[string, string, number]>('UPDATE hosts SET report_json = ?, last_heartbeat_at = ? WHERE id = ?');
    this.setStateStmt = db.prepare<[HostState, number]>('UPDATE hosts SET state = ? WHERE id = ?');
    this.bumpStmt = db.prepare<[number], { revision: number }>('UPDATE hosts SET revision = revision + 1 WHERE id = ? RETURNING revision');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM hosts WHERE id = ?');
    this.byCredentialStmt = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE credential_hash = ?');
    this.byPendingCredentialStmt = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE pending_credential_hash = ?');
    this.setCredentialStmt = db.prepare<[string, string, number]>(
      'UPDATE hosts SET credential_hash = ?, pending_credential_hash = NULL, credential_issued_at = ? WHERE id = ?',
    );
    this.setPendingCredentialStmt = db.prepare<[string, number]>('UPDATE hosts SET pending_credential_hash = ? WHERE id = ?');
    this.setAgentStmt = db.prepare<[string, number, number]>('UPDATE hosts SET agent_version = ?, protocol_version = ? WHERE id = ?');
    this.setObservedStmt = db.prepare<[number, number]>('UPDATE hosts SET observed_revision = ? WHERE id = ?');
    this.attachStmt = db.prepare<[string, number]>('UPDATE hosts SET controller = ? WHERE id = ?');
    this.detachStmt = db.prepare<[number, string]>('UPDATE hosts SET controller = NULL WHERE id = ? AND controller = ?');
    this.detachAllStmt = db.prepare<[string]>('UPDATE hosts SET controller = NULL WHERE controller = ?');
    this.heartbeatStmt = db.prepare<[string, number]>('UPDATE hosts SET last_heartbeat_at = ? WHERE id = ?');
    this.allocatedStmt = db.prepare<[], { host_id: number; bytes: number }>(
      `SELECT s.host_id, sum(v.disk_bytes) AS bytes FROM subscriptions s JOIN value_sets v ON v.id = s.provided_set
        WHERE v.disk_bytes IS NOT NULL GROUP BY s.host_id`,
    );
  }

  byName(name: string): HostRecord | undefined {
    const r = this.byNameStmt.get(name);
    return r && toRecord(r);
  }

  byId(id: number): HostRecord | undefined {
    const r = this.byIdStmt.get(id);
    return r && toRecord(r);
  }

  list(): HostRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  insert(name: string, state: HostState, report: CapabilityReport | null, now: string): HostRecord {
    const { id } = this.insertStmt.get(name, state, report ? JSON.stringify(report) : null, report ? now : null, now)!;
    return this.byId(id)!;
  }

  setReport(id: number, reportJson: string, now: string): void {
    this.setReportStmt.run(reportJson, now, id);
  }

  setState(id: number, state: HostState): void {
    this.setStateStmt.run(state, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  byCredentialHash(hash: string): HostRecord | undefined {
    const r = this.byCredentialStmt.get(hash);
    return r && toRecord(r);
  }

  /** The host whose rotation to this credential is pending (issued, not yet confirmed saved). */
  byPendingCredentialHash(hash: string): HostRecord | undefined {
    const r = this.byPendingCredentialStmt.get(hash);
    return r && toRecord(r);
  }

  /** The hash of the pending credential, if a rotation is under way. */
  pendingCredentialHash(id: number): string | null {
    return this.byIdStmt.get(id)?.pending_credential_hash ?? null;
  }

  /** Makes `hash` the host's only credential, issued `now` (any pending one is dropped). */
  setCredentialHash(id: number, hash: string, now: string): void {
    this.setCredentialStmt.run(hash, now, id);
  }

  /** A new credential valid beside the current one until the agent confirms it saved it. */
  setPendingCredentialHash(id: number, hash: string): void {
    this.setPendingCredentialStmt.run(hash, id);
  }

  setAgentInfo(id: number, agentVersion: string, protocolVersion: number): void {
    this.setAgentStmt.run(agentVersion, protocolVersion, id);
  }
  /** Its agent is connected to `controller` (from now until detached). */
  attach(id: number, controller: string): void {
    this.attachStmt.run(controller, id);
  }

  /** Its agent left `controller` (unless it is connected to another one by now). */
  detach(id: number, controller: string): void {
    this.detachStmt.run(id, controller);
  }

  /** No agent is connected to `controller` (it starts, or stops). */
  detachAll(controller: string): void {
    this.detachAllStmt.run(controller);
  }


  setObservedRevision(id: number, revision: number): void {
    this.setObservedStmt.run(revision, id);
  }

  touchHeartbeat(id: number, now: string): void {
    this.heartbeatStmt.run(now, id);
  }

  /** Increments the host's desired-state revision and returns the new value. */
  bumpRevision(id: number): number {
    return this.bumpStmt.get(id)!.revision;
  }

  /** Finite disk quotas provided to subscriptions, summed per host id. */
  allocatedBytes(): Map<number, number> {
    return new Map(this.allocatedStmt.all().map((r) => [r.host_id, r.bytes]));
  }
}
