import { z } from 'zod';
import { MAX_PAGE_SIZE } from './activity-log';

const isoDate = (what: string) =>
  z
    .string()
    .max(40)
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), `must be an ISO 8601 date or date-time (${what})`)
    .transform((v) => new Date(v));

/** Filters of the activity log, as HTTP query parameters (strings) and MCP arguments. */
export const activityFilterShape = {
  serverId: z.uuid('must be a valid server id').optional().describe('Only entries about this server'),
  action: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*?)?$/, 'must be an action like "app.install", or a prefix like "app" or "app.*"')
    .optional()
    .describe('An exact action ("app.install") or a prefix ("app" or "app.*": every app.… action)'),
  userId: z.uuid('must be a valid user id').optional().describe('Only entries made by this user'),
  from: isoDate('inclusive').optional().describe('Entries at or after this time (ISO 8601)'),
  to: isoDate('exclusive').optional().describe('Entries before this time (ISO 8601)'),
  q: z.string().min(1).max(200).optional().describe('Text searched (case-insensitive) in the target name and the detail'),
  page: z.coerce.number('must be a number').int('must be a whole number').min(1, 'must be 1 or more').default(1).describe('Page number, from 1'),
  pageSize: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(1, `must be 1 to ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be 1 to ${MAX_PAGE_SIZE}`)
    .default(50)
    .describe(`Entries per page (at most ${MAX_PAGE_SIZE})`),
};

export const activityQuery = z.strictObject(activityFilterShape);
export type ActivityQuery = z.output<typeof activityQuery>;

export const activityEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  serverId: z.string().nullable(),
  result: z.enum(['ok', 'failed']),
  detail: z.string().nullable(),
  door: z.enum(['console', 'api', 'mcp', 'cli', 'system']).nullable(),
  clientIp: z.string().nullable(),
  summary: z.string().describe('The entry as a sentence ("admin added server web-1"); `action` keeps the code'),
});

export const activityPageSchema = z.object({
  entries: z.array(activityEntrySchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
