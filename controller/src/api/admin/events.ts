/**
 * The event feed of the Admin API: ListEvents (a page) and WatchEvents (a resumable server stream:
 * the backlog after `afterId`, then every new event as it is committed).
 */
import { FailedPreconditionError, InvalidArgumentError } from '@hostplane/shared';
import type { AdminServer } from '@hostplane/proto/hostplane/v1/admin.js';
import type { Event } from '@hostplane/proto/hostplane/v1/event.js';
import type { EventRecord } from '../../store/index.js';
import { serverStream, unary, type ApiDeps } from '../pipeline.js';

const PAGE = 500;
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
  return {
    listEvents: unary(deps, 'ListEvents', (req) => {
      const limit = req.limit < 0 ? NaN : Math.min(req.limit || PAGE, 5000);
      if (Number.isNaN(limit)) throw new InvalidArgumentError('limit', `limit: ${req.limit} is negative`);
      return { events: core.eventsAfter(parseId(req.afterId, 'afterId') ?? 0, limit, checkTypes(req.types)).map(eventToProto) };
    }),
    watchEvents: serverStream(deps, 'WatchEvents', (req, _principal, call) => {
      const types = checkTypes(req.types);
      const after = parseId(req.afterId, 'afterId');
      const { oldest, newest } = core.eventIdRange();
      let cursor = after ?? newest;
      if (after !== undefined && oldest > 0 && after < oldest - 1) {
        throw new FailedPreconditionError(`event ${after + 1} is no longer retained (the oldest is ${oldest}): resume from ${oldest - 1} or later`);
      }
      let draining = false;
      let again = false;
      const drain = () => {
        if (draining) {
          again = true;
          return;
        }
        draining = true;
        try {
          do {
            again = false;
            for (;;) {
              const batch = core.eventsAfter(cursor, PAGE, types);
              // Advance past filtered-out events too, so that the next query starts later.
              if (batch.length === 0) break;
              for (const e of batch) call.write({ event: eventToProto(e) });
              cursor = batch.at(-1)!.id;
              if (batch.length < PAGE) break;
            }
          } while (again);
        } finally {
          draining = false;
        }
      };
      const unsubscribe = core.onEvents(() => setImmediate(drain));
      const stop = () => unsubscribe();
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
      drain();
    }),
  };
}
