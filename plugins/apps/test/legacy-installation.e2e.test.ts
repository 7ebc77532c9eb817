/**
 * Issue 17, acceptance 6: an installation made by the release before Compose (one container
 * created through the Engine API, its row in the schema before the `deployment` column) keeps
 * working after the upgrade. It is made by the Engine-API code path (unchanged from that release)
 * on a server whose preparation recorded no Compose, the schema is taken back to that release's
 * (the deployment migration undone: the row as that release stored it), then Tomo restarts on the
 * same database (the migration runs again) and the new code starts, stops and uninstalls it.
 */
import fs from 'node:fs';
import { AppsDeployment1765260000000 } from '../src/migrations/1765260000000-apps-deployment';
import { addTestbedServer, fetchPage, localDocker, markPrepared, startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

let t: AppsKernel | undefined;

afterAll(async () => {
  await t?.stop();
});

const columnsOf = (k: AppsKernel) => k.kernel.dataSource.query(`SELECT name FROM pragma_table_info('app_installations')`) as Promise<Array<{ name: string }>>;

test('an Engine-API installation from before the upgrade is started, stopped and uninstalled by the new code', async () => {
  const before = await startAppsKernel();
  const serverId = await addTestbedServer(before, before.tokens.alice);
  await markPrepared(before, serverId, { compose: null }); // what that release recorded: nothing about Compose
  const port = await freePort();
  const res = await before.request('POST', `/api/servers/${serverId}/apps`, { token: before.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(before, before.tokens.alice, res.body.installation.id);
  expect(installed).toMatchObject({ state: 'running', deployment: 'engine', projectName: null });
  // Exactly what that release made: a container by its own name, no Compose project.
  const info = await localDocker().getContainer(installed.containerName).inspect();
  expect(info.Config.Labels['io.tomo.installation']).toBe(installed.id);
  expect(info.Config.Labels['com.docker.compose.project']).toBeUndefined();

  // The schema as that release left it.
  const runner = before.kernel.dataSource.createQueryRunner();
  await new AppsDeployment1765260000000().down(runner);
  await runner.release();
  await before.kernel.dataSource.query(`DELETE FROM migrations WHERE name = 'AppsDeployment1765260000000'`);
  expect((await columnsOf(before)).map((c) => c.name)).not.toContain('deployment');
  await before.stop({ keepData: true });

  // The upgrade: the same database, the new code; the server now has Compose v2.
  t = await startAppsKernel({ dataDir: before.dataDir });
  expect((await columnsOf(t)).map((c) => c.name)).toEqual(expect.arrayContaining(['deployment', 'projectName', 'servicesJson', 'composeFile']));
  await markPrepared(t, serverId, { compose: { available: true, version: '2.26.1', command: ['docker', 'compose'] } });
  const token = t.tokens.alice;
  const upgraded = (await t.request('GET', `/api/apps/installations/${installed.id}`, { token })).body.installation;
  expect(upgraded).toMatchObject({ state: 'running', deployment: 'engine', projectName: null, services: [{ name: 'web-hello', state: 'running' }] });

  const stopped = await t.request('POST', `/api/apps/installations/${installed.id}/stop`, { token });
  expect(stopped.body.installation.state).toBe('stopped');
  expect((await localDocker().getContainer(installed.containerName).inspect()).State.Running).toBe(false);
  expect(await fetchPage(port)).toBeNull();
  const started = await t.request('POST', `/api/apps/installations/${installed.id}/start`, { token });
  expect(started.body.installation.state).toBe('running');
  for (let i = 0; i < 50 && !(await fetchPage(port)); i++) await new Promise((r) => setTimeout(r, 200));
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');

  // A new install on the same server is a Compose project, and both are listed with their own state.
  const fresh = await t.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  const compose = await waitInstalled(t, token, fresh.body.installation.id);
  expect(compose).toMatchObject({ state: 'running', deployment: 'compose' });
  const listed = (await t.request('GET', `/api/servers/${serverId}/apps`, { token })).body.installations;
  expect(listed.map((i: { id: string; deployment: string; state: string }) => [i.id, i.deployment, i.state])).toEqual([
    [installed.id, 'engine', 'running'],
    [compose.id, 'compose', 'running'],
  ]);
  expect((await t.request('DELETE', `/api/apps/installations/${compose.id}?deleteData=true`, { token })).status).toBe(200);

  const removed = await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token });
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
  await expect(localDocker().getContainer(installed.containerName).inspect()).rejects.toMatchObject({ statusCode: 404 });
  expect(fs.existsSync(installed.dataDir)).toBe(false);
}, 120000);
