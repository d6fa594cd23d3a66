/**
 * `hostplane events [--follow] [--after ID] [--limit N] [--type T]…`: the recorded state changes.
 * Without `--follow`, the latest events (`--limit N` from the end; with `--after ID`, the ones after
 * it, from there); with it, the stream (WatchEvents) until interrupted — from `--after ID`, or with
 * the latest `--limit N` first — one line per event (with `--json`, one JSON object per line).
 */
import { EVENT_ENTITIES, isEventEntity, isEventType } from '@hostplane/shared';
import { InvalidArgumentError as CommanderInvalidArgument, type Command } from 'commander';
import { ListEventsRequest, WatchEventsRequest, type Event } from '@hostplane/proto/hostplane/v1/event.js';
import { verb, type Context, type VerbOptions } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { humanTime, renderJsonLine, renderList } from '../output.js';
import { collect, parseInt64, parsePositiveInt } from '../options.js';
import { eventJson } from '../shapes.js';

interface EventsOptions extends VerbOptions {
  follow?: boolean;
  after?: string;
  type?: string[];
  limit?: number;
  parked?: boolean;
}

/** A repeated `--type`: an event type (`subscription.unsynced`) or an entity (`subscription`); others are refused. */
export function collectEventType(value: string, previous: readonly string[] = []): string[] {
  const text = value.trim();
  if (!isEventType(text) && !isEventEntity(text)) {
    throw new CommanderInvalidArgument(`'${value}' is not an event type such as subscription.unsynced, nor one of ${EVENT_ENTITIES.join(', ')}.`);
  }
  return collect(text, previous);
}

/** How many of the latest events `hostplane events` shows without --limit. */
const DEFAULT_LATEST = 50;

const actorText = (e: Event) => (e.onBehalfOf ? `${e.actor} for ${e.onBehalfOf}` : e.actor);

/** One event on one line, for `--follow`: `#42  2025-06-01 14:03:12Z  subscription.created  example.com  admin`. */
export function eventLine(e: Event): string {
  return `#${e.id}  ${humanTime(e.time)}  ${e.type}  ${e.entityName}  ${actorText(e)}\n`;
}

async function follow(ctx: Context, cmd: Command, opts: EventsOptions): Promise<void> {
  const request = WatchEventsRequest.fromPartial({ afterId: opts.after, types: opts.type ?? [] });
  let last = opts.after;
  try {
    for await (const event of ctx.api(cmd).watchEvents(request, ctx.signal)) {
      last = event.id;
      ctx.io.stdout.write(opts.json ? renderJsonLine(eventJson(event)) : eventLine(event));
    }
  } catch (err) {
    if (err instanceof CliError && last !== undefined) {
      throw new CliError(`${err.message}; resume with --after ${last}`, err.exitCode, { cause: err });
    }
    throw err;
  }
}

export function registerEvents(program: Command, ctx: Context): void {
  verb(program, 'events', 'show recorded events (state changes), or follow them as they happen', [
    'hostplane events                      # the latest 50',
    'hostplane events --limit 10 --type subscription',
    'hostplane events --after 120 --type subscription.unsynced --type host',
    'hostplane events --follow --limit 5   # the latest 5, then new ones as they happen',
    'hostplane events --follow --json',
    'hostplane events --parked             # events NATS refused (too large for it), never published',
  ])
    .option('-f, --follow', 'keep streaming new events until interrupted (with --json: one object per line)')
    .option('--after <id>', 'only events after this id, oldest first (with --follow, replay from there, then stream)', parseInt64)
    .option('--type <type>', 'only events of this type (subscription.synced) or entity (subscription); repeatable', collectEventType)
    .option('--limit <n>', `the latest N events (default ${DEFAULT_LATEST}); with --after, the first N after it`, parsePositiveInt)
    .option('--parked', 'only the events set aside because NATS refused them (with the reason); not with --follow or --type')
    .action(async (opts: EventsOptions, cmd: Command) => {
      if (opts.parked) {
        if (opts.follow || opts.type) throw new CliError('--parked lists the events set aside; it does not go with --follow or --type', EXIT.usage);
        const { events } = await ctx.api(cmd).call('listEvents', ListEventsRequest.fromPartial({ afterId: opts.after ?? '0', limit: opts.limit ?? 0, parked: true }));
        ctx.emit(opts.json, { events: events.map(eventJson) }, () =>
          renderList(
            ['id', 'time', 'type', 'entity', 'reason'],
            events.map((e) => [e.id, humanTime(e.time), e.type, e.entityName, e.parked]),
            'No parked events: NATS took every event.',
          ),
        );
        return;
      }
      if (opts.follow) {
        // A backlog to start from: --after, else the latest --limit events.
        if (opts.after === undefined && opts.limit !== undefined) {
          const { events } = await ctx.api(cmd).call('listEvents', ListEventsRequest.fromPartial({ afterId: '0', types: opts.type ?? [], limit: opts.limit, newest: true }));
          for (const e of events) ctx.io.stdout.write(opts.json ? renderJsonLine(eventJson(e)) : eventLine(e));
          const last = events.at(-1)?.id;
          return follow(ctx, cmd, { ...opts, ...(last !== undefined ? { after: last } : {}) });
        }
        return follow(ctx, cmd, opts);
      }
      const newest = opts.after === undefined;
      const request = ListEventsRequest.fromPartial({ afterId: opts.after ?? '0', types: opts.type ?? [], limit: opts.limit ?? (newest ? DEFAULT_LATEST : 0), newest });
      const { events } = await ctx.api(cmd).call('listEvents', request);
      ctx.emit(opts.json, { events: events.map(eventJson) }, () =>
        renderList(
          ['id', 'time', 'type', 'entity', 'actor'],
          events.map((e) => [e.id, humanTime(e.time), e.type, e.entityName, actorText(e)]),
          'No events.',
        ),
      );
    });
}
