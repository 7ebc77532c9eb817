import { z } from 'zod';
import { notFound, type PluginContext, type ToolDefinition } from '@tomo/kernel';
import type { AlpineMirror } from './mirror-entity';

const serverId = z.uuid('must be a valid server id');
/** An http(s) apk mirror base URL, e.g. https://dl-cdn.alpinelinux.org/alpine. */
const mirrorUrl = z
  .string()
  .max(300, 'must be at most 300 characters')
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/, 'must be an http(s) URL of an apk mirror');

/** The caller's server (the servers table belongs to the servers plugin; only its id and owner are read). */
async function ownedServer(ctx: PluginContext, principal: { id: string; role: string }, id: string): Promise<void> {
  const rows = (await ctx.dataSource.query('SELECT ownerId FROM servers WHERE id = ?', [id])) as Array<{ ownerId: string }>;
  if (rows.length === 0 || (principal.role !== 'admin' && rows[0].ownerId !== principal.id)) throw notFound('Server');
}

async function setMirror(ctx: PluginContext, principal: { id: string; role: string }, id: string, url: string): Promise<AlpineMirror> {
  await ownedServer(ctx, principal, id);
  const mirror: AlpineMirror = { serverId: id, url, updatedAt: new Date() };
  await ctx.dataSource.getRepository<AlpineMirror>('AlpineMirror').save(mirror);
  return mirror;
}

/** `GET /api/alpine/mirrors` and `PUT /api/alpine/mirrors/:serverId`. */
export function registerMirrorRoutes(ctx: PluginContext): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/alpine/mirrors',
    summary: 'The apk mirror chosen for each of your servers, and the Alpine versions the preparer supports',
    access: 'authenticated',
    handler: async (_input, call) => {
      const mirrors = await ctx.dataSource.getRepository<AlpineMirror>('AlpineMirror').find({ order: { serverId: 'ASC' } });
      const visible = [];
      for (const m of mirrors) {
        try {
          await ownedServer(ctx, call.principal, m.serverId);
          visible.push(m);
        } catch {
          // another user's server: not shown
        }
      }
      return { mirrors: visible };
    },
  });
  ctx.http.route({
    method: 'PUT',
    path: '/api/alpine/mirrors/:serverId',
    summary: 'Choose the apk mirror of a server',
    access: 'authenticated',
    params: z.strictObject({ serverId }),
    body: z.strictObject({ url: mirrorUrl }),
    handler: ({ params, body }, call) => setMirror(ctx, call.principal, params.serverId, body.url),
  });
}

/** `alpine_set_mirror`: the same as the PUT route, for agents. */
export function setMirrorTool(ctx: PluginContext): ToolDefinition<{ server_id: string; url: string }> {
  return {
    name: 'alpine_set_mirror',
    title: 'Set the apk mirror of a server',
    description: 'Choose the apk mirror (http/https base URL) Tomo records for an Alpine server.',
    input: z.strictObject({ server_id: serverId, url: mirrorUrl }),
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => setMirror(ctx, call.principal, a.server_id, a.url),
  };
}
