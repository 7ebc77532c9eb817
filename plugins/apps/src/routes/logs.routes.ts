import { openEventStream, type PluginContext } from '@tomo/kernel';
import type { z } from 'zod';
import { logsResponse } from '../logs/logs-response';
import type { LogLine } from '../logs/log-line';
import { logsQuery, logsStreamQuery, MAX_STREAM_TAIL, MAX_TAIL } from '../logs/logs-query';
import type { LogsService } from '../logs/logs-service';
import { installationIdParams } from '../schemas';

/** Docker's own time format is what the stream's event ids carry (the time of the last line sent). */
const EVENT_ID = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
/** Lines per `lines` event: a first burst of 2,000 goes out as several events a browser parses one by one. */
const LINES_PER_EVENT = 500;
/**
 * What may wait for a slow client before the stream is closed (the kernel's default is 1 MiB):
 * room for the first burst of long lines; a client that falls further behind reconnects and
 * goes on after the last line it got.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * An installation's logs: `GET …/logs` answers the newest lines as JSON; `GET …/logs/stream`
 * follows them as server-sent events. The same access as reading the installation (its owner or
 * an admin; 404 for anyone else, before anything is read). Secret values are masked in every line.
 */
export function registerLogsRoutes(ctx: PluginContext, logs: LogsService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/installations/:id/logs',
    summary: `The newest lines the app's containers printed, oldest first (\`tail\`: 1–${MAX_TAIL}, default 200; \`since\`: an RFC 3339 time or a duration like 15m; \`service\`); generated and secret values masked`,
    access: 'authenticated',
    params: installationIdParams,
    query: logsQuery,
    response: logsResponse,
    handler: async ({ params, query }, call) => (await logs.open(call.principal, params.id, query.service)).tail(query),
  });

  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/apps/installations/:id/logs/stream',
    summary: `Follow the app's logs as server-sent events: \`ready\` (\`{ services }\`), then \`lines\` (\`{ lines }\`, the newest \`tail\` first (1–${MAX_STREAM_TAIL}, default 200), then each line as it is printed; the event id resumes after it), and \`end\` when the containers stopped`,
    access: 'authenticated',
    handler: async (koa, call) => {
      const { id } = installationIdParams.parse({ id: koa.params.id });
      const query = logsStreamQuery.parse({ ...koa.query }) as z.output<typeof logsStreamQuery>;
      const opened = await logs.open(call.principal, id, query.service);
      // A reconnecting console sends the id of the last event it saw: go on after that line.
      const resume = koa.get('last-event-id');
      const after = EVENT_ID.test(resume) ? resume : undefined;
      const events = openEventStream(koa, { retryMs: 2000, maxBufferedBytes: MAX_BUFFERED_BYTES });
      events.send('ready', { services: opened.services });
      const send = (lines: LogLine[]) => {
        for (let at = 0; at < lines.length; at += LINES_PER_EVENT) {
          const part = lines.slice(at, at + LINES_PER_EVENT);
          events.send('lines', { lines: part }, part[part.length - 1].time);
        }
      };
      const follow = opened.follow({ ...query, after }, send);
      events.onClose(follow.stop);
      void follow.ended.then(() => {
        if (events.closed) return;
        events.send('end', { reason: 'The containers stopped: there is nothing more to follow' });
        events.close();
      });
    },
  });
}
