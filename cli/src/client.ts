/**
 * The connection to a controller's Admin API: where it is (`--controller`, `HOSTPLANE_CONTROLLER`,
 * default 127.0.0.1:50051), how to trust it (TLS with `--ca` / `HOSTPLANE_CA`, else plaintext for
 * the loopback default), who we are (`HOSTPLANE_TOKEN` as `authorization: Bearer …` metadata), and
 * unary calls as promises with a deadline, whose failures come back as CliErrors (errors.ts).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credentials, Metadata, status, type ChannelCredentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { AdminClient, AdminService } from '@hostplane/proto/hostplane/v1/admin.js';
import type { Event, WatchEventsRequest } from '@hostplane/proto/hostplane/v1/event.js';
import { isLoopbackAddress } from '@hostplane/shared';
import { CliError, EXIT, fromServiceError, toCliError, UsageError, type CallContext } from './errors.js';
import { withProgress, type ProgressTarget } from './progress.js';

export const DEFAULT_CONTROLLER = '127.0.0.1:50051';
export const DEFAULT_TIMEOUT_SECONDS = 30;

type Service = typeof AdminService;
/** The Admin RPCs with a single response (every one but WatchEvents). */
export type UnaryMethod = { [K in keyof Service]: Service[K]['responseStream'] extends false ? K : never }[keyof Service];
export type RequestOf<K extends keyof Service> = Parameters<Service[K]['requestSerialize']>[0];
export type ResponseOf<K extends keyof Service> = ReturnType<Service[K]['responseDeserialize']>;

/** The metadata key of `--as-reseller` (read by the controller's Admin API). */
export const AS_RESELLER_METADATA = 'hostplane-as-reseller';

/** Connection settings, compiled from flags over environment over defaults. */
export interface ConnectionOptions {
  /** The controller called first (the first of `addresses`). */
  readonly address: string;
  /** Every controller given (`--controller a,b,c`): a call that cannot reach one goes to the next. */
  readonly addresses?: readonly string[];
  readonly token: string | undefined;
  /** PEM file of the CA that signed the controller's certificate; TLS when set. */
  readonly caFile: string | undefined;
  /** Deadline of every call, in seconds, when given by `--timeout`; else each verb's default. */
  readonly timeoutSeconds: number | undefined;
  /** `--as-reseller`: an admin acting on a reseller's behalf (sent as `hostplane-as-reseller` metadata). */
  readonly asReseller?: string;
  /** Neither --controller nor HOSTPLANE_CONTROLLER was given: the address is the default one. */
  readonly defaultAddress?: boolean;
}

/** The global flags that shape the connection. */
export interface ConnectionFlags {
  readonly controller?: string | undefined;
  readonly ca?: string | undefined;
  readonly timeout?: number | undefined;
  readonly asReseller?: string | undefined;
  readonly insecure?: boolean | undefined;
}

export function resolveConnection(flags: ConnectionFlags, env: Readonly<Record<string, string | undefined>>): ConnectionOptions {
  const nonEmpty = (v: string | undefined) => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);
  const given = nonEmpty(flags.controller) ?? nonEmpty(env['HOSTPLANE_CONTROLLER']);
  const addresses = (given ?? DEFAULT_CONTROLLER).split(',').map((a) => checkAddress(a.trim()));
  const address = addresses[0]!;
  const caFile = nonEmpty(flags.ca) ?? nonEmpty(env['HOSTPLANE_CA']);
  const insecure = flags.insecure ?? (env['HOSTPLANE_INSECURE'] === '1' || env['HOSTPLANE_INSECURE'] === 'true');
  // The token goes with every call: never in plaintext to another machine unless told so.
  const remote = addresses.find((a) => !isLoopbackAddress(a));
  if (!caFile && !insecure && remote !== undefined) {
    throw new UsageError(
      `the controller ${remote} is not on this machine: give --ca FILE (its CA, or HOSTPLANE_CA) to talk TLS, or --insecure to send the token in plaintext`,
    );
  }
  return {
    address,
    ...(addresses.length > 1 ? { addresses } : {}),
    token: nonEmpty(env['HOSTPLANE_TOKEN']),
    caFile,
    timeoutSeconds: flags.timeout,
    ...(nonEmpty(flags.asReseller) !== undefined ? { asReseller: nonEmpty(flags.asReseller) } : {}),
    ...(given === undefined ? { defaultAddress: true } : {}),
  };
}

/**
 * The controller address as gRPC takes it, HOST:PORT; a URL or a missing port is said plainly
 * instead of ending as "the name does not resolve" or "Protocol error" at the first call.
 */
function checkAddress(address: string): string {
  const from = '(from --controller or HOSTPLANE_CONTROLLER)';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    throw new UsageError(`the controller address '${address}' ${from} is a URL: give HOST:PORT, e.g. ctl.example.net:50051`);
  }
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(address)) {
    throw new UsageError(`the controller address '${address}' ${from} is not HOST:PORT, e.g. ctl.example.net:50051`);
  }
  return address;
}

function channelCredentials(caFile: string | undefined): ChannelCredentials {
  if (caFile === undefined) return credentials.createInsecure();
  let ca: Buffer;
  try {
    ca = readFileSync(caFile);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(`cannot read the CA certificate ${caFile} given by --ca or HOSTPLANE_CA (${reason})`, EXIT.usage);
  }
  // Said here rather than as "does not answer in TLS" at the first call.
  try {
    if (!ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) throw new Error('no BEGIN CERTIFICATE line');
    new X509Certificate(ca);
  } catch (err) {
    throw new CliError(`the CA file ${caFile} given by --ca or HOSTPLANE_CA is not a PEM certificate (${(err as Error).message})`, EXIT.usage);
  }
  return credentials.createSsl(ca);
}

/** grpc-js's words for a call that never reached a server (no connection could be made). */
const NOT_CONNECTED = /No connection established|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Name resolution failed|DNS resolution failed/i;

/** Options of one call. */
export interface CallOptions {
  /** This verb's deadline in seconds (`--timeout` wins); DEFAULT_TIMEOUT_SECONDS when absent. */
  readonly timeoutSeconds?: number;
  /** Shown on a TTY stderr while the call runs, e.g. `Updating plan Gold`. */
  readonly progress?: string;
  /** Per-verb sentences for some status codes (errors.ts). */
  readonly overrides?: CallContext['overrides'];
}

/** A connected Admin API client. Close it when done, or the process stays alive. */
export class AdminApi {
  /** One client per controller of the list, made when first needed. */
  readonly #clients: AdminClient[] = [];
  #current = 0;
  readonly #addresses: readonly string[];
  readonly #credentials: ChannelCredentials;

  constructor(
    readonly options: ConnectionOptions,
    private readonly progressTarget?: ProgressTarget,
  ) {
    this.#addresses = options.addresses ?? [options.address];
    this.#credentials = channelCredentials(options.caFile);
  }

  /** The client of the controller in use. */
  get #client(): AdminClient {
    return (this.#clients[this.#current] ??= new AdminClient(this.#addresses[this.#current]!, this.#credentials));
  }

  /** The next controller of the list, after one that could not be reached; false when none is left. */
  #failOver(tried: number): boolean {
    if (tried >= this.#addresses.length) return false;
    this.#current = (this.#current + 1) % this.#addresses.length;
    return true;
  }

  #metadata(): Metadata {
    const md = new Metadata();
    if (this.options.token !== undefined) md.set('authorization', `Bearer ${this.options.token}`);
    if (this.options.asReseller !== undefined) md.set(AS_RESELLER_METADATA, this.options.asReseller);
    return md;
  }

  #context(opts: CallOptions, timeoutSeconds?: number): CallContext {
    return {
      address: this.#addresses.length > 1 ? this.#addresses.join(', ') : this.options.address,
      defaultAddress: this.options.defaultAddress === true,
      hasToken: this.options.token !== undefined,
      tls: this.options.caFile !== undefined,
      timeoutSeconds,
      overrides: opts.overrides,
    };
  }

  /** One unary RPC; rejects with a CliError carrying the sentence and exit code. */
  call<K extends UnaryMethod>(method: K, request: RequestOf<K>, opts: CallOptions = {}): Promise<ResponseOf<K>> {
    const def = AdminService[method] as unknown as {
      path: string;
      requestSerialize: (value: RequestOf<K>) => Buffer;
      responseDeserialize: (value: Buffer) => ResponseOf<K>;
    };
    const timeoutSeconds = this.options.timeoutSeconds ?? opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const deadline = new Date(Date.now() + timeoutSeconds * 1000);
    const attempt = (tried: number): Promise<ResponseOf<K>> =>
      new Promise<ResponseOf<K>>((resolve, reject) => {
        this.#client.makeUnaryRequest(
          def.path,
          def.requestSerialize,
          def.responseDeserialize,
          request,
          this.#metadata(),
          { deadline },
          (err: ServiceError | null, response?: ResponseOf<K>) => {
            // A controller that could not be reached never saw the call: the next one of the list
            // takes it. One that dropped the connection after the call was sent may have done it:
            // that is said, not retried elsewhere.
            if (err?.code === status.UNAVAILABLE && NOT_CONNECTED.test(err.details ?? '') && this.#failOver(tried)) resolve(attempt(tried + 1));
            else if (err) reject(fromServiceError(err, this.#context(opts, timeoutSeconds)));
            else if (response === undefined) reject(new CliError('the controller sent an empty response'));
            else resolve(response);
          },
        );
      });
    const pending = attempt(1);
    if (opts.progress !== undefined && this.progressTarget) return withProgress(this.progressTarget, opts.progress, pending);
    return pending;
  }

  /**
   * The event stream (WatchEvents), without a deadline, as an async iterable of events. Aborting
   * `signal` cancels the call and ends the iteration quietly; a failure throws a CliError.
   */
  async *watchEvents(request: WatchEventsRequest, signal?: AbortSignal): AsyncGenerator<Event> {
    const def = AdminService.watchEvents;
    const stream: ClientReadableStream<{ event?: Event }> = this.#client.makeServerStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      request,
      this.#metadata(),
      {},
    );
    const cancel = () => stream.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of stream as AsyncIterable<{ event?: Event }>) {
        if (message.event) yield message.event;
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw toCliError(err, this.#context({}));
    } finally {
      signal?.removeEventListener('abort', cancel);
      stream.cancel();
    }
  }

  close(): void {
    for (const c of this.#clients) c?.close();
  }
}
