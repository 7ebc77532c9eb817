/**
 * A kernel with every built-in plugin and the alerts plugin (with the backup-table modules, as a
 * real instance discovers them); an admin and two users, logged in through the API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { freePort } from '../../../../test-support/ports';
import { activityBackupTablesModule, activityPlugin } from '../../../activity/src/plugin';
import { appsPlugin, builtInCatalogModule } from '../../../apps/src/plugin';
import { TEST_CATALOG } from '../../../apps/test/support/apps-kernel';
import { authPlugin } from '../../../auth/src/plugin';
import { backupPlugin } from '../../../backup/src/plugin';
import { BACKUP_TABLE_MODULES } from '../../../backup/test/support/backup-kernel';
import { monitoringBackupTablesModule, monitoringPlugin } from '../../../monitoring/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../../preparation/src/plugin';
import { serversPlugin } from '../../../servers/src/plugin';
import { alertsBackupTablesModule, alertsPlugin } from '../../src/plugin';

export { addTestbedServer, markPrepared, testbed } from '../../../apps/test/support/apps-kernel';

/**
 * A server record whose SSH port is closed: the poller's polls fail at once, so only what a test
 * announces itself happens to it (a reachable server would be polled for real at start).
 */
export async function addUnreachableServer(t: TestKernel, token: string, name: string): Promise<string> {
  const port = await freePort('127.0.0.1');
  const res = await t.request('POST', '/api/servers', { token, body: { name, host: '127.0.0.1', port, username: 'root', authType: 'password', credentials: { password: 'not-used-1234' } } });
  if (res.status !== 201) throw new Error(`add server: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const ALICE = { username: 'alice', password: 'alice-password-1234' };
export const BOB = { username: 'bob', password: 'bob-password-12345' };

export type AlertsKernel = TestKernel & {
  tokens: { admin: string; alice: string; bob: string };
  ids: { admin: string; alice: string; bob: string };
};

export const ALERTS_PLUGINS = [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, monitoringPlugin, activityPlugin, alertsPlugin];
export const ALERTS_MODULES = [builtInPreparersModule, builtInCatalogModule, ...BACKUP_TABLE_MODULES, monitoringBackupTablesModule, activityBackupTablesModule, alertsBackupTablesModule];

/**
 * Starts the kernel (on `dataDir` when given, to restart on the same database; the users are
 * then created only when absent). The poller's interval defaults to an hour: a test that wants
 * polls sets `monitoring.intervalSeconds`.
 */
export async function startAlertsKernel(options: { config?: Record<string, unknown>; dataDir?: string } = {}): Promise<AlertsKernel> {
  const appsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-alerts-apps-'));
  const t = await startTestKernel({
    plugins: ALERTS_PLUGINS,
    modules: ALERTS_MODULES,
    dataDir: options.dataDir,
    config: { catalog: { dirs: [TEST_CATALOG] }, apps: { dataRoot: appsRoot, stopTimeoutSeconds: 1 }, monitoring: { intervalSeconds: 3600 }, ...options.config },
  });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  const ids: Record<string, string> = {};
  for (const [who, role, email] of [[ADMIN, 'admin', 'a@example.com'], [ALICE, 'user', 'alice@example.com'], [BOB, 'user', 'bob@example.com']] as const) {
    const existing = (await users.list()).find((u) => u.username === who.username);
    ids[who.username] = existing?.id ?? (await users.create({ ...who, email, role }, call)).id;
  }
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  const stop = t.stop.bind(t);
  return Object.assign(t, {
    tokens: { admin: await login(ADMIN), alice: await login(ALICE), bob: await login(BOB) },
    ids: { admin: ids.admin, alice: ids.alice, bob: ids.bob },
    async stop(o?: { keepData?: boolean }) {
      await stop(o);
      fs.rmSync(appsRoot, { recursive: true, force: true });
    },
  });
}

/**
 * A notification channel of the admin's, for rules to name (rules refuse an unknown channel id).
 * Nothing is delivered to it in tests that replace the sender with `recordingSender`.
 */
export async function addChannel(t: AlertsKernel, name: string): Promise<string> {
  const res = await t.request('POST', '/api/alerts/channels', { token: t.tokens.admin, body: { name, type: 'webhook', config: { url: 'http://127.0.0.1:9/never-called' } } });
  if (res.status !== 201) throw new Error(`channel ${name} not created: ${JSON.stringify(res.body)}`);
  return res.body.channel.id as string;
}
