import type { Logger } from 'pino';
import type { CallContext, HookRegistry } from '@tomo/kernel';
import { authHooks, type UsersApi } from '@tomo/plugin-auth/api';
import { serversHooks, type PublicServer, type ServerActor, type ServerService } from '@tomo/plugin-servers/api';
import { preparationHooks } from '@tomo/plugin-preparation/api';
import { appsHooks, type InstallationView } from '@tomo/plugin-apps/api';
import { backupHooks } from '@tomo/plugin-backup/api';
import { monitoringHooks, type PolledServer } from '@tomo/plugin-monitoring/api';
import type { ActivityInput, ActivityLog } from './types';
import { doorOf } from './door';

const TAP = 'activity';

/** The activity action of each change to a second factor (an admin's reset is an account change). */
const TWO_FACTOR_ACTIONS: Record<'totp_enabled' | 'totp_disabled' | 'recovery_codes_regenerated' | 'reset_by_admin', string> = {
  totp_enabled: 'auth.2fa_enabled',
  totp_disabled: 'auth.2fa_disabled',
  recovery_codes_regenerated: 'auth.recovery_codes_regenerated',
  reset_by_admin: 'user.2fa_reset',
};

/** Who and which door, from a call: never a credential. */
function actor(call: CallContext): Pick<ActivityInput, 'userId' | 'username' | 'door' | 'clientIp'> {
  return { userId: call.principal?.id ?? null, username: call.principal?.name ?? null, door: doorOf(call), clientIp: call.clientIp };
}

/**
 * Who made a host-key event: the request's caller (with its door), a user's handle (door not
 * known), or Tomo itself (the poller: the system's door).
 */
function hostKeyActor(by: ServerActor, call: CallContext | undefined): Pick<ActivityInput, 'userId' | 'username' | 'door' | 'clientIp'> {
  if (call) return actor(call);
  if (by.kind === 'user') return { userId: by.principal.id, username: by.principal.name, door: null, clientIp: null };
  return { userId: null, username: null, door: 'system', clientIp: null };
}

const serverTarget = (server: PublicServer): Pick<ActivityInput, 'targetType' | 'targetId' | 'targetName' | 'serverId' | 'ownerId'> => ({
  targetType: 'server',
  targetId: server.id,
  targetName: server.name,
  serverId: server.id,
  ownerId: server.ownerId,
});

/**
 * Taps the other plugins' hooks and turns each event into an activity entry. A tap never throws
 * (a failed write must not fail the user's action): {@link ActivityLog.record} swallows and logs.
 */
export function tapActivityHooks(deps: { hooks: HookRegistry; log: ActivityLog; servers: ServerService; users: UsersApi; logger: Logger }): void {
  const { hooks, log, servers, users, logger } = deps;

  /** The server (its name and owner) read by the system, acting as nobody; null once it is gone. */
  const serverInfo = async (serverId: string): Promise<PublicServer | null> => (await servers.forSystem(serverId).catch(() => null))?.info ?? null;
  const about = async (serverId: string, targetType: string, targetId: string, targetName: string | null) => {
    const server = await serverInfo(serverId);
    return { serverId, ownerId: server?.ownerId ?? null, targetType, targetId, targetName: targetName ?? server?.name ?? null };
  };
  const safely = <A extends unknown[]>(what: string, fn: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (err) {
        logger.error({ err, event: what }, 'Could not record an activity entry');
      }
    };

  // --- auth ---------------------------------------------------------------------------------
  const auth = hooks.of(authHooks);
  auth.loggedIn.tapPromise(TAP, safely('loggedIn', async ({ user, call, method }) => {
    await log.record({
      action: 'auth.login',
      result: 'ok',
      ...actor(call),
      userId: user.id,
      username: user.username,
      ownerId: user.id,
      targetType: 'user',
      targetId: user.id,
      targetName: user.username,
      ...(method === 'passkey' ? { detail: 'with a passkey' } : method === 'oidc' ? { detail: 'with single sign-on' } : {}),
    });
  }));
  auth.loginFailed.tapPromise(TAP, safely('loginFailed', async ({ username, reason, call }) => {
    await log.record({
      action: 'auth.login_failed',
      result: 'failed',
      ...actor(call),
      targetType: 'user',
      targetName: username.slice(0, 64),
      detail: reason === 'throttled' ? 'too many attempts: throttled' : reason === 'invalid_second_factor' ? 'wrong or reused two-factor code' : 'wrong username or password',
    });
  }));
  auth.loggedOut.tapPromise(TAP, safely('loggedOut', async ({ userId, call }) => {
    await log.record({ action: 'auth.logout', result: 'ok', ...actor(call), ownerId: userId, targetType: 'user', targetId: userId, targetName: call.principal?.name ?? null });
  }));
  auth.userCreated.tapPromise(TAP, safely('userCreated', async ({ user, call }) => {
    await log.record({ action: 'user.create', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username, detail: `role ${user.role}` });
  }));
  auth.userUpdated.tapPromise(TAP, safely('userUpdated', async ({ user, changes, call }) => {
    await log.record({ action: 'user.update', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username, detail: `changed: ${changes.join(', ')}` });
  }));
  auth.userDeleted.tapPromise(TAP, safely('userDeleted', async ({ user, call }) => {
    await log.record({ action: 'user.delete', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username });
  }));
  auth.sessionsRevoked.tapPromise(TAP, safely('sessionsRevoked', async ({ user, sessions, call }) => {
    await log.record({ action: 'user.sessions_revoked', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username, detail: `signed out everywhere: ${sessions} session${sessions === 1 ? '' : 's'} ended` });
  }));
  auth.twoFactorChanged.tapPromise(TAP, safely('twoFactorChanged', async ({ user, change, call }) => {
    await log.record({ action: TWO_FACTOR_ACTIONS[change], result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username });
  }));
  auth.apiTokenCreated.tapPromise(TAP, safely('apiTokenCreated', async ({ userId, tokenId, name, call }) => {
    await log.record({ action: 'auth.token_create', result: 'ok', ...actor(call), ownerId: userId, targetType: 'api_token', targetId: tokenId, targetName: name });
  }));
  auth.apiTokenRevoked.tapPromise(TAP, safely('apiTokenRevoked', async ({ userId, tokenId, call }) => {
    await log.record({ action: 'auth.token_revoke', result: 'ok', ...actor(call), ownerId: userId, targetType: 'api_token', targetId: tokenId });
  }));
  auth.passkeyAdded.tapPromise(TAP, safely('passkeyAdded', async ({ userId, passkeyId, name, call }) => {
    await log.record({ action: 'auth.passkey_add', result: 'ok', ...actor(call), ownerId: userId, targetType: 'passkey', targetId: passkeyId, targetName: name });
  }));
  auth.passkeyDeleted.tapPromise(TAP, safely('passkeyDeleted', async ({ userId, passkeyId, name, call }) => {
    await log.record({ action: 'auth.passkey_delete', result: 'ok', ...actor(call), ownerId: userId, targetType: 'passkey', targetId: passkeyId, targetName: name });
  }));
  auth.oidcLinked.tapPromise(TAP, safely('oidcLinked', async ({ user, provider, created, call }) => {
    await log.record({ action: 'auth.oidc_link', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username, detail: `${provider}${created ? ' (user created at first sign-in)' : ''}` });
  }));
  auth.oidcUnlinked.tapPromise(TAP, safely('oidcUnlinked', async ({ user, provider, call }) => {
    await log.record({ action: 'auth.oidc_unlink', result: 'ok', ...actor(call), ownerId: user.id, targetType: 'user', targetId: user.id, targetName: user.username, detail: provider });
  }));

  // --- servers ------------------------------------------------------------------------------
  const srv = hooks.of(serversHooks);
  srv.serverAdded.tapPromise(TAP, safely('serverAdded', async ({ server, call }) => {
    await log.record({ action: 'server.add', result: 'ok', ...actor(call), ...serverTarget(server), detail: `${server.username}@${server.host}:${server.port} (${server.authType} login)` });
  }));
  srv.serverUpdated.tapPromise(TAP, safely('serverUpdated', async ({ server, changes, call }) => {
    await log.record({ action: 'server.update', result: 'ok', ...actor(call), ...serverTarget(server), detail: `changed: ${changes.join(', ')}` });
  }));
  srv.serverDeleted.tapPromise(TAP, safely('serverDeleted', async ({ server, call }) => {
    await log.record({ action: 'server.delete', result: 'ok', ...actor(call), ...serverTarget(server), detail: `${server.host}:${server.port}` });
  }));
  // Host keys: both fingerprints in the detail (SHA256 form, as `ssh-keygen -lf` prints them).
  srv.hostKeyTrusted.tapPromise(TAP, safely('hostKeyTrusted', async ({ server, key, by, call }) => {
    await log.record({ action: 'server.host_key_trusted', result: 'ok', ...hostKeyActor(by, call), ...serverTarget(server), detail: `first contact: trusted ${key.fingerprint} (${key.algorithm})` });
  }));
  srv.hostKeyChanged.tapPromise(TAP, safely('hostKeyChanged', async ({ server, trusted, presented, by, call }) => {
    await log.record({
      action: 'server.host_key_changed',
      result: 'failed',
      ...hostKeyActor(by, call),
      ...serverTarget(server),
      detail: `presented ${presented.fingerprint} (${presented.algorithm}) instead of the trusted ${trusted.fingerprint}; Tomo does not connect until an admin accepts the new key`,
    });
  }));
  srv.hostKeyAccepted.tapPromise(TAP, safely('hostKeyAccepted', async ({ server, previous, accepted, by, call }) => {
    await log.record({ action: 'server.host_key_accepted', result: 'ok', ...hostKeyActor(by, call), ...serverTarget(server), detail: `${accepted.fingerprint} (${accepted.algorithm}) replaces ${previous?.fingerprint ?? 'no trusted key'}` });
  }));
  srv.hostKeyRestored.tapPromise(TAP, safely('hostKeyRestored', async ({ server, trusted, dropped, by, call }) => {
    await log.record({ action: 'server.host_key_restored', result: 'ok', ...hostKeyActor(by, call), ...serverTarget(server), detail: `the trusted key ${trusted.fingerprint} is presented again; the changed key ${dropped.fingerprint} was dropped, not accepted` });
  }));

  // --- preparation --------------------------------------------------------------------------
  const prep = hooks.of(preparationHooks);
  prep.preparationStarted.tapPromise(TAP, safely('preparationStarted', async ({ serverId, preparationId, retry, userId, call }) => {
    const user = userId ? await users.get(userId).catch(() => null) : null;
    // A third-party caller of the service may leave `call` out: the door is then unknown (null).
    await log.record({ action: 'preparation.start', result: 'ok', door: call ? doorOf(call) : null, clientIp: call?.clientIp ?? null, userId, username: user?.username ?? null, ...(await about(serverId, 'server', serverId, null)), detail: retry ? `retry (run ${preparationId})` : `run ${preparationId}` });
  }));
  prep.preparationFinished.tapPromise(TAP, safely('preparationFinished', async ({ serverId, preparationId, status, failedStep, error }) => {
    const failed = status === 'failed';
    await log.record({
      action: failed ? 'preparation.failed' : 'preparation.completed',
      result: failed ? 'failed' : 'ok',
      door: 'system',
      ...(await about(serverId, 'server', serverId, null)),
      // The preparation plugin redacts secrets from its errors before they leave it.
      detail: failed ? `failed at ${failedStep ?? 'an unknown step'}: ${error ?? 'no message'}` : `run ${preparationId}`,
    });
  }));

  // --- apps ---------------------------------------------------------------------------------
  const apps = hooks.of(appsHooks);
  const appTarget = (i: InstallationView) => about(i.serverId, 'app', i.id, i.appName);
  apps.installFinished.tapPromise(TAP, safely('installFinished', async ({ installation, call }) => {
    const ok = installation.state !== 'failed';
    await log.record({ action: 'app.install', result: ok ? 'ok' : 'failed', ...actor(call), ...(await appTarget(installation)), detail: ok ? `${installation.image} as ${installation.containerName}` : installation.error });
  }));
  apps.appStarted.tapPromise(TAP, safely('appStarted', async ({ installation, call }) => {
    await log.record({ action: 'app.start', result: 'ok', ...actor(call), ...(await appTarget(installation)) });
  }));
  apps.appStopped.tapPromise(TAP, safely('appStopped', async ({ installation, call }) => {
    await log.record({ action: 'app.stop', result: 'ok', ...actor(call), ...(await appTarget(installation)) });
  }));
  apps.appUninstalled.tapPromise(TAP, safely('appUninstalled', async ({ installation, dataDeleted, call }) => {
    await log.record({ action: 'app.uninstall', result: 'ok', ...actor(call), ...(await appTarget(installation)), detail: dataDeleted ? 'data deleted' : 'data kept' });
  }));

  apps.appUpdated.tapPromise(TAP, safely('appUpdated', async ({ installation, result, from, to, reason, call }) => {
    const ok = result === 'updated';
    const what = `${from} → ${to}`;
    // How it ended first: a long reason may be cut short by the log's detail limit.
    const ending = result === 'rolled_back' ? 'failed and was rolled back' : result === 'rollback_failed' ? 'failed, and so did the rollback' : 'failed before the app changed';
    const detail = ok ? what : `${what} ${ending}: ${reason ?? 'no reason given'}`;
    await log.record({ action: 'app.update', result: ok ? 'ok' : 'failed', ...actor(call), ...(await appTarget(installation)), detail });
  }));
  apps.appRolledBack.tapPromise(TAP, safely('appRolledBack', async ({ installation, automatic, to, snapshot, error, call }) => {
    const restored = snapshot ? `data restored from ${snapshot}` : 'no data to restore';
    const why = automatic ? 'automatic, after the failed update' : 'asked for by hand';
    const detail = error ? `back to ${to} failed (${why}): ${error}` : `back to ${to}, ${restored} (${why})`;
    // An automatic rollback is Tomo's own doing: the system's door, no user.
    const who = automatic ? { door: 'system' as const, clientIp: null } : actor(call);
    await log.record({ action: 'app.rollback', result: error ? 'failed' : 'ok', ...who, ...(await appTarget(installation)), detail });
  }));

  // --- backup -------------------------------------------------------------------------------
  // Whose is it: the instance's (ownerId null), so only admins read these entries.
  const backup = hooks.of(backupHooks);
  const who = (call: CallContext | undefined) => (call ? actor(call) : { door: null });
  backup.exportFinished.tapPromise(TAP, safely('exportFinished', async ({ call, result, includeHistory, counts, bytes, error }) => {
    const rows = counts ? Object.entries(counts).map(([table, n]) => `${n} ${table}`).join(', ') : '';
    const detail = result === 'ok' ? `${rows}${includeHistory ? ', with history' : ''}; ${Math.round((bytes ?? 0) / 1024)} KiB` : error;
    await log.record({ action: 'backup.export', result, ...who(call), targetType: 'instance', detail });
  }));
  backup.importFinished.tapPromise(TAP, safely('importFinished', async ({ call, result, onConflict, added, replaced, skipped, error }) => {
    const detail = result === 'ok' ? `${added} added, ${replaced} replaced, ${skipped} skipped (on conflict: ${onConflict})` : error;
    await log.record({ action: 'backup.import', result, ...who(call), targetType: 'instance', detail });
  }));

  // --- monitoring ---------------------------------------------------------------------------
  // What the poller saw with no one asking: the system's door, the owner may read it.
  const mon = hooks.of(monitoringHooks);
  const polled = (e: PolledServer) => ({ serverId: e.serverId, ownerId: e.ownerId, targetType: 'server', targetId: e.serverId, targetName: e.serverName });
  mon.serverWentOffline.tapPromise(TAP, safely('serverWentOffline', async (e) => {
    await log.record({ action: 'server.offline', result: 'failed', door: 'system', ...polled(e), detail: `${e.consecutiveFailures} polls failed: ${e.error}` });
  }));
  mon.serverCameOnline.tapPromise(TAP, safely('serverCameOnline', async (e) => {
    await log.record({ action: 'server.online', result: 'ok', door: 'system', ...polled(e), detail: 'answers again' });
  }));
  mon.appCrashed.tapPromise(TAP, safely('appCrashed', async (e) => {
    await log.record({ action: 'app.crashed', result: 'failed', door: 'system', serverId: e.serverId, ownerId: e.ownerId, targetType: 'app', targetId: e.installationId, targetName: e.appName, detail: e.detail });
  }));
}
