/** Bearer-token authentication of the Admin API, and the join tokens that enroll hosts. */
import { randomBytes } from 'node:crypto';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, PermissionDeniedError, shown, UnauthenticatedError } from '@hostplane/shared';
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
  const now = ctx.nowIso();
  if (token.expiresAt !== null && token.expiresAt <= now) throw new UnauthenticatedError(`token '${token.name}' expired at ${token.expiresAt}`);
  // When it was last used, to the minute (one write a minute per token at most).
  if (token.lastUsedAt === null || Date.parse(now) - Date.parse(token.lastUsedAt) > 60_000) ctx.tokens.markApiTokenUsed(token.id, now);
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

/** An API token as listed (never its secret). */
export interface ApiTokenView {
  readonly name: string;
  readonly role: Role;
  /** For a reseller token, the reseller's current login. */
  readonly reseller: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_TOKEN_TTL_SECONDS = 10 * 365 * 86_400;

function tokenView(ctx: Context, t: { name: string; role: Role; resellerId: number | null; createdAt: string; expiresAt: string | null; lastUsedAt: string | null }): ApiTokenView {
  return {
    name: t.name,
    role: t.role,
    reseller: t.resellerId === null ? null : (ctx.resellers.byId(t.resellerId)?.login ?? null),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
  };
}

export function listTokens(ctx: Context): ApiTokenView[] {
  return ctx.tokens.listApiTokens().map((t) => tokenView(ctx, t));
}

export interface CreateTokenInput {
  readonly name: string;
  readonly role: string;
  /** For a reseller token: the reseller's login. */
  readonly reseller?: string;
  /** 0 or absent: no expiry. */
  readonly ttlSeconds?: number;
}

/** Creates an admin or reseller token; a taken name is refused, never replaced. The secret is returned once. */
export function createToken(ctx: Context, input: CreateTokenInput): { token: string; view: ApiTokenView } {
  return ctx.tx(() => {
    const name = (input.name ?? '').trim();
    if (!TOKEN_NAME.test(name)) throw new InvalidArgumentError('name', `name: '${shown(name)}' is not a token name (letters, digits, '.', '_', '-'; at most 100)`);
    if (input.role !== 'admin' && input.role !== 'reseller') throw new InvalidArgumentError('role', `role: '${shown(String(input.role))}' is not admin or reseller`);
    const ttl = input.ttlSeconds ?? 0;
    if (!Number.isSafeInteger(ttl) || ttl < 0 || ttl > MAX_TOKEN_TTL_SECONDS) throw new InvalidArgumentError('ttlSeconds', `ttlSeconds: ${ttl} is not between 0 (no expiry) and ${MAX_TOKEN_TTL_SECONDS}`);
    if (ctx.tokens.apiTokenByName(name)) throw new AlreadyExistsError('token', name);
    const reseller = input.role === 'reseller' ? findReseller(ctx, input.reseller ?? '', 'reseller') : undefined;
    if (input.role === 'admin' && input.reseller) throw new InvalidArgumentError('reseller', 'reseller: only for a reseller token');
    const secret = newSecret(reseller ? 'hpr' : 'hpa');
    const now = ctx.nowIso();
    const expiresAt = ttl > 0 ? new Date(Date.parse(now) + ttl * 1000).toISOString() : null;
    ctx.tokens.insertApiToken(name, input.role, reseller?.login ?? null, reseller?.id ?? null, hashSecret(secret), now, expiresAt);
    ctx.record({ type: 'token.created', entity: name, data: { role: input.role, reseller: reseller?.login ?? null, expiresAt } });
    return { token: secret, view: tokenView(ctx, ctx.tokens.apiTokenByName(name)!) };
  });
}

/** Revokes a token: refused from the next call on (live event streams end too). */
export function revokeToken(ctx: Context, name: string): void {
  ctx.tx(() => {
    if (!ctx.tokens.deleteApiToken((name ?? '').trim())) throw new NotFoundError('token', name ?? '');
    // Recorded in the same transaction: live event streams wake up, check their token, and the
    // revoked one's ends.
    ctx.record({ type: 'token.revoked', entity: name.trim(), data: {} });
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
