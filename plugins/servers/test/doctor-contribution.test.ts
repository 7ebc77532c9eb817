/**
 * The servers plugin's `tomo doctor` checks in this process (the spawned `tomo doctor` in
 * doctor.e2e.test.ts proves the same through the CLI): no servers, a server whose host key was
 * never trusted (not connected to: trusting a key is a decision, not a check), and the test
 * bed's sshd once its key is trusted. The checks change no server's recorded status.
 */
import type { BootedKernel } from '@tomo/kernel';
import { serversDoctor } from '../src/doctor';
import { passwordServer, startServersKernel, type ServersKernel } from './support/servers-kernel';

let t: ServersKernel;
let booted: BootedKernel;

beforeAll(async () => {
  t = await startServersKernel();
  booted = { resolve: (token) => t.kernel.resolve(token), logger: t.kernel.logger, stop: () => t.kernel.stop() };
});
afterAll(() => t?.stop());

test('no servers: one ok line', async () => {
  expect(await serversDoctor(booted)).toEqual([{ check: 'servers', ok: true, detail: 'none added yet' }]);
});

test('a server with no trusted host key is a problem without a connection; trusted, it is reached and ok', async () => {
  const added = await t.request('POST', '/api/servers', { token: t.tokens.admin, body: passwordServer('fresh') });
  expect(added.status).toBe(201);
  const [untrusted] = await serversDoctor(booted);
  expect(untrusted).toEqual({ check: 'server fresh', ok: false, detail: expect.stringMatching(/: no trusted host key yet \(test the connection in the console to trust one\)$/) });

  const tested = await t.request('POST', `/api/servers/${added.body.id}/test`, { token: t.tokens.admin });
  expect(tested.body).toMatchObject({ ok: true });
  const before = (await t.request('GET', `/api/servers/${added.body.id}`, { token: t.tokens.admin })).body;
  const [trusted] = await serversDoctor(booted);
  expect(trusted).toEqual({ check: 'server fresh', ok: true, detail: expect.stringContaining(`reachable, host key ${tested.body.hostKey.algorithm} ${tested.body.hostKey.fingerprint} matches`) });
  const after = (await t.request('GET', `/api/servers/${added.body.id}`, { token: t.tokens.admin })).body;
  expect(after).toEqual(before);
});
