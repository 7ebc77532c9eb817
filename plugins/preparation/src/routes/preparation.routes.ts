import { openEventStream, type EventStream, type PluginContext } from '@tomo/kernel';
import { logAnswerSchema, planAnswerSchema, preparationStatusAnswerSchema, preparationViewSchema, preparersAnswerSchema } from '../response-schemas';
import { logQuery, planInput, serverIdParams, startInput } from '../schemas';
import type { LogLine, PreparationLog } from '../services/preparation-log';
import type { PreparationService } from '../services/preparation-service';
import type { PreparationView } from '../views';

/** HTTP routes of the preparation plugin, plus the live log as server-sent events. */
export function registerPreparationRoutes(ctx: PluginContext, service: PreparationService, log: PreparationLog): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/preparation/preparers',
    summary: 'The OS preparers (built-in and from plugins) and the OS versions each supports',
    access: 'authenticated',
    response: preparersAnswerSchema,
    handler: () => ({ preparers: service.listPreparers() }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/preparation/plan',
    summary: 'Which preparer and steps a server reporting this OS (os-release ID, VERSION_ID, ID_LIKE) would get',
    access: 'authenticated',
    body: planInput,
    response: planAnswerSchema,
    handler: ({ body }) => service.planFor({ id: body.id, versionId: body.versionId, idLike: body.idLike, codename: null, prettyName: `${body.id} ${body.versionId}`, architecture: body.architecture }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:id/preparation',
    summary: 'Prepare the server (detect OS, install and verify Docker); returns at once, follow the status or the event stream',
    access: 'authenticated',
    params: serverIdParams,
    body: startInput,
    response: preparationViewSchema,
    successStatus: 202,
    handler: ({ params, body }, call) => service.start(call.principal, params.id, body, call, false),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:id/preparation/retry',
    summary: 'Retry a failed preparation from its failed step (earlier steps are re-checked, not re-applied)',
    access: 'authenticated',
    params: serverIdParams,
    body: startInput,
    response: preparationViewSchema,
    successStatus: 202,
    handler: ({ params, body }, call) => service.start(call.principal, params.id, body, call, true),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/servers/:id/preparation',
    summary: 'Preparation status: state, current step, the steps, the last log lines',
    access: 'authenticated',
    params: serverIdParams,
    response: preparationStatusAnswerSchema,
    handler: ({ params }, call) => service.status(call.principal, params.id),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/servers/:id/preparation/log',
    summary: 'The full preparation log (after `afterId` when given)',
    access: 'authenticated',
    params: serverIdParams,
    query: logQuery,
    response: logAnswerSchema,
    handler: async ({ params, query }, call) => ({ lines: await service.readLog(call.principal, params.id, query.afterId) }),
  });
  ctx.http.rawRoute({
    method: 'GET',
    path: '/api/servers/:id/preparation/events',
    summary: 'Live preparation log and state as server-sent events (`line`, `state`, `end`)',
    access: 'authenticated',
    handler: async (koa, call) => {
      const params = serverIdParams.parse({ id: koa.params.id });
      const afterId = logQuery.parse({ afterId: koa.query.afterId || koa.get('last-event-id') || undefined }).afterId;
      // Subscribe first and hold what arrives, so nothing emitted while the backlog is read is lost.
      const held: Array<['line', LogLine] | ['state', PreparationView] | ['end']> = [];
      // Set once the stream is open; until then what arrives is held.
      let events: EventStream | undefined = undefined;
      let lastSent = afterId ?? 0;
      const sendLine = (line: LogLine) => {
        if (line.id <= lastSent) return;
        lastSent = line.id;
        events?.send('line', line, line.id);
      };
      const finish = () => {
        events?.send('end', {});
        events?.close();
      };
      const onLine = (line: LogLine) => (events ? sendLine(line) : held.push(['line', line]));
      const onState = (view: PreparationView) => (events ? events.send('state', view) : held.push(['state', view]));
      const onEnd = () => (events ? finish() : held.push(['end']));
      const unsubscribe = () => {
        log.events.off(`line:${params.id}`, onLine);
        log.events.off(`state:${params.id}`, onState);
        log.events.off(`end:${params.id}`, onEnd);
      };
      log.events.on(`line:${params.id}`, onLine);
      log.events.on(`state:${params.id}`, onState);
      log.events.on(`end:${params.id}`, onEnd);
      let backlog: LogLine[];
      let status: PreparationView;
      try {
        backlog = await service.readLog(call.principal, params.id, afterId);
        status = await service.status(call.principal, params.id);
      } catch (err) {
        unsubscribe();
        throw err;
      }
      events = openEventStream(koa);
      events.onClose(unsubscribe);
      // Backlog, state, then what was held, before anything new: all synchronous, so nothing interleaves.
      for (const line of backlog) sendLine(line);
      events.send('state', { ...status, recentLog: undefined });
      let ended = false;
      for (const item of held) {
        if (item[0] === 'line') sendLine(item[1]);
        else if (item[0] === 'state') events.send('state', item[1]);
        else ended = true;
      }
      if (ended || status.status !== 'in_progress') finish();
    },
  });
}
