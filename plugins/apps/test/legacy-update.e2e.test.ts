/**
 * Issue 17, acceptance 6 for updates: an installation made by the release before Compose and
 * updates (one container through the Engine API, its row without the deployment and update
 * columns) is updated by the new code after the upgrade, on a server that now has Compose v2. It
 * stays an Engine API installation (no adoption into a Compose project: its container is
 * recreated from the same settings), its data is kept, the digest it ran before the update is
 * taken from the server so the rollback can pin it, and it is uninstalled with its snapshots.
 */
import fs from 'node:fs';
import { AppsDeployment1765260000000 } from '../src/migrations/1765260000000-apps-deployment';
import { AppsUpdates1765300000000 } from '../src/migrations/1765300000000-apps-updates';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, TEST_CATALOG, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { getText, registry, UpdateCatalog } from './support/update-catalog';
import { freePort } from '../../../test-support/ports';

let t: AppsKernel | undefined;
let catalog: UpdateCatalog;

afterAll(async () => {
  await t?.stop();
  catalog?.remove();
});

const columnsOf = (k: AppsKernel) => k.kernel.dataSource.query(`SELECT name FROM pragma_table_info('app_installations')`) as Promise<Array<{ name: string }>>;

test('an Engine-API installation from before the upgrade is updated v1 → v2 by the new code, its data kept', async () => {
  const port = await freePort();
  catalog = new UpdateCatalog(`upd-legacy-${Date.now().toString(36)}`, port);
  catalog.release('1', '1');
  const config = { catalog: { dirs: [TEST_CATALOG, catalog.dir] } };
  const before = await startAppsKernel({ config });
  const serverId = await addTestbedServer(before, before.tokens.alice);
  await markPrepared(before, serverId, { compose: null }); // what that release recorded: nothing about Compose
  const res = await before.request('POST', `/api/servers/${serverId}/apps`, { token: before.tokens.alice, body: { appId: catalog.appId, ports: { '8080/tcp': port } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(before, before.tokens.alice, res.body.installation.id, 90000);
  expect(installed).toMatchObject({ state: 'running', deployment: 'engine' });
  await getText(port, '/');
  expect(await getText(port, '/visits')).toBe('1\n');

  // The schema as that release left it: no update columns, no deployment column.
  const runner = before.kernel.dataSource.createQueryRunner();
  await new AppsUpdates1765300000000().down(runner);
  await new AppsDeployment1765260000000().down(runner);
  await runner.release();
  await before.kernel.dataSource.query(`DELETE FROM migrations WHERE name IN ('AppsUpdates1765300000000', 'AppsDeployment1765260000000')`);
  expect((await columnsOf(before)).map((c) => c.name)).not.toContain('imageDigestsJson');
  await before.stop({ keepData: true });

  // The upgrade: the same database, the new code, Compose v2 on the server now, and v2 in the catalog.
  catalog.release('2', '2');
  t = await startAppsKernel({ dataDir: before.dataDir, config });
  await markPrepared(t, serverId);
  const token = t.tokens.alice;
  const upgraded = (await t.request('GET', `/api/apps/installations/${installed.id}`, { token })).body.installation;
  expect(upgraded).toMatchObject({ state: 'running', deployment: 'engine', updates: { installedVersion: '1', images: [], snapshots: [] } });

  expect((await t.request('POST', `/api/apps/installations/${installed.id}/update`, { token })).status).toBe(202);
  let done = upgraded;
  for (const deadline = Date.now() + 90000; ; ) {
    done = (await t.request('GET', `/api/apps/installations/${installed.id}`, { token })).body.installation;
    if (done.updates.operation === null) break;
    if (Date.now() > deadline) throw new Error(`still updating: ${JSON.stringify(done.progress)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(done.updates.last).toMatchObject({ result: 'updated' });
  expect(done).toMatchObject({ state: 'running', deployment: 'engine', image: registry.imageRef('webapp', '2') });
  // The digest v1 ran was read from the server before the update: the snapshot can pin it.
  expect(done.updates.snapshots).toEqual([expect.objectContaining({ appVersion: '1', images: [{ service: catalog.appId, image: registry.imageRef('webapp', '1'), digest: await registry.registryDigest('webapp', '1') }] })]);
  expect(await getText(port, '/version')).toBe('webapp v2\n');
  expect(await getText(port, '/visits')).toBe('1\n');
  const info = await localDocker().getContainer(installed.containerName).inspect();
  expect(info.Config.Labels['com.docker.compose.project']).toBeUndefined();

  const removed = await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token });
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
  expect(fs.existsSync(installed.dataDir)).toBe(false);
  expect(fs.existsSync(done.updates.snapshots[0].file)).toBe(false);
}, 180000);
