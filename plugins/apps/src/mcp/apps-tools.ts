import { z } from 'zod';
import { aliasedArgument, type ToolDefinition } from '@tomo/kernel';
import { catalogAppResponse, catalogListResponse, installationListResponse, installationResponse, uninstallResponse } from '../response-schemas';
import { installRequestSchema } from '../schemas';
import type { AppsService } from '../services/apps-service';
import type { CatalogService } from '../services/catalog-service';
import { INSTALLATION_TARGET_HELP, installationTargetFields, resolveInstallationTarget, type InstallationTargetArgs } from './installation-target';

const serverId = z.uuid('must be a valid server id');
/** How long install_app waits for the install to finish before returning its progress (MCP clients time out around a minute). */
const INSTALL_WAIT_MS = 45000;

const listArgs = z.strictObject({
  search: z.string().max(200, 'must be at most 200 characters').optional(),
  category: z.string().max(64, 'must be at most 64 characters').optional(),
  limit: z.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').optional(),
});

/** `list_catalog`. */
export function listCatalogTool(catalog: CatalogService): ToolDefinition<z.output<typeof listArgs>> {
  return {
    name: 'list_catalog',
    title: 'List the app catalog',
    description: 'Search the catalog of installable apps. `search`: words that must all appear in the id, name, description, category or tags; `category`: exact category. Returns the apps (id, name, description, category, image, whether only an admin may install it) and every category with its count.',
    input: listArgs,
    output: catalogListResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a) => catalog.search({ q: a.search, category: a.category, limit: a.limit ?? 100 }),
  };
}

/** `get_app_definition`. */
export function getAppDefinitionTool(catalog: CatalogService): ToolDefinition<{ app_id: string }> {
  return {
    name: 'get_app_definition',
    title: 'App definition',
    description: "An app's full definition: image, ports (container → default host port), volumes, settings (env: required, default, secret, generated), requirements, restart policy, host-access warnings. Use it to build install_app's `ports` and `settings` (or `config`).",
    input: z.strictObject({ app_id: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters') }),
    output: catalogAppResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a) => catalog.get(a.app_id),
  };
}

const installArgs = z.strictObject({
  server_id: serverId,
  app_id: installRequestSchema.shape.appId,
  ports: installRequestSchema.shape.ports,
  settings: installRequestSchema.shape.settings,
  capabilities: installRequestSchema.shape.capabilities,
  config: z
    .strictObject({
      ports: installRequestSchema.shape.ports.describe('The same as `ports`'),
      env: installRequestSchema.shape.settings.describe('The same as `settings`'),
    })
    .optional()
    .describe("The product spec's form: { ports, env } instead of `ports` and `settings`"),
});

/** `install_app`. */
export function installAppTool(apps: AppsService): ToolDefinition<z.output<typeof installArgs>> {
  return {
    name: 'install_app',
    title: 'Install an app',
    description:
      'Install a catalog app on a prepared server. `ports`: host port per container port, keyed "<container>/<protocol>" (e.g. {"80/tcp": 8080}); omitted ports use the definition\'s default; null leaves an optional port unpublished. ' +
      '`settings`: values by env name (required ones must be given; secrets with a generator are generated when omitted and never shown again). ' +
      'The product spec\'s form `config: { ports, env }` is accepted too (`config.ports` is `ports`, `config.env` is `settings`); giving a value under both names with different values is an error. ' +
      'Checks first (server prepared, Docker answers, host ports free) and creates nothing when a check fails. Waits up to 45 s for the install (image, container, start, health check); if `installation.state` is still "installing", poll get_installed_apps. Returns { installation } (its `id` is the installation_id of the other tools).',
    input: installArgs,
    output: installationResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: async (a, call) => {
      const ports = aliasedArgument(['ports', a.ports], ['config.ports', a.config?.ports]);
      const settings = aliasedArgument(['settings', a.settings], ['config.env', a.config?.env]);
      const started = await apps.install(call.principal, a.server_id, { appId: a.app_id, ports, settings, capabilities: a.capabilities }, call);
      await Promise.race([apps.waitFor(started.id), new Promise((resolve) => setTimeout(resolve, INSTALL_WAIT_MS).unref())]);
      return { installation: await apps.get(call.principal, started.id) };
    },
  };
}

/** `get_installed_apps`. */
export function getInstalledAppsTool(apps: AppsService): ToolDefinition<{ server_id?: string }> {
  return {
    name: 'get_installed_apps',
    title: 'Installed apps',
    description:
      'Installed apps (on one server, or on all your servers) with their state checked against Docker right now: running, stopped, crashed (exited or crash-looping when it should run), missing (container removed outside Tomo), installing, failed, unknown (Docker or the server cannot be reached). Secret settings are never shown. Returns { installations }; each `id` is an installation_id.',
    input: z.strictObject({ server_id: serverId.optional() }),
    output: installationListResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    handler: async (a, call) => ({ installations: await apps.list(call.principal, a.server_id) }),
  };
}

const targetArgs = z.strictObject(installationTargetFields);

/** `start_app` and `stop_app`. */
export function startStopAppTool(apps: AppsService, action: 'start' | 'stop'): ToolDefinition<InstallationTargetArgs> {
  return {
    name: `${action}_app`,
    title: action === 'start' ? 'Start an app' : 'Stop an app',
    description:
      (action === 'start' ? "Start an installed app's container. Safe to repeat. " : "Stop an installed app's container (10 s grace period). Safe to repeat. ") +
      `${INSTALLATION_TARGET_HELP} Returns { installation }.`,
    input: targetArgs,
    output: installationResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: action === 'stop', idempotentHint: true, openWorldHint: true },
    handler: async (a, call) => {
      const { id } = await resolveInstallationTarget(apps, call.principal, a);
      return { installation: await (action === 'start' ? apps.start(call.principal, id, call) : apps.stop(call.principal, id, call)) };
    },
  };
}

const uninstallArgs = z.strictObject({
  ...installationTargetFields,
  delete_data: z.boolean().optional().describe("Also delete the app's data folder on the server (cannot be undone); default false"),
  remove_data: z.boolean().optional().describe("The product spec's name for delete_data"),
});

/** `uninstall_app`. */
export function uninstallAppTool(apps: AppsService): ToolDefinition<z.output<typeof uninstallArgs>> {
  return {
    name: 'uninstall_app',
    title: 'Uninstall an app',
    description:
      "Stop and remove an installed app's container. With delete_data true (or remove_data, the product spec's name for it), its data folder on the server is deleted too (cannot be undone); by default the data is kept. " +
      `${INSTALLATION_TARGET_HELP} Returns { removed, dataDeleted } (and dataError when the data could not be deleted).`,
    input: uninstallArgs,
    output: uninstallResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    handler: async (a, call) => {
      const deleteData = aliasedArgument(['delete_data', a.delete_data], ['remove_data', a.remove_data]) ?? false;
      const { id } = await resolveInstallationTarget(apps, call.principal, a);
      return apps.uninstall(call.principal, id, deleteData, call);
    },
  };
}
