import { z } from 'zod';
import { COLS, ROWS } from './control-messages';

/** `POST /api/terminals`: a server's shell, or a shell in one of an installation's containers. */
export const createTerminalBody = z
  .strictObject({
    serverId: z.string().min(1).max(100).optional(),
    installationId: z.string().min(1).max(100).optional(),
    service: z.string().min(1).max(200).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.serverId === undefined) === (body.installationId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['serverId'], message: 'give exactly one of serverId (a server shell) or installationId (a container shell)' });
    }
    if (body.service !== undefined && body.installationId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'only with installationId' });
    }
  });

export const terminalView = z.object({
  id: z.string(),
  kind: z.enum(['server', 'container']),
  serverId: z.string(),
  installationId: z.string().optional(),
  service: z.string().optional(),
  title: z.string(),
  createdAt: z.string(),
  socketPath: z.string(),
});

export type TerminalView = z.output<typeof terminalView>;

export const terminalParams = z.object({ id: z.string().min(1).max(100) });
export const socketQuery = z.object({ cols: COLS, rows: ROWS });
