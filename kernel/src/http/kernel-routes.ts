import { z } from 'zod';
import type { Principal } from '../access/principal';
import { AppError } from '../errors';
import type { Readiness } from '../health/readiness';
import type { PluginReport } from '../plugin/plugin-report';
import type { RouteDefinition } from './route-types';

/** Facts `/api/status` reports. */
export interface StatusReport {
  version: string;
  uptimeSeconds: number;
  plugins: Array<{ id: string; version: string; state: 'active' | 'disabled'; error?: string }>;
  database: { ok: boolean; error?: string };
}

const statusSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  plugins: z.array(z.object({ id: z.string(), version: z.string(), state: z.enum(['active', 'disabled']), error: z.string().optional() })),
  database: z.object({ ok: z.boolean(), error: z.string().optional() }),
});

const pluginReportSchema = z.object({
  id: z.string(),
  kind: z.enum(['plugin', 'module']),
  version: z.string(),
  packageName: z.string(),
  builtin: z.boolean(),
  state: z.enum(['active', 'disabled']),
  error: z.string().optional().describe('Why it is disabled'),
  description: z.string().optional(),
  targetPlugin: z.string().optional().describe("A module's plugin"),
  contributes: z.object({
    routes: z.array(z.string()).describe('`METHOD /path`'),
    tools: z.array(z.string()),
    pages: z.array(z.string()),
    widgets: z.array(z.string()),
    slots: z.array(z.string()).describe('`slot: title`'),
    extensionPoints: z.array(z.string()),
    migrations: z.array(z.string()),
  }),
});

const access = z.enum(['authenticated', 'admin']).optional();
const slotItem = z.object({ id: z.string(), component: z.string(), title: z.string(), order: z.number().optional() });
const manifestSchema = z.object({
  plugins: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      entry: z.string().describe("URL of the bundle's entry module"),
      styles: z.array(z.string()).describe('URLs of its style sheets'),
      routes: z.array(z.object({ path: z.string(), component: z.string(), title: z.string(), access })),
      nav: z.array(
        z.object({
          label: z.string(),
          path: z.string(),
          icon: z.string().optional(),
          order: z.number().optional(),
          access,
          badge: z.string().optional().describe('Export of the bundle shown after the label (a count)'),
        }),
      ),
      widgets: z.array(slotItem),
      slots: z.record(z.string(), z.array(slotItem)),
    }),
  ),
});

/** The kernel's own routes; registered like any plugin's, under the owner `kernel`. */
export function kernelRoutes(deps: {
  readiness: () => Promise<Readiness>;
  status: () => Promise<StatusReport>;
  plugins: () => PluginReport[];
  openApi: () => Record<string, unknown>;
  manifest: (principal: Principal) => unknown;
}): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/health',
      summary: 'Liveness: answers while the process serves requests',
      access: 'public',
      tag: 'kernel',
      response: z.object({ status: z.literal('ok') }),
      handler: () => ({ status: 'ok' as const }),
    },
    {
      method: 'GET',
      path: '/health/live',
      summary: 'Liveness probe: answers 200 while the process serves requests (restart Tomo when it does not)',
      access: 'public',
      tag: 'kernel',
      response: z.object({ status: z.literal('ok') }),
      handler: () => ({ status: 'ok' as const }),
    },
    {
      method: 'GET',
      path: '/health/ready',
      summary: 'Readiness probe: 200 when started, the database answers and its file is readable and fully migrated; else 503 not_ready with the reason',
      description:
        'For a reverse proxy or an uptime monitor: send traffic only while it answers 200. No authentication; it tells no version. While Tomo starts or stops, or when its database file is gone, unreadable or not migrated, it answers 503 with `error.code` `not_ready` and a short reason in `error.message`.',
      access: 'public',
      tag: 'kernel',
      response: z.object({ status: z.literal('ready') }),
      handler: async () => {
        const verdict = await deps.readiness();
        if (!verdict.ready) throw new AppError(503, 'not_ready', `Not ready: ${verdict.reason}`);
        return { status: 'ready' as const };
      },
    },
    {
      method: 'GET',
      path: '/api/status',
      summary: 'Version, uptime, loaded plugins and database health',
      access: 'authenticated',
      tag: 'kernel',
      response: statusSchema,
      handler: () => deps.status(),
    },
    {
      method: 'GET',
      path: '/api/plugins',
      summary: 'Every plugin and module: version, package, built-in or third-party, state (with the reason when disabled), and what it contributes',
      access: 'admin',
      tag: 'kernel',
      response: z.object({ plugins: z.array(pluginReportSchema) }),
      handler: () => ({ plugins: deps.plugins() }),
    },
    {
      method: 'GET',
      path: '/api/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      access: 'public',
      tag: 'kernel',
      response: z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).loose(),
      handler: () => deps.openApi(),
    },
    {
      method: 'GET',
      path: '/api/ui/manifest',
      summary: "The console's plugin manifest: bundles, routes, navigation, widgets and slots",
      access: 'authenticated',
      tag: 'kernel',
      response: manifestSchema,
      handler: (_input, call) => deps.manifest(call.principal),
    },
  ] as RouteDefinition[];
}
