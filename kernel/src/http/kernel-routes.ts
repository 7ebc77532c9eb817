import { z } from 'zod';
import type { PluginReport } from '../plugin/plugin-report';
import type { RouteDefinition } from './route-types';

/** Facts `/api/status` reports. */
export interface StatusReport {
  version: string;
  uptimeSeconds: number;
  plugins: Array<{ id: string; version: string; state: 'active' | 'disabled'; error?: string }>;
  database: { ok: boolean; error?: string };
}

/** The kernel's own routes; registered like any plugin's, under the owner `kernel`. */
export function kernelRoutes(deps: {
  status: () => Promise<StatusReport>;
  plugins: () => PluginReport[];
  openApi: () => Record<string, unknown>;
  manifest: (principal: NonNullable<Parameters<RouteDefinition['handler']>[1]['principal']>) => unknown;
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
      path: '/api/status',
      summary: 'Version, uptime, loaded plugins and database health',
      access: 'authenticated',
      tag: 'kernel',
      handler: () => deps.status(),
    },
    {
      method: 'GET',
      path: '/api/plugins',
      summary: 'Every plugin and module: version, package, built-in or third-party, state (with the reason when disabled), and what it contributes',
      access: 'admin',
      tag: 'kernel',
      handler: () => ({ plugins: deps.plugins() }),
    },
    {
      method: 'GET',
      path: '/api/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      access: 'public',
      tag: 'kernel',
      handler: () => deps.openApi(),
    },
    {
      method: 'GET',
      path: '/api/ui/manifest',
      summary: "The console's plugin manifest: bundles, routes, navigation, widgets and slots",
      access: 'authenticated',
      tag: 'kernel',
      handler: (_input, call) => deps.manifest(call.principal!),
    },
  ] as RouteDefinition[];
}
