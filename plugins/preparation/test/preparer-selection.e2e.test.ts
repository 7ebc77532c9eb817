import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { definePluginModule } from '@tomo/kernel';
import { AuthTokens } from '@tomo/plugin-auth/api';
import { authPlugin } from '../../auth/src/plugin';
import { serversPlugin } from '../../servers/src/plugin';
import { preparationOsPreparersExtensionPoint, type OsPreparer } from '../src/api';
import { builtInPreparersModule, preparationPlugin } from '../src/plugin';
import { addFreshServer, startFreshServer, waitForPreparation, type FreshServer, type PreparationKernel } from './support/preparation-kernel';

// Which preparer runs is decided by the server's /etc/os-release, through the extension point
// only: a throwaway module adds a preparer for an OS the built-ins do not know, and it is
// picked without any change to the preparation plugin. Unsupported OSes and missing root
// access fail before any change.
jest.setTimeout(180000);

const applied: string[] = [];
const testPreparer: OsPreparer = {
  id: 'tomo-test-os',
  supported: ['Tomo Test OS 1'],
  supports: (os) => os.id === 'tomotestos' && os.versionId === '1',
  plan: () => [
    {
      id: 'say-hello',
      title: 'Say hello',
      check: async () => false,
      apply: async (ctx) => {
        const res = await ctx.runAsRoot(['id', '-u']);
        applied.push(res.stdout.trim());
        ctx.log('hello from the test preparer');
      },
    },
  ],
};
const testModule = definePluginModule({
  id: 'tomo-test-os-preparer',
  targetPlugin: 'preparation',
  register(ctx) {
    ctx.getExtensionPoint(preparationOsPreparersExtensionPoint).addPreparer(testPreparer);
  },
});

let t: PreparationKernel;
const servers: FreshServer[] = [];

beforeAll(async () => {
  const kernel: TestKernel = await startTestKernel({ plugins: [authPlugin, serversPlugin, preparationPlugin], modules: [builtInPreparersModule, testModule] });
  await kernel.kernel.resolve(AuthTokens.UserService).create(
    { username: 'admin', email: 'a@example.com', password: 'admin-password-1234', role: 'admin' },
    { transport: 'cli', clientIp: 'local', requestId: 'test', log: kernel.kernel.logger },
  );
  const token = (await kernel.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'admin-password-1234' } })).body.token;
  t = Object.assign(kernel, { token });
});

afterAll(async () => {
  await t?.stop();
  await Promise.all(servers.map((s) => s.remove()));
});

async function freshWithOsRelease(sudo: 'nopasswd' | 'none', osRelease?: string): Promise<FreshServer> {
  const fresh = await startFreshServer({ sudo });
  servers.push(fresh);
  if (osRelease) {
    const res = await fresh.exec(['sh', '-c', `printf '%s\\n' "$0" > /etc/os-release`, osRelease]);
    if (res.code !== 0) throw new Error(res.stderr);
  }
  return fresh;
}

test('a preparer added by a throwaway module is chosen for a server reporting its OS', async () => {
  const fresh = await freshWithOsRelease('nopasswd', 'ID=tomotestos\nVERSION_ID="1"\nPRETTY_NAME="Tomo Test OS 1"');
  const id = await addFreshServer(t, fresh, 'custom-os');
  await t.request('POST', `/api/servers/${id}/preparation`, { token: t.token, body: {} });
  const done = await waitForPreparation(t, id, 60000);
  expect(done.status).toBe('completed');
  expect(done.preparer).toBe('tomo-test-os');
  expect(done.steps.map((s: { id: string }) => s.id)).toEqual(['detect-os', 'say-hello']);
  expect(applied).toEqual(['0']);

  // Preparing again starts from detection: the previous run's OS and preparer are not shown as this run's.
  const again = await t.request('POST', `/api/servers/${id}/preparation`, { token: t.token, body: {} });
  expect(again.status).toBe(202);
  expect(again.body).toMatchObject({ status: 'in_progress', os: null, preparer: null, steps: [{ id: 'detect-os', state: 'pending' }] });
  expect(await waitForPreparation(t, id, 60000)).toMatchObject({ status: 'completed', preparer: 'tomo-test-os', os: expect.objectContaining({ id: 'tomotestos' }) });
  expect(applied).toEqual(['0', '0']);
});

test('an unsupported OS fails at detection with the supported list, before any change', async () => {
  const fresh = await freshWithOsRelease('nopasswd', 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"');
  const id = await addFreshServer(t, fresh, 'alpine');
  const listsBefore = (await fresh.exec(['sh', '-c', 'ls -la /var/lib/apt/lists'])).stdout;
  await t.request('POST', `/api/servers/${id}/preparation`, { token: t.token, body: {} });
  const done = await waitForPreparation(t, id, 60000);
  expect(done.status).toBe('failed');
  expect(done.failedStep).toBe('detect-os');
  expect(done.error).toMatch(/^unsupported OS alpine 3\.19\.1; supported: .*Debian 12.*Tomo Test OS 1/);
  // "Before any change": the package index was not updated (the first step a preparer runs).
  expect((await fresh.exec(['sh', '-c', 'ls -la /var/lib/apt/lists'])).stdout).toBe(listsBefore);
});

test('no root access (no sudo) fails with a clear error and changes nothing', async () => {
  const fresh = await freshWithOsRelease('none');
  const id = await addFreshServer(t, fresh, 'no-sudo');
  const listsBefore = (await fresh.exec(['sh', '-c', 'ls -la /var/lib/apt/lists'])).stdout;
  await t.request('POST', `/api/servers/${id}/preparation`, { token: t.token, body: {} });
  const done = await waitForPreparation(t, id, 60000);
  expect(done.status).toBe('failed');
  expect(done.error).toMatch(/cannot become root.*Nothing was changed/);
  expect((await fresh.exec(['sh', '-c', 'ls -la /var/lib/apt/lists'])).stdout).toBe(listsBefore);
});

test('another user cannot see or start preparations of a server that is not theirs (404)', async () => {
  const users = t.kernel.resolve(AuthTokens.UserService);
  await users.create({ username: 'mallory', email: 'm@example.com', password: 'mallory-password-1', role: 'user' }, { transport: 'cli', clientIp: 'local', requestId: 'test', log: t.kernel.logger });
  const token = (await t.request('POST', '/api/auth/login', { body: { username: 'mallory', password: 'mallory-password-1' } })).body.token;
  const [first] = (await t.request('GET', '/api/servers', { token: t.token })).body.servers;
  for (const [method, suffix] of [['GET', ''], ['POST', ''], ['POST', '/retry'], ['GET', '/log'], ['GET', '/events']] as const) {
    const res = await t.request(method, `/api/servers/${first.id}/preparation${suffix}`, { token, ...(method === 'POST' ? { body: {} } : {}) });
    expect(res.status).toBe(404);
  }
});
