/**
 * Which installation an MCP tool acts on, in either of two forms: `installation_id` (Tomo's own,
 * exact even when one app is installed twice on a server) or the product spec's `server_id` +
 * `app_id` (accepted when they name exactly one of the caller's installations). Every tool that
 * acts on one installation (start, stop, uninstall, metrics, logs, update…) takes these fields
 * and resolves them here, so the forms and their errors are the same everywhere.
 */
import { z } from 'zod';
import { AppError, badRequest, notFound, type Principal } from '@tomo/kernel';
import type { AppsApi } from '../apps-api';
import type { RecordedInstallation } from '../views';

/** The target fields, to spread into a tool's input object. */
export const installationTargetFields = {
  installation_id: z.uuid('must be a valid installation id').optional().describe('The installed app (an id from get_installed_apps). Either this, or server_id and app_id.'),
  server_id: z.uuid('must be a valid server id').optional().describe('With app_id: the server the app is installed on (instead of installation_id)'),
  app_id: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional().describe('With server_id: the catalog id of the installed app (instead of installation_id)'),
};

/** The arguments {@link resolveInstallationTarget} reads (a type, not an interface: tool inputs are records). */
export type InstallationTargetArgs = z.output<z.ZodObject<typeof installationTargetFields>>;

/** A sentence for the tool descriptions: the two forms. */
export const INSTALLATION_TARGET_HELP =
  'Name the installation by installation_id, or (as in the product spec) by server_id and app_id when that app is installed once on that server; ' +
  'when it is installed several times the call fails and lists the installation ids to choose from.';

/**
 * The caller's installation the arguments name (404 when none they may see). Both forms at once
 * must agree (an error naming the fields otherwise); `server_id` + `app_id` naming several
 * installations is a 409 listing their ids.
 */
export async function resolveInstallationTarget(
  apps: Pick<AppsApi, 'recordedOwned' | 'recordedOwnedOf'>,
  principal: Principal,
  args: InstallationTargetArgs,
): Promise<RecordedInstallation> {
  const { installation_id: installationId, server_id: serverId, app_id: appId } = args;
  if (installationId) {
    const found = await apps.recordedOwned(principal, installationId);
    if (serverId !== undefined && serverId !== found.serverId) {
      throw badRequest('server_id', `installation_id ${installationId} is on server ${found.serverId}, not on server_id ${serverId}: give one form, or values that agree`);
    }
    if (appId !== undefined && appId !== found.appId) {
      throw badRequest('app_id', `installation_id ${installationId} is an installation of "${found.appId}", not of app_id "${appId}": give one form, or values that agree`);
    }
    return found;
  }
  if (serverId === undefined || appId === undefined) {
    const missing = serverId === undefined ? 'server_id' : 'app_id';
    throw badRequest(serverId === undefined && appId === undefined ? 'installation_id' : missing, 'give installation_id, or both server_id and app_id');
  }
  const matches = await apps.recordedOwnedOf(principal, serverId, appId);
  if (matches.length === 0) throw notFound(`Installation of "${appId}" on server ${serverId}`);
  if (matches.length > 1) {
    throw new AppError(
      409,
      'ambiguous_installation',
      `"${appId}" is installed ${matches.length} times on server ${serverId}: pass installation_id, one of ${matches.map((m) => m.id).join(', ')}`,
      'installation_id',
    );
  }
  return matches[0];
}
