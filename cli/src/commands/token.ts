/**
 * `hostplane token list|create|revoke` and `hostplane whoami`: the bearer tokens of the Admin API — admin tokens for
 * tooling, reseller tokens bound to a reseller — with an optional expiry. A secret is shown once,
 * at creation; a taken name is refused, never replaced; a revoked token is refused at once.
 */
import { InvalidArgumentError as CommanderInvalidArgument, type Command } from 'commander';
import { CreateTokenRequest, ListTokensRequest, RevokeTokenRequest, WhoAmIRequest, type ApiToken } from '@hostplane/proto/hostplane/v1/token.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { humanTime, renderList } from '../output.js';

export function tokenJson(t: ApiToken): Record<string, unknown> {
  return {
    name: t.name,
    role: t.role,
    reseller: t.reseller || null,
    createdAt: t.createdAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400, y: 365 * 86_400 } as const;

/** `--expires-in`: 30m, 12h, 90d, 1y — from 1 minute to 10 years. */
export function parseExpiry(text: string): number {
  const m = /^(\d+)(m|h|d|y)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 10 * UNIT_SECONDS.y) {
    throw new CommanderInvalidArgument(`'${text}' is not a duration from 1m to 10y such as 30m, 12h, 90d or 1y.`);
  }
  return seconds;
}

export function registerToken(program: Command, ctx: Context): void {
  const token = group(program, 'token', 'API tokens: bearer tokens for admin tooling and resellers (secrets shown once)', [
    'hostplane token create billing --role admin --expires-in 90d',
    'hostplane token create acme-ci --role reseller --reseller acme',
    'hostplane token list',
    'hostplane token revoke billing',
  ]);
  verb(token, 'list', 'list the API tokens (names, roles, expiry, last use; never their secrets)', ['hostplane token list', 'hostplane token list --json'])
    .action(async (opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('listTokens', ListTokensRequest.fromPartial({}));
      ctx.emit(opts.json, { tokens: res.tokens.map(tokenJson) }, () =>
        renderList(
          ['name', 'role', 'reseller', 'created', 'expires', 'last used'],
          res.tokens.map((t) => [t.name, t.role, t.reseller || '-', humanTime(t.createdAt), t.expiresAt ? humanTime(t.expiresAt) : 'never', t.lastUsedAt ? humanTime(t.lastUsedAt) : 'never']),
          'No API tokens.',
        ),
      );
    });
  verb(token, 'create <name>', 'create an API token; its secret is printed once (a taken name is refused)', [
    'hostplane token create billing --role admin --expires-in 90d',
    'hostplane token create acme-ci --role reseller --reseller acme --json',
  ])
    .option('--role <role>', 'admin or reseller', 'admin')
    .option('--reseller <login>', 'for a reseller token: the reseller it acts for (bound to it: deleted with it, refused while it is suspended)')
    .option('--expires-in <duration>', 'how long it works: 30m, 12h, 90d, 1y (default: no expiry)', parseExpiry)
    .action(async (name: string, opts: VerbOptions & { role: string; reseller?: string; expiresIn?: number }, cmd: Command) => {
      if (opts.role !== 'admin' && opts.role !== 'reseller') throw new UsageError(`--role: '${opts.role}' is not admin or reseller`);
      if (opts.role === 'reseller' && !opts.reseller) throw new UsageError('a reseller token needs --reseller LOGIN');
      const res = await ctx
        .api(cmd)
        .call('createToken', CreateTokenRequest.fromPartial({ name, role: opts.role, reseller: opts.reseller ?? '', ttlSeconds: String(opts.expiresIn ?? 0) }));
      const t = res.apiToken;
      ctx.emit(opts.json, { token: res.token, ...(t ? tokenJson(t) : {}) }, () =>
        `Token ${name} (${opts.role}${opts.reseller ? ` of ${opts.reseller}` : ''}${t?.expiresAt ? `, until ${humanTime(t.expiresAt)}` : ''}); shown only once:\n  ${res.token}\n`,
      );
    });
  verb(token, 'revoke <name>', 'revoke an API token: refused from now on, live event streams included', ['hostplane token revoke billing'])
    .action(async (name: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('revokeToken', RevokeTokenRequest.fromPartial({ name }));
      ctx.emit(opts.json, { revoked: name }, () => `Revoked token ${name}.\n`);
    });
  verb(program, 'whoami', 'say which token this is: its name, its role and, for a reseller token, the reseller', ['hostplane whoami', 'hostplane whoami --json'])
    .action(async (opts: VerbOptions, cmd: Command) => {
      const me = await ctx.api(cmd).call('whoAmI', WhoAmIRequest.fromPartial({}));
      ctx.emit(opts.json, { name: me.name, role: me.role, reseller: me.reseller || null }, () =>
        `Token ${me.name} (${me.role}${me.reseller ? ` of reseller ${me.reseller}` : ''}).\n`,
      );
    });
}
