import { z } from 'zod';

const id = (what: string) => z.string(`must be the ${what}'s id`).min(1, `must be the ${what}'s id`).max(64, 'must be at most 64 characters');
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time (2026-12-24T18:00:00Z)' });

/** A silence now (no `startsAt`) or a maintenance window (a `startsAt` ahead); until `endsAt`. */
export const createSilenceBody = z.strictObject({
  ruleId: id('rule').nullable().default(null),
  serverId: id('server').nullable().default(null),
  startsAt: instant.optional(),
  endsAt: instant,
  reason: z.string('must be a string').trim().max(200, 'must be at most 200 characters').nullable().default(null),
});
export type CreateSilenceBody = z.output<typeof createSilenceBody>;
