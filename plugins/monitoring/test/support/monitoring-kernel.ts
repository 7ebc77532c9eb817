import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authPlugin } from '../../../auth/src/plugin';
import { builtInPreparersModule, preparationPlugin } from '../../../preparation/src/plugin';
import { serversPlugin } from '../../../servers/src/plugin';
import { appsPlugin, builtInCatalogModule } from '../../../apps/src/plugin';
import { TEST_CATALOG } from '../../../apps/test/support/apps-kernel';
import { backupPlugin } from '../../../backup/src/plugin';
import { activityPlugin } from '../../../activity/src/plugin';
import { monitoringPlugin } from '../../src/plugin';

export { addTestbedServer, markPrepared, testbed, localDocker } from '../../../apps/test/support/apps-kernel';

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const ALICE = { username: 'alice', password: 'alice-password-1234' };
export const BOB = { username: 'bob', password: 'bob-password-12345' };

export type MonitoringKernel = TestKernel & {
  tokens: { admin: string; alice: string; bob: string };
  ids: { admin: string; alice: string; bob: string };
  dataRoot: string;
};

/**
 * A kernel with every built-in plugin (auth, servers, preparation, apps, backup, monitoring and
 * the activity log, which records what monitoring announces); an admin and two users, logged in
 * through the API.
 */
export async function startMonitoringKernel(options: { config?: Record<string, unknown> } = {}): Promise<MonitoringKernel> {
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-monitoring-apps-'));
  const t = await startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin, backupPlugin, monitoringPlugin, activityPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule],
    config: { catalog: { dirs: [TEST_CATALOG] }, apps: { dataRoot, stopTimeoutSeconds: 1 }, ...options.config },
  });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  const ids: Record<string, string> = {};
  for (const [who, role, email] of [[ADMIN, 'admin', 'a@example.com'], [ALICE, 'user', 'alice@example.com'], [BOB, 'user', 'bob@example.com']] as const) {
    ids[who.username] = (await users.create({ ...who, email, role }, call)).id;
  }
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  const stop = t.stop.bind(t);
  return Object.assign(t, {
    tokens: { admin: await login(ADMIN), alice: await login(ALICE), bob: await login(BOB) },
    ids: { admin: ids.admin, alice: ids.alice, bob: ids.bob },
    dataRoot,
    async stop(o?: { keepData?: boolean }) {
      await stop(o);
      fs.rmSync(dataRoot, { recursive: true, force: true });
    },
  });
}
