/**
 * An update cut off by a restart of Tomo (the process ended mid-way: its steps were saved with
 * one running) is marked failed when Tomo starts again, at the step it was at, and the
 * installation's `updates.last` says so; it is no longer shown as updating.
 */
import { InstallationEntity } from '../src/entities/installation.entity';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

let t: AppsKernel | undefined;

afterAll(async () => {
  await t?.stop();
});

test('an update interrupted by a restart is marked failed at its step on the next start', async () => {
  const before = await startAppsKernel();
  const serverId = await addTestbedServer(before, before.tokens.alice);
  await markPrepared(before, serverId, { compose: null });
  const res = await before.request('POST', `/api/servers/${serverId}/apps`, { token: before.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  const installed = await waitInstalled(before, before.tokens.alice, res.body.installation.id);
  // What the database holds when Tomo stops in the middle of an update's pull.
  const steps = [
    { id: 'check', title: 'Check the update', state: 'done', detail: null },
    { id: 'snapshot', title: 'Snapshot the data', state: 'done', detail: null },
    { id: 'pull', title: 'Get the new image', state: 'running', detail: 'Downloading 1.0 MB / 9.0 MB' },
    { id: 'recreate', title: 'Recreate the container', state: 'pending', detail: null },
  ];
  await before.kernel.dataSource.getRepository(InstallationEntity).update({ id: installed.id }, { progressJson: JSON.stringify(steps) });
  await before.stop({ keepData: true });

  t = await startAppsKernel({ dataDir: before.dataDir });
  const view = (await t.request('GET', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice })).body.installation;
  expect(view.progress.map((s: { id: string; state: string }) => `${s.id}:${s.state}`)).toEqual(['check:done', 'snapshot:done', 'pull:failed', 'recreate:pending']);
  expect(view.updates).toMatchObject({ operation: null, last: { result: 'failed', message: expect.stringMatching(/^The update was interrupted by a restart of Tomo at "Get the new image"/) } });
  await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token: t.tokens.alice });
  await expect(localDocker().getContainer(installed.containerName).inspect()).rejects.toMatchObject({ statusCode: 404 });
}, 120000);
