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
}

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
  private readonly upsertStmt;
  private readonly insertJoinStmt;
  private readonly joinByHashStmt;
  private readonly listJoinStmt;
  private readonly listUnspentJoinStmt;
  private readonly spendJoinStmt;

  constructor(db: Db) {
    this.byHashStmt = db.prepare<[string], ApiTokenRecord>('SELECT id, name, role, subject FROM api_tokens WHERE hash = ?');
    this.upsertStmt = db.prepare<[string, Role, string | null, string, string]>(
      `INSERT INTO api_tokens (name, role, subject, hash, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET role = excluded.role, subject = excluded.subject, hash = excluded.hash`,
    );
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

  /** Creates or replaces the named API token. */
  putApiToken(name: string, role: Role, subject: string | null, hash: string, now: string): void {
    this.upsertStmt.run(name, role, subject, hash, now);
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
