import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { installationResponse } from '../response-schemas';
import type { AppsService } from '../services/apps-service';
import type { UpdatesService } from '../updates/updates-service';
import { INSTALLATION_TARGET_HELP, installationTargetFields, resolveInstallationTarget } from './installation-target';

const targetArgs = z.strictObject(installationTargetFields);
type TargetArgs = z.output<typeof targetArgs>;

/** `check_app_updates`. */
export function checkAppUpdatesTool(apps: AppsService, updates: UpdatesService): ToolDefinition<TargetArgs> {
  return {
    name: 'check_app_updates',
    title: 'Check an app for updates',
    description:
      "Check now whether an installed app has an update: the catalog's version of the app changed, or the registry serves a new image digest under the installed tag (asked through the server's Docker, nothing is pulled). " +
      `The answer is installation.updates.check (available, reasons). ${INSTALLATION_TARGET_HELP}`,
    input: targetArgs,
    output: installationResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    handler: async (a, call) => {
      const target = await resolveInstallationTarget(apps, call.principal, a);
      return { installation: await updates.check(call.principal, target.id) };
    },
  };
}

/** `update_app`. */
export function updateAppTool(apps: AppsService, updates: UpdatesService): ToolDefinition<TargetArgs> {
  return {
    name: 'update_app',
    title: 'Update an app',
    description:
      "Update an installed app to the catalog's definition (and the image its tag points to now). Returns as soon as the update is accepted; it runs in the background: " +
      'a snapshot of the app\'s data on the server (the last 3 are kept), pull, recreate, health check. If the new version does not answer, Tomo rolls back by itself to the previous image digest and the snapshot. ' +
      `Follow it with get_installed_apps: installation.updates.operation is "update" while it runs, progress lists the steps, updates.last says how it ended. ${INSTALLATION_TARGET_HELP}`,
    input: targetArgs,
    output: installationResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: async (a, call) => {
      const target = await resolveInstallationTarget(apps, call.principal, a);
      return { installation: await updates.update(call.principal, target.id, call) };
    },
  };
}

/** `rollback_app`. */
export function rollbackAppTool(apps: AppsService, updates: UpdatesService): ToolDefinition<TargetArgs> {
  return {
    name: 'rollback_app',
    title: 'Roll an app back',
    description:
      "Put an installed app back to its last snapshot (taken before its last update): the data folder as it was, and the image digest and definition it ran then. Data written since is replaced. " +
      `Returns when accepted; follow it with get_installed_apps (updates.operation "rollback", then updates.last). ${INSTALLATION_TARGET_HELP}`,
    input: targetArgs,
    output: installationResponse,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    handler: async (a, call) => {
      const target = await resolveInstallationTarget(apps, call.principal, a);
      return { installation: await updates.rollback(call.principal, target.id, call) };
    },
  };
}
