import { z } from 'zod';

/** One line of an app's logs, as every answer and event carries it. */
export const logLineSchema = z.strictObject({
  service: z.string().describe('The service (container) that printed the line; the app id for a single-container app'),
  stream: z.enum(['stdout', 'stderr']),
  time: z.string().describe('When Docker received the line: RFC 3339 UTC with 9-digit nanoseconds (sorts as text)'),
  text: z.string().describe("The line, without its line break; values Tomo generated or keeps secret for the app appear as `••••••`"),
});

/** `GET /api/apps/installations/:id/logs` and `get_app_logs`. */
export const logsResponse = z.strictObject({
  installationId: z.string(),
  services: z.array(z.string()).describe("Every service of the installation (also those the `service` filter left out)"),
  lines: z.array(logLineSchema).describe('The newest lines, oldest first, at most `tail`'),
});
