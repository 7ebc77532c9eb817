import { z } from 'zod';
import type { PluginContext } from '@tomo/kernel';
import type { TerminalConfig } from './config';
import { createTerminalBody, socketQuery, terminalParams, terminalView } from './schemas';
import type { TerminalService } from './terminal-service';

const SOCKET_DESCRIPTION = [
  'Binary frames carry terminal bytes both ways; text frames are JSON control messages:',
  'client → server {"type":"resize","cols","rows"}; server → client {"type":"ready","terminalId","shell","resumed"},',
  '{"type":"exit","code","reason"}, {"type":"error","code","message"}. Close codes: 1000 shell ended or DELETE,',
  '4408 idle timeout, 4409 another socket attached, 1011 internal error. The session cookie counts only from',
  "Tomo's own Origin; a bearer token needs none. See docs/api.md (Terminals).",
].join(' ');

/** `/api/terminals`: create, list, close, and the socket that carries a terminal. */
export function registerTerminalRoutes(ctx: PluginContext<TerminalConfig>, terminals: TerminalService): void {
  ctx.http.route({
    method: 'POST',
    path: '/api/terminals',
    summary: 'Opens a terminal on a server you own, or in a container of one of your apps (the shell starts when its socket connects)',
    description: 'Body: {serverId} for the server\'s login shell, or {installationId, service?} for bash (else sh) in the container. Answers the socketPath to connect to within 30 s.',
    access: 'authenticated',
    body: createTerminalBody,
    response: z.object({ terminal: terminalView }),
    successStatus: 201,
    handler: async ({ body }, call) => ({ terminal: await terminals.create(body, call) }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/terminals',
    summary: 'Your open terminals (an admin: all)',
    access: 'authenticated',
    response: z.object({ terminals: z.array(terminalView) }),
    handler: (_input, call) => ({ terminals: terminals.list(call.principal) }),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/terminals/:id',
    summary: 'Closes a terminal and its shell at once',
    access: 'authenticated',
    params: terminalParams,
    handler: ({ params }, call) => {
      terminals.close(call.principal, params.id);
    },
  });
  ctx.http.websocket({
    path: '/api/terminals/:id/socket',
    summary: 'The WebSocket of a terminal: its bytes both ways, resize, ready/exit/error messages',
    description: SOCKET_DESCRIPTION,
    access: 'authenticated',
    params: terminalParams,
    query: socketQuery,
    handler: ({ params, query }, call) => {
      terminals.requireEnabledForSocket();
      const { session, view } = terminals.session(call.principal, params.id);
      return (socket) => session.attach(socket, { cols: query.cols, rows: query.rows }, view.id);
    },
  });
}
