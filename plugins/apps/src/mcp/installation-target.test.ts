/**
 * The two ways to name an installation, against an in-memory stand-in for the apps service (the
 * MCP e2e tests run the same code against a real Tomo, SQLite and Docker).
 */
import { AppError, notFound, type Principal } from '@tomo/kernel';
import type { RecordedInstallation } from '../views';
import { resolveInstallationTarget } from './installation-target';

const SERVER = '11111111-1111-4111-8111-111111111111';
const OTHER_SERVER = '22222222-2222-4222-8222-222222222222';
const rec = (id: string, appId: string, serverId = SERVER): RecordedInstallation => ({
  id,
  serverId,
  ownerId: 'u1',
  appId,
  appName: appId,
  containerName: `tomo-${appId}`,
  containerId: null,
  state: 'running',
  busy: false,
});
const A = rec('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'web-hello');
const B1 = rec('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbb1', 'twice');
const B2 = rec('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbb2', 'twice');
const all = [A, B1, B2];
const apps = {
  recordedOwned: async (_p: Principal, id: string) => {
    const found = all.find((r) => r.id === id);
    if (!found) throw notFound('Installation');
    return found;
  },
  recordedOwnedOf: async (_p: Principal, serverId: string, appId: string) => all.filter((r) => r.serverId === serverId && r.appId === appId),
};
const principal = { id: 'u1', username: 'alice', role: 'user' } as unknown as Principal;
const resolve = (args: Record<string, string>) => resolveInstallationTarget(apps, principal, args);
const failure = async (args: Record<string, string>) => {
  const err = await resolve(args).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

test('installation_id alone, server_id + app_id naming one, and both forms agreeing all give the installation', async () => {
  expect(await resolve({ installation_id: A.id })).toBe(A);
  expect(await resolve({ server_id: SERVER, app_id: 'web-hello' })).toBe(A);
  expect(await resolve({ installation_id: A.id, server_id: SERVER, app_id: 'web-hello' })).toBe(A);
});

test('server_id + app_id naming several installations is a conflict listing every id', async () => {
  const err = await failure({ server_id: SERVER, app_id: 'twice' });
  expect(err).toMatchObject({ status: 409, code: 'ambiguous_installation', field: 'installation_id' });
  expect(err.message).toContain(B1.id);
  expect(err.message).toContain(B2.id);
});

test('none, a half form, or forms that disagree are errors naming the field', async () => {
  expect(await failure({ server_id: SERVER, app_id: 'nothing' })).toMatchObject({ status: 404, message: `Installation of "nothing" on server ${SERVER} not found` });
  expect(await failure({ server_id: SERVER })).toMatchObject({ status: 400, field: 'app_id' });
  expect(await failure({ app_id: 'web-hello' })).toMatchObject({ status: 400, field: 'server_id' });
  expect(await failure({})).toMatchObject({ status: 400, field: 'installation_id', message: 'give installation_id, or both server_id and app_id' });
  const server = await failure({ installation_id: A.id, server_id: OTHER_SERVER });
  expect(server).toMatchObject({ status: 400, field: 'server_id' });
  expect(server.message).toMatch(/installation_id .* server_id/);
  expect(await failure({ installation_id: A.id, app_id: 'twice' })).toMatchObject({ status: 400, field: 'app_id' });
});
