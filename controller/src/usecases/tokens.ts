/** Bearer-token authentication of the Admin API, and the join tokens that enroll hosts. */
import { randomBytes } from 'node:crypto';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, PermissionDeniedError, UnauthenticatedError } from '@hostplane/shared';
import { hashSecret, type JoinTokenRecord, type Role } from '../store/index.js';
import type { Context } from './context.js';
import { findReseller } from './lookup.js';

export interface Principal {
  readonly role: Role;
  /** Who: the token's name (e.g. `bootstrap-admin`). */
  readonly name: string;
  /** For reseller and customer tokens, the login they act for. */
  readonly subject: string | null;
}

/** A new random secret: 32 bytes, base64url, with a readable prefix. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export const MIN_TOKEN_LENGTH = 16;

/**
 * Installs the named admin token (its secret given anew at each start); the secret itself is never
 * stored. A token of that name that is not an admin token is never turned into one.
 */
export function ensureAdminToken(ctx: Context, secret: string, name = 'bootstrap-admin'): void {
  if (secret.length < MIN_TOKEN_LENGTH) {
    throw new InvalidArgumentError('HOSTPLANE_ADMIN_TOKEN', `HOSTPLANE_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  const existing = ctx.tokens.apiTokenByName(name);
  if (existing && existing.role !== 'admin') throw new FailedPreconditionError(`token '${name}' exists and is a ${existing.role} token: not replaced`);
  if (existing) ctx.tokens.rehashApiToken(name, hashSecret(secret));
  else ctx.tokens.insertApiToken(name, 'admin', null, null, hashSecret(secret), ctx.nowIso());
}

/**
 * The principal of a bearer token; UNAUTHENTICATED when missing or unknown. A reseller's token
 * acts for the reseller it was made for (by id: a new reseller under the same login is another
 * tenant) and is refused while that reseller is suspended.
 */
export function authenticate(ctx: Context, secret: string | undefined): Principal {
  if (!secret) throw new UnauthenticatedError('missing bearer token: send "authorization: Bearer <token>"');
  const token = ctx.tokens.apiTokenByHash(hashSecret(secret));
  if (!token) throw new UnauthenticatedError('invalid bearer token');
  if (token.role === 'reseller') {
    const reseller = token.resellerId === null ? undefined : ctx.resellers.byId(token.resellerId);
    if (!reseller) throw new UnauthenticatedError('invalid bearer token');
    if (reseller.state === 'suspended') throw new PermissionDeniedError(`reseller '${reseller.login}' is suspended: its tokens are refused until it is activated`);
    return { role: token.role, name: token.name, subject: reseller.login };
  }
  return { role: token.role, name: token.name, subject: token.subject };
}

/**
 * A bearer token for a reseller (role `reseller`, subject its login): it sees and changes only the
 * reseller's own customers, plans and subscriptions. The secret is returned once.
 */
export function createResellerToken(ctx: Context, login: string, name?: string): { token: string; name: string } {
  return ctx.tx(() => {
    const reseller = findReseller(ctx, login, 'login');
    const tokenName = (name ?? '').trim() || `reseller-${reseller.login}`;
    if (tokenName.length > 100) throw new InvalidArgumentError('name', 'name: at most 100 characters');
    if (ctx.tokens.apiTokenByName(tokenName)) throw new AlreadyExistsError('token', tokenName);
    const token = newSecret('hpr');
    ctx.tokens.insertApiToken(tokenName, 'reseller', reseller.login, reseller.id, hashSecret(token), ctx.nowIso());
    ctx.record({ type: 'reseller.token_created', entity: reseller.login, data: { token: tokenName } });
    return { token, name: tokenName };
  });
}

export const DEFAULT_JOIN_TTL_SECONDS = 3600;
const MAX_JOIN_TTL_SECONDS = 7 * 86_400;

/** A short-lived, single-use join token. The secret is returned once and only its hash is kept. */
export function createJoinToken(ctx: Context, ttlSeconds = DEFAULT_JOIN_TTL_SECONDS): { token: string; record: JoinTokenRecord } {
  const ttl = ttlSeconds || DEFAULT_JOIN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_JOIN_TTL_SECONDS) {
    throw new InvalidArgumentError('ttlSeconds', `ttlSeconds: ${ttlSeconds} is not between 60 and ${MAX_JOIN_TTL_SECONDS}`);
  }
  const token = newSecret('hpj');
  const now = ctx.clock.now();
  const id = hashSecret(token).slice(0, 12);
  const record = ctx.tokens.insertJoinToken(id, hashSecret(token), now.toISOString(), new Date(now.getTime() + ttl * 1000).toISOString());
  return { token, record };
}

export function listJoinTokens(ctx: Context, includeSpent = false): JoinTokenRecord[] {
  return ctx.tokens.listJoinTokens(includeSpent, ctx.nowIso());
}
