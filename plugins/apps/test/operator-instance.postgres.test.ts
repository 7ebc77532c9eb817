/**
 * Several instances on one PostgreSQL database (issue 24): an app operation left "in progress" is
 * marked failed only when the instance that ran it is gone, never while it still runs elsewhere.
 * PostgreSQL pass only (scripts/postgres/test-files.js); it fails without TOMO_TEST_DATABASE_URL.
 */
import { KernelTokens, runSql, type Cluster } from '@tomo/kernel';
import { AppsTokens } from '@tomo/plugin-apps/api';
import type { AppsService } from '../src/services/apps-service';
import { startAppsKernel, type AppsKernel } from './support/apps-kernel';
import { useTestbedPostgres } from '../../../test-support/testbed-postgres';

useTestbedPostgres();

let first: AppsKernel;
let second: AppsKernel | undefined;

const clusterOf = (t: AppsKernel) => t.kernel.container.resolve(KernelTokens.Cluster) as Cluster;

async function insertInstalling(t: AppsKernel, id: string, operator: string | null): Promise<void> {
  const now = new Date().toISOString();
  await runSql(
    t.kernel.dataSource,
    `INSERT INTO "app_installations" ("id", "serverId", "ownerId", "appId", "appName", "image", "containerName", "state", "portsJson", "settingsJson", "secretNamesJson", "capabilitiesJson", "definitionJson", "dataDir", "progressJson", "operatorInstance", "createdAt", "updatedAt")
     VALUES (?, 's-1', 'u-1', 'web-hello', 'Web Hello', 'tomo-test/httpd:1', ?, 'installing', '[]', '{}', '[]', '[]', '{}', '/srv/x', '[]', ?, ?, ?)`,
    [id, `tomo-web-hello-${id}`, operator, now, now],
  );
}

async function stateOf(t: AppsKernel, id: string): Promise<string> {
  const [row] = await runSql<{ state: string }>(t.kernel.dataSource, 'SELECT "state" FROM "app_installations" WHERE "id" = ?', [id]);
  return row.state;
}

beforeAll(() => {
  useTestbedPostgres();
});

afterAll(async () => {
  await second?.stop({ keepData: true }).catch(() => undefined);
  await first?.stop();
});

test("an operation of a live instance is left alone; one of an instance that is gone, of this one before its restart, or of no recorded instance is marked failed", async () => {
  first = await startAppsKernel();
  second = await startAppsKernel({ dataDir: first.dataDir });
  const [one, two] = [clusterOf(first), clusterOf(second)];
  expect(one.instance).not.toBe(two.instance);
  expect(await one.liveInstances()).toEqual(expect.arrayContaining([one.instance, two.instance]));

  await insertInstalling(first, 'gone', 'a-host-that-died:4242');
  await insertInstalling(first, 'elsewhere', two.instance);
  await insertInstalling(first, 'mine-before', one.instance);
  await insertInstalling(first, 'legacy', null);
  const apps = first.kernel.resolve(AppsTokens.AppsService) as unknown as AppsService;
  expect(await apps.markInterrupted()).toBe(3);
  expect(await stateOf(first, 'gone')).toBe('failed');
  expect(await stateOf(first, 'mine-before')).toBe('failed');
  expect(await stateOf(first, 'legacy')).toBe('failed');
  expect(await stateOf(first, 'elsewhere')).toBe('installing');

  // The other instance stops (or dies): its operation is now nobody's, and is cut off.
  await second.stop({ keepData: true });
  second = undefined;
  const deadline = Date.now() + 5000;
  while ((await one.liveInstances()).includes(two.instance)) {
    if (Date.now() > deadline) throw new Error('the stopped instance is still listed as live');
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await apps.markInterrupted()).toBe(1);
  expect(await stateOf(first, 'elsewhere')).toBe('failed');
});
