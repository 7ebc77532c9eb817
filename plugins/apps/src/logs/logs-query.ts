import { z } from 'zod';

/** The most lines one answer carries (the API, the event stream's first batch, MCP). */
export const MAX_TAIL = 10000;
/** Lines when the caller names no `tail`. */
export const DEFAULT_TAIL = 200;
/** The most lines the event stream starts with (they go out at once, to a browser). */
export const MAX_STREAM_TAIL = 2000;

const DURATION = /^(\d{1,7})(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SINCE_RULE = 'must be an RFC 3339 time with a zone (2026-12-06T23:00:00Z) or a duration back from now (30s, 15m, 2h, 7d)';

/**
 * `since` as milliseconds since the epoch: an RFC 3339 time with a zone, or a duration back from
 * `now` ("15m"). Undefined when it is neither.
 */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const duration = DURATION.exec(value);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const since = z.string().max(64, 'must be at most 64 characters').refine((v) => parseSince(v) !== undefined, SINCE_RULE);
const service = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** `GET …/logs` (query strings) and the event stream's query. */
export const logsQuery = z.strictObject({
  tail: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_TAIL, `must be at most ${MAX_TAIL}`).optional(),
  since: since.optional(),
  service: service.optional(),
});

/** The event stream's query: as {@link logsQuery}, with a smaller `tail`. */
export const logsStreamQuery = logsQuery.extend({
  tail: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_STREAM_TAIL, `must be at most ${MAX_STREAM_TAIL}`).optional(),
});

/** `get_app_logs`' own fields (typed JSON, no coercion). */
export const logsToolFields = {
  tail: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_TAIL, `must be at most ${MAX_TAIL}`).optional(),
  since: since.optional(),
  service: service.optional(),
};

/** What to read, as the routes and the tool pass it on. */
export type LogsQuery = z.output<typeof logsQuery>;
