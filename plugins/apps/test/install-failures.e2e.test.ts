/**
 * Installs that fail, on the test bed: the image cannot be downloaded, the container stops right
 * after starting, the app never passes its health check. Each ends `failed` with the reason in
 * plain words, at the step that failed, with no container left behind (data folders are kept).
 */
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';
import { AppsTokens } from '../src/api';
import type { AppsService } from '../src/services/apps-service';

let t: AppsKernel;
let serverId: string;

beforeAll(async () => {
  t = await startAppsKernel();
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
});
afterAll(() => t?.stop());

async function installAndFail(appId: string) {
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId, ports: { '80/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  const done = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(done.state).toBe('failed');
  const left = await localDocker().listContainers({ all: true, filters: { label: [`io.tomo.installation=${done.id}`] } });
  expect(left).toEqual([]);
  return done;
}

const stepState = (installation: { progress: Array<{ id: string; state: string; detail: string | null }> }, id: string) => installation.progress.find((s) => s.id === id)!;

test('an image that cannot be downloaded fails at the pull, naming the image', async () => {
  const failed = await installAndFail('unpullable');
  expect(failed.error).toMatch(/^The image 127\.0\.0\.1:9\/tomo-test\/nowhere:1 could not be downloaded: /);
  expect(stepState(failed, 'pull')).toMatchObject({ state: 'failed' });
  expect(stepState(failed, 'create').state).toBe('pending');
});

test('a container that stops right after starting fails the install with its exit code', async () => {
  const failed = await installAndFail('exits-at-once');
  expect(failed.error).toMatch(/stopped right after starting \(exit code 0/);
  expect(stepState(failed, 'health').state).toBe('failed');
});

test('an app that never passes its health check fails after the timeout, saying what it saw', async () => {
  const failed = await installAndFail('never-healthy');
  expect(failed.error).toMatch(/did not answer within 3 s \(last try: HTTP 404 from port \d+\/no-such-page\)/);
  expect(stepState(failed, 'health')).toMatchObject({ state: 'failed' });
  expect(stepState(failed, 'start').state).toBe('done');
});

test('a failed install holds no port, can be uninstalled, and start/stop refuse it', async () => {
  const failed = await installAndFail('exits-at-once');
  expect((await t.request('POST', `/api/apps/installations/${failed.id}/start`, { token: t.tokens.alice })).status).toBe(409);
  // Its port is free for the next install.
  const port = failed.ports[0].host;
  const preflight = await t.request('POST', `/api/servers/${serverId}/apps/preflight`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port } } });
  expect(preflight.body).toEqual({ ok: true, errors: [], warnings: [] });
  const removed = await t.request('DELETE', `/api/apps/installations/${failed.id}?deleteData=true`, { token: t.tokens.alice });
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
});

test('a restart marks installs that were cut off as failed', async () => {
  const service = t.kernel.dataSource.getRepository('app_installations');
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'never-healthy', ports: { '80/tcp': await freePort() } } });
  await service.update({ id: res.body.installation.id }, { state: 'installing' });
  await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  await service.update({ id: res.body.installation.id }, { state: 'installing' });
  // What `ready` runs at start-up. Not part of the apps contract: the token's value is the service itself.
  const apps = t.kernel.resolve(AppsTokens.AppsService) as AppsService;
  expect(await apps.markInterrupted()).toBe(1);
  const after = (await t.request('GET', `/api/apps/installations/${res.body.installation.id}`, { token: t.tokens.alice })).body.installation;
  expect(after).toMatchObject({ state: 'failed', error: expect.stringMatching(/interrupted by a restart/) });
});

test('a server cannot be deleted while an app is being installed on it; afterwards it can, and its records go', async () => {
  const other = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, other);
  const res = await t.request('POST', `/api/servers/${other}/apps`, { token: t.tokens.alice, body: { appId: 'never-healthy', ports: { '80/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  const refused = await t.request('DELETE', `/api/servers/${other}`, { token: t.tokens.alice });
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toMatch(/being installed/);
  const done = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(done.error).toMatch(/did not answer within 3 s/);
  expect((await t.request('DELETE', `/api/servers/${other}`, { token: t.tokens.alice })).status).toBe(204);
  expect((await t.request('GET', `/api/apps/installations/${res.body.installation.id}`, { token: t.tokens.alice })).status).toBe(404);
});
