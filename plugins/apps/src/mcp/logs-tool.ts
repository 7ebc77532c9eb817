import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { logsToolFields, MAX_TAIL, type LogsQuery } from '../logs/logs-query';
import type { LogsService } from '../logs/logs-service';

const logsArgs = z.strictObject({
  installation_id: z.uuid('must be a valid installation id'),
  ...logsToolFields,
});

/** `get_app_logs`. */
export function getAppLogsTool(logs: LogsService): ToolDefinition<z.output<typeof logsArgs>> {
  return {
    name: 'get_app_logs',
    title: 'App logs',
    description:
      `The newest lines an installed app's containers printed, oldest first, each with its service, stream (stdout/stderr) and time. ` +
      `\`tail\`: how many lines (1–${MAX_TAIL}, default 200); \`since\`: only lines after an RFC 3339 time or a duration back from now (30s, 15m, 2h, 7d); ` +
      '`service`: one service only (the answer lists them all). Passwords and keys Tomo generated for the app, and its other secret settings, appear as ••••••.',
    input: logsArgs,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    handler: async (a, call) => {
      const query: LogsQuery = { tail: a.tail, since: a.since, service: a.service };
      return (await logs.open(call.principal, a.installation_id, a.service)).tail(query);
    },
  };
}
