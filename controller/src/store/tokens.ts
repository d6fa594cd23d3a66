/** API tokens (bearer tokens of admin tooling) and single-use host join tokens. Hashes only. */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';

export type Role = 'admin' | 'reseller' | 'customer';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface ApiTokenRecord {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly subject: string | null;
  /** For a reseller's token: the reseller it is bound to. */
  readonly resellerId: number | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

const API_COLUMNS = 'id, name, role, subject, reseller_id AS "resellerId", created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"';

export interface JoinTokenRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
  readonly host: string | null;
}

interface JoinRow {
  id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  host: string | null;
}

const toJoin = (r: JoinRow): JoinTokenRecord => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, host: r.host });

export class TokenStore {
  private readonly byHashStmt;
  private readonly byNameStmt;
  private readonly listStmt;
  private readonly deleteByNameStmt;
  private readonly usedStmt;
  private readonly insertStmt;
  private readonly rehashStmt;
  private readonly deleteByResellerStmt;
  private readonly insertJoinStmt;
  private readonly joinByHashStmt;
  private readonly listJoinStmt;
  private readonly listUnspentJoinStmt;
  private readonly spendJoinStmt;

  constructor(db: Db) {
    this.byHashStmt = db.prepare<[string], ApiTokenRecord>(`SELECT ${API_COLUMNS} FROM api_tokens WHERE hash = ?`);
    this.byNameStmt = db.prepare<[string], ApiTokenRecord>(`SELECT ${API_COLUMNS} FROM api_tokens WHERE name = ?`);
    this.listStmt = db.prepare<[], ApiTokenRecord>(`SELECT ${API_COLUMNS} FROM api_tokens ORDER BY name`);
    this.insertStmt = db.prepare<[string, Role, string | null, number | null, string, string, string | null]>(
      'INSERT INTO api_tokens (name, role, subject, reseller_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.deleteByNameStmt = db.prepare<[string]>('DELETE FROM api_tokens WHERE name = ?');
    this.usedStmt = db.prepare<[string, number]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.rehashStmt = db.prepare<[string, string]>('UPDATE api_tokens SET hash = ? WHERE name = ?');
    this.deleteByResellerStmt = db.prepare<[number]>('DELETE FROM api_tokens WHERE reseller_id = ?');
    this.insertJoinStmt = db.prepare<[string, string, string, string]>(
      'INSERT INTO join_tokens (id, hash, created_at, expires_at) VALUES (?, ?, ?, ?)',
    );
    this.joinByHashStmt = db.prepare<[string], JoinRow>('SELECT id, created_at, expires_at, used_at, host FROM join_tokens WHERE hash = ?');
    this.listJoinStmt = db.prepare<[], JoinRow>('SELECT id, created_at, expires_at, used_at, host FROM join_tokens ORDER BY created_at, id');
    this.listUnspentJoinStmt = db.prepare<[string], JoinRow>(
      'SELECT id, created_at, expires_at, used_at, host FROM join_tokens WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at, id',
    );
    this.spendJoinStmt = db.prepare<[string, string, string]>('UPDATE join_tokens SET used_at = ?, host = ? WHERE id = ? AND used_at IS NULL');
  }

  /** The API token whose secret hashes to `hash`. */
  apiTokenByHash(hash: string): ApiTokenRecord | undefined {
    return this.byHashStmt.get(hash);
  }

  apiTokenByName(name: string): ApiTokenRecord | undefined {
    return this.byNameStmt.get(name);
  }

  /** Creates an API token; the name must be free (a taken name throws: the caller checks first). */
  insertApiToken(name: string, role: Role, subject: string | null, resellerId: number | null, hash: string, now: string, expiresAt: string | null = null): void {
    this.insertStmt.run(name, role, subject, resellerId, hash, now, expiresAt);
  }

  listApiTokens(): ApiTokenRecord[] {
    return this.listStmt.all();
  }

  /** Deletes the named token; false when there was none. */
  deleteApiToken(name: string): boolean {
    return this.deleteByNameStmt.run(name).changes === 1;
  }

  markApiTokenUsed(id: number, now: string): void {
    this.usedStmt.run(now, id);
  }

  /** Gives an existing token a new secret (the bootstrap admin token installed again). */
  rehashApiToken(name: string, hash: string): void {
    this.rehashStmt.run(hash, name);
  }

  /** Deletes a reseller's tokens (with the reseller). */
  deleteResellerTokens(resellerId: number): void {
    this.deleteByResellerStmt.run(resellerId);
  }

  insertJoinToken(id: string, hash: string, now: string, expiresAt: string): JoinTokenRecord {
    this.insertJoinStmt.run(id, hash, now, expiresAt);
    return { id, createdAt: now, expiresAt, usedAt: null, host: null };
  }

  joinTokenByHash(hash: string): JoinTokenRecord | undefined {
    const r = this.joinByHashStmt.get(hash);
    return r && toJoin(r);
  }

  listJoinTokens(includeSpent: boolean, now: string): JoinTokenRecord[] {
    return (includeSpent ? this.listJoinStmt.all() : this.listUnspentJoinStmt.all(now)).map(toJoin);
  }

  /** Marks the token used by `host`; false when it was already used. */
  spendJoinToken(id: string, host: string, now: string): boolean {
    return this.spendJoinStmt.run(now, host, id).changes === 1;
  }
}
