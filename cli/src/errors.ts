/**
 * Every failure of the CLI ends as one sentence on stderr and an exit code. gRPC status codes are
 * mapped to words here, in one place:
 *
 *   2  usage error, invalid argument (also OUT_OF_RANGE)
 *   3  not found
 *   4  refused by the current state: failed precondition, already exists, aborted (stale version),
 *      resource exhausted (a reseller's allocation)
 *   5  not authenticated, permission denied
 *   1  anything else (controller unreachable, timeout, internal error)
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { isHostplaneError } from '@hostplane/shared';

export const EXIT = { ok: 0, other: 1, usage: 2, notFound: 3, refused: 4, auth: 5 } as const;

/** A failure with its sentence and exit code, ready to print. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.other,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Wrong use of a verb (a missing flag, flags that exclude each other): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** What the mapping needs to know about the call that failed. */
export interface CallContext {
  /** The controller address, for "cannot reach" sentences. */
  readonly address: string;
  /** The address is the default one (no --controller, no HOSTPLANE_CONTROLLER): said with it. */
  readonly defaultAddress?: boolean;
  /** Whether a token was configured, for "not authenticated" sentences. */
  readonly hasToken: boolean;
  /** Whether the connection uses TLS (`--ca`), for "cannot reach" sentences. */
  readonly tls?: boolean;
  /** The deadline of the call in seconds, for "timed out" sentences. */
  readonly timeoutSeconds?: number;
  /** Per-verb sentences for codes whose generic wording would mislead (e.g. a stale conflict report). */
  readonly overrides?: Partial<Record<status, (details: string) => string>>;
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}

/** grpc-js' own wording when no connection could be made (the server did not answer at all). */
const CONNECTION_FAILURE =
  /no connection established|connect(ion)? (refused|failed|dropped)|econnrefused|econnreset|ehostunreach|enotfound|name resolution failed|dns resolution failed|failed to connect|tls|ssl|certificate|wrong version number/i;

/** grpc-js' long connection failure text, shortened to its cause: `connection refused`. */
export function connectionCause(details: string): string {
  if (/econnrefused/i.test(details)) return 'connection refused';
  if (/name resolution failed|dns resolution failed|enotfound|eai_again/i.test(details)) return 'the name does not resolve';
  if (/ehostunreach|enetunreach/i.test(details)) return 'host unreachable';
  if (/etimedout/i.test(details)) return 'connection timed out';
  const text = details
    .replace(/^no connection established\.\s*(last error:\s*)?/i, '')
    .replace(/^(error:\s*)+/i, '')
    .replace(/\.?\s*resolution note:.*$/i, '')
    .replace(/\s*\(\d{4}-\d{2}-\d{2}T[^)]*\)/g, '')
    .replace(/[0-9A-F]{8,}:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[\s\S]*$/i, '$1')
    .trim();
  return text || 'unavailable';
}

/** `ctl.example.net:50051`, or the default address saying it is one. */
function controllerAt(ctx: CallContext): string {
  return ctx.defaultAddress ? `${ctx.address} (the default: neither --controller nor HOSTPLANE_CONTROLLER is set)` : ctx.address;
}

/** Why the controller could not be reached, with a hint when TLS is the likely cause. */
function unreachable(ctx: CallContext, details: string): string {
  const where = `cannot reach the controller at ${controllerAt(ctx)}`;
  const cause = connectionCause(details);
  if (ctx.tls && /wrong version number|packet length too long|http_request|unknown protocol/i.test(details)) {
    return `${where}: it does not answer in TLS; is the CA of --ca or HOSTPLANE_CA meant for it? (${cause})`;
  }
  if (ctx.tls && /certificate|self.signed|unable to verify|altname|cert_/i.test(details)) {
    return `${where}: its TLS certificate is not trusted by the CA of --ca or HOSTPLANE_CA (${cause})`;
  }
  if (!ctx.tls && /failed to connect|connection dropped|protocol error|econnreset/i.test(details)) {
    return `${where}: is it running? (${cause}; if it uses TLS, give its CA certificate with --ca)`;
  }
  return `${where}: is it running? (${cause})`;
}

/** `word: details`, or the details alone when they already say it (`plan 'Gold' not found`). */
function worded(word: string, details: string): string {
  const text = details.trim().replace(/\.$/, '');
  if (text === '') return word;
  return text.toLowerCase().includes(word) ? text : `${word}: ${text}`;
}

/** The sentence and exit code for a failed gRPC call. */
export function fromServiceError(err: ServiceError, ctx: CallContext): CliError {
  const details = (err.details || err.message || '').trim();
  const override = ctx.overrides?.[err.code];
  const error = (message: string, exitCode: number) =>
    new CliError(override ? override(details) : message, exitCode, { cause: err });
  switch (err.code) {
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return error(worded('invalid argument', details), EXIT.usage);
    case status.NOT_FOUND:
      return error(worded('not found', details), EXIT.notFound);
    case status.ALREADY_EXISTS:
      return error(worded('already exists', details), EXIT.refused);
    case status.FAILED_PRECONDITION:
      return error(worded('refused', details), EXIT.refused);
    case status.ABORTED:
      return error(worded('aborted', details), EXIT.refused);
    case status.RESOURCE_EXHAUSTED:
      return error(worded('allocation exhausted', details), EXIT.refused);
    case status.PERMISSION_DENIED:
      return error(worded('permission denied', details), EXIT.auth);
    case status.UNAUTHENTICATED:
      return error(
        ctx.hasToken
          ? `not authenticated: the controller at ${controllerAt(ctx)} refused the token in HOSTPLANE_TOKEN${details ? ` (${details})` : ''}`
          : `not authenticated: set HOSTPLANE_TOKEN to an admin token of the controller at ${controllerAt(ctx)}`,
        EXIT.auth,
      );
    case status.UNAVAILABLE:
      // A server may answer UNAVAILABLE itself (e.g. a host's agent is not connected): show its words.
      if (details !== '' && !CONNECTION_FAILURE.test(details)) return error(worded('unavailable', details), EXIT.other);
      return new CliError(unreachable(ctx, details), EXIT.other, { cause: err });
    case status.DEADLINE_EXCEEDED:
      return error(
        `timed out${ctx.timeoutSeconds ? ` after ${ctx.timeoutSeconds}s` : ''} waiting for the controller at ${ctx.address} (raise it with --timeout)`,
        EXIT.other,
      );
    case status.UNIMPLEMENTED:
      return error(`the controller at ${ctx.address} does not implement this call: is it older than this CLI? (${details})`, EXIT.other);
    case status.CANCELLED:
      return error('cancelled', EXIT.other);
    default:
      return error(`the controller failed: ${details || 'internal error'}`, EXIT.other);
  }
}

/**
 * Any thrown value as a CliError: CLI errors as they are, shared InvalidArgumentErrors (a bad
 * `--set`, caught before any call) as usage errors naming the key, gRPC errors mapped by code.
 */
export function toCliError(err: unknown, ctx: CallContext): CliError {
  if (err instanceof CliError) return err;
  if (isServiceError(err)) return fromServiceError(err, ctx);
  if (isHostplaneError(err)) {
    if (err.code === 'INVALID_ARGUMENT') return new CliError(worded('invalid argument', err.message), EXIT.usage, { cause: err });
    return new CliError(err.message, EXIT.other, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError(`unexpected failure: ${message}`, EXIT.other, { cause: err });
}

/** The one line printed on stderr for a failure: `error: <sentence>`. */
export function errorLine(err: CliError): string {
  const sentence = err.message.replace(/\s*\n\s*/g, ' ').trim();
  return `error: ${sentence}\n`;
}

/** A message field the contract always sets; its absence is the controller's fault, said plainly. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CliError(`the controller's response has no ${what}`);
  return value;
}
