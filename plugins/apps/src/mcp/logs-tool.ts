import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import type { AppsApi } from '../apps-api';
import { logsResponse } from '../logs/logs-response';
import { logsToolFields, MAX_TAIL, type LogsQuery } from '../logs/logs-query';
import type { LogsService } from '../logs/logs-service';
import { INSTALLATION_TARGET_HELP, installationTargetFields, resolveInstallationTarget } from './installation-target';

const logsArgs = z.strictObject({
  ...installationTargetFields,
  tail: logsToolFields.tail.describe(`How many of the newest lines (1–${MAX_TAIL}, default 200)`),
  since: logsToolFields.since.describe('Only lines after this: an RFC 3339 time, or a duration back from now (30s, 15m, 2h, 7d)'),
  service: logsToolFields.service.describe('Only this service (the answer lists them all in `services`)'),
});

/** `get_app_logs`. */
export function getAppLogsTool(logs: LogsService, apps: Pick<AppsApi, 'recordedOwned' | 'recordedOwnedOf'>): ToolDefinition<z.output<typeof logsArgs>> {
  return {
    name: 'get_app_logs',
    title: 'App logs',
    description:
      "The newest lines an installed app's containers printed, oldest first, each with its service, stream (stdout/stderr) and time. " +
      `\`tail\`: how many lines (1–${MAX_TAIL}, default 200); \`since\`: only lines after an RFC 3339 time or a duration back from now (30s, 15m, 2h, 7d); ` +
      '`service`: one service only (the answer lists them all). Passwords and keys Tomo generated for the app, and its other secret settings, appear as ••••••. ' +
      INSTALLATION_TARGET_HELP,
    input: logsArgs,
    output: logsResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    handler: async (a, call) => {
      const installation = await resolveInstallationTarget(apps, call.principal, a);
      const query: LogsQuery = { tail: a.tail, since: a.since, service: a.service };
      return (await logs.open(call.principal, installation.id, a.service)).tail(query);
    },
  };
}
