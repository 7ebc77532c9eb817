import type { PluginContext } from '@tomo/kernel';
import {
  catalogAppResponse,
  catalogListResponse,
  catalogStatusResponse,
  installationListResponse,
  installationResponse,
  installTargetsResponse,
  preflightResponse,
  uninstallResponse,
} from '../response-schemas';
import { appIdParams, catalogQuery, installationIdParams, installRequestSchema, serverIdParams, uninstallQuery } from '../schemas';
import type { AppsService } from '../services/apps-service';
import type { CatalogService } from '../services/catalog-service';
import { registerInstallEventsRoute } from './install-events.route';

/** HTTP routes of the apps plugin: the catalog, install targets and checks, installations. */
export function registerAppsRoutes(ctx: PluginContext, apps: AppsService, catalog: CatalogService): void {
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/catalog',
    summary: 'Search the app catalog (`q`: words that must all appear; `category`; `limit`), with every category and its count',
    access: 'authenticated',
    query: catalogQuery,
    response: catalogListResponse,
    handler: ({ query }) => catalog.search(query),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/catalog/:appId',
    summary: "An app's full definition: ports, volumes, settings, requirements, host-access warnings, and its catalog",
    access: 'authenticated',
    params: appIdParams,
    response: catalogAppResponse,
    handler: ({ params }) => catalog.get(params.appId),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/catalogs',
    summary: 'The catalog sources, their apps, and every broken definition with its file and field (admin)',
    access: 'admin',
    response: catalogStatusResponse,
    handler: () => catalog.status(),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/catalogs/reload',
    summary: 'Reload every catalog source without restarting Tomo (admin)',
    access: 'admin',
    response: catalogStatusResponse,
    handler: () => catalog.reload(),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/targets',
    summary: 'Your servers and whether each can take apps (prepared)',
    access: 'authenticated',
    response: installTargetsResponse,
    handler: async (_input, call) => ({ servers: await apps.targets(call.principal) }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/installations',
    summary: 'Your installed apps on every server, with their state checked against Docker',
    access: 'authenticated',
    response: installationListResponse,
    handler: async (_input, call) => ({ installations: await apps.list(call.principal) }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/servers/:serverId/apps',
    summary: "The server's installed apps, with their state checked against Docker",
    access: 'authenticated',
    params: serverIdParams,
    response: installationListResponse,
    handler: async ({ params }, call) => ({ installations: await apps.list(call.principal, params.serverId) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:serverId/apps/preflight',
    summary: 'Check an install request (settings, server prepared, Docker, ports free) without creating anything',
    access: 'authenticated',
    params: serverIdParams,
    body: installRequestSchema,
    response: preflightResponse,
    handler: ({ params, body }, call) => apps.preflight(call.principal, params.serverId, body),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/servers/:serverId/apps',
    summary: 'Install an app on the server; returns at once (202), follow the installation\'s event stream (or poll it) for progress',
    access: 'authenticated',
    params: serverIdParams,
    body: installRequestSchema,
    successStatus: 202,
    response: installationResponse,
    handler: async ({ params, body }, call) => ({ installation: await apps.install(call.principal, params.serverId, body, call) }),
  });
  ctx.http.route({
    method: 'GET',
    path: '/api/apps/installations/:id',
    summary: 'One installation: state (checked against Docker), install progress, ports, settings (secrets never shown)',
    access: 'authenticated',
    params: installationIdParams,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await apps.get(call.principal, params.id) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/installations/:id/start',
    summary: "Start the app's container",
    access: 'authenticated',
    params: installationIdParams,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await apps.start(call.principal, params.id, call) }),
  });
  ctx.http.route({
    method: 'POST',
    path: '/api/apps/installations/:id/stop',
    summary: "Stop the app's container",
    access: 'authenticated',
    params: installationIdParams,
    response: installationResponse,
    handler: async ({ params }, call) => ({ installation: await apps.stop(call.principal, params.id, call) }),
  });
  ctx.http.route({
    method: 'DELETE',
    path: '/api/apps/installations/:id',
    summary: 'Uninstall: stop and remove the container; `deleteData=true` also deletes its data folder on the server',
    access: 'authenticated',
    params: installationIdParams,
    query: uninstallQuery,
    response: uninstallResponse,
    handler: ({ params, query }, call) => apps.uninstall(call.principal, params.id, query.deleteData === 'true', call),
  });
  registerInstallEventsRoute(ctx, apps);
}
