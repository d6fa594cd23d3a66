/**
 * The event feed of the Admin API: ListEvents (a page) and WatchEvents (a resumable server stream:
 * the backlog after `afterId`, then every new event as it is committed).
 */
import { FailedPreconditionError, InvalidArgumentError, ResourceExhaustedError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import type { Event } from '@hostplane/proto/hostplane/v1/event.js';
import type { EventRecord } from '../../store/index.js';
import { toGrpcError } from '../errors.js';
import { bearerToken, serverStream, unary, type ApiDeps } from '../pipeline.js';

const PAGE = 500;
/** Live WatchEvents streams at most (each holds at most a page): more are refused. */
const MAX_WATCHERS = 64;
const TYPE_RE = /^[a-z_]+(\.[a-z_]+)?$/;

export function eventToProto(e: EventRecord): Event {
  return {
    id: String(e.id),
    type: e.type,
    entityName: e.entityName,
    time: new Date(e.time),
    actor: e.actor,
    onBehalfOf: e.onBehalfOf ?? '',
    data: e.data,
    parked: e.parked ?? '',
  };
}

function checkTypes(types: string[]): string[] {
  for (const t of types) if (!TYPE_RE.test(t)) throw new InvalidArgumentError('types', `types: '${t}' is not an event type such as subscription.unsynced or subscription`);
  return types;
}

function parseId(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(field, `${field}: '${raw}' is not an event id`);
  return n;
}

export function eventHandlers(deps: ApiDeps): Pick<AdminServer, 'listEvents' | 'watchEvents'> {
  const { core } = deps;
  let watchers = 0;
  return {
    listEvents: unary(deps, 'ListEvents', (req) => {
      const limit = req.limit < 0 ? NaN : Math.min(req.limit || PAGE, 5000);
      if (Number.isNaN(limit)) throw new InvalidArgumentError('limit', `limit: ${req.limit} is negative`);
      if (req.parked) {
        if (req.types.length) throw new InvalidArgumentError('types', 'types: not with parked (parked events are listed all together)');
        return { events: core.parkedEvents(parseId(req.afterId, 'afterId') ?? 0, limit).map(eventToProto) };
      }
      return { events: core.eventsAfter(parseId(req.afterId, 'afterId') ?? 0, limit, checkTypes(req.types), req.newest).map(eventToProto) };
    }),
    watchEvents: serverStream(deps, 'WatchEvents', (req, _principal, call) => {
      const types = checkTypes(req.types);
      const after = parseId(req.afterId, 'afterId');
      const { oldest, newest } = core.eventIdRange();
      let cursor = after ?? newest;
      if (after !== undefined && oldest > 0 && after < oldest - 1) {
        throw new FailedPreconditionError(`event ${after + 1} is no longer retained (the oldest is ${oldest}): resume from ${oldest - 1} or later`);
      }
      if (watchers >= MAX_WATCHERS) {
        throw new ResourceExhaustedError(`too many event watchers (${MAX_WATCHERS}): close one, or follow the events from NATS`);
      }
      watchers++;
      const secret = bearerToken(call.metadata);
      let draining = false;
      let again = false;
      let open = true;
      // At the reader's pace: a page at a time from the store, and no more writes while the stream's
      // buffer is full (write() said so) until it drains — a reader that does not read holds one page.
      const writable = () =>
        new Promise<void>((resolve) => {
          const done = () => {
            call.off('drain', done);
            call.off('close', done);
            resolve();
          };
          call.once('drain', done);
          call.once('close', done);
        });
      const drain = async () => {
        if (draining) {
          again = true;
          return;
        }
        draining = true;
        try {
          do {
            again = false;
            while (open) {
              // A token revoked (or expired) meanwhile ends the stream at once.
              try {
                core.authenticate(secret);
              } catch (err) {
                stop();
                call.emit('error', toGrpcError(err, deps.log, 'WatchEvents'));
                return;
              }
              const batch = core.eventsAfter(cursor, PAGE, types);
              // Advance past filtered-out events too, so that the next query starts later.
              if (batch.length === 0) break;
              for (const e of batch) {
                cursor = e.id;
                if (!call.write({ event: eventToProto(e) })) await writable();
                if (!open) return;
              }
              if (batch.length < PAGE) break;
            }
          } while (again && open);
        } finally {
          draining = false;
        }
      };
      const unsubscribe = core.onEvents(() => setImmediate(() => void drain()));
      const stop = () => {
        if (!open) return;
        open = false;
        watchers--;
        unsubscribe();
      };
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
      void drain();
    }),
  };
}
