/**
 * One server handle per operation, counted on the test bed (real sshd, real Docker engine): an
 * install (its checks, the pull/create/start and the health probes in the background) and a
 * preparation start (OS and privilege detection, with the login password fed to sudo) each check
 * the server's ownership once and decrypt its credentials once, however many SSH commands and
 * Docker requests they make. (Before handles, one install read the server record 7 times.)
 */
import { KernelTokens, type SecretVault } from '@tomo/kernel';
import { AppsTokens } from '@tomo/plugin-apps/api';
import { PreparationTokens } from '@tomo/plugin-preparation/api';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { spyOnHandles, type HandleCall } from '../../servers/test/support/handle-spy';
import { freePort } from '../../../test-support/ports';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, type AppsKernel } from './support/apps-kernel';

jest.setTimeout(90000);

let t: AppsKernel;
const serverIds: string[] = [];

beforeAll(async () => {
  t = await startAppsKernel();
});
afterAll(async () => {
  // Whatever a failed test left behind on the test bed's engine (only this file's servers).
  const docker = localDocker();
  for (const c of await docker.listContainers({ all: true, filters: { label: ['io.tomo.managed=true'] } })) {
    if (serverIds.includes(c.Labels['io.tomo.server'])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  await t?.stop();
});

interface Work {
  /** Ownership checks of the server (the servers service's one place that does them). */
  ownershipChecks: number;
  /** System reads of the server record (none in a user's operation). */
  systemReads: number;
  /** Decryptions of the server's sealed credentials. */
  decrypts: number;
  /** SSH calls made through handles, by kind. */
  ssh: Record<HandleCall['method'], number>;
}

/** Counts, for one server, what `run` costs the servers plugin. */
async function count(serverId: string, run: () => Promise<void>): Promise<Work> {
  const service = t.kernel.resolve(ServersTokens.ServerService);
  const internals = service as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const vault = t.kernel.resolve(KernelTokens.Vault) as SecretVault;
  const work: Work = { ownershipChecks: 0, systemReads: 0, decrypts: 0, ssh: { exec: 0, openStream: 0, upload: 0, download: 0 } };
  const owned = internals.owned;
  internals.owned = function (this: unknown, ...args: unknown[]) {
    if (args[1] === serverId) work.ownershipChecks += 1;
    return owned.apply(service, args);
  };
  const forSystem = service.forSystem;
  service.forSystem = (id) => {
    if (id === serverId) work.systemReads += 1;
    return forSystem.call(service, id);
  };
  const openText = vault.openText;
  vault.openText = (sealed, aad) => {
    if (aad === serverId) work.decrypts += 1;
    return openText.call(vault, sealed, aad);
  };
  const restoreHandles = spyOnHandles(service, (call, proceed) => {
    if (call.serverId === serverId) work.ssh[call.method] += 1;
    return proceed();
  });
  try {
    await run();
  } finally {
    restoreHandles();
    internals.owned = owned;
    service.forSystem = forSystem;
    vault.openText = openText;
  }
  return work;
}

test('an install: one ownership check and one credential decrypt for its checks and its whole background work', async () => {
  const serverId = await addTestbedServer(t, t.tokens.alice);
  serverIds.push(serverId);
  await markPrepared(t, serverId);
  const port = await freePort();
  let installationId = '';
  const work = await count(serverId, async () => {
    const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port }, settings: { GREETING: 'counted' } } });
    expect(res.status).toBe(202);
    installationId = res.body.installation.id;
    await t.kernel.resolve(AppsTokens.AppsService).waitFor(installationId);
  });
  const installed = await t.request('GET', `/api/apps/installations/${installationId}`, { token: t.tokens.alice });
  expect(installed.body.installation).toMatchObject({ state: 'running', error: null });
  // Many SSH uses (the ports read from /proc, the login's home, the project folder, Compose's
  // create and up, the file's upload, Docker's list/inspect, the health probe)...
  expect(work.ssh.exec).toBe(6);
  expect(work.ssh.upload).toBe(1);
  expect(work.ssh.openStream).toBeGreaterThanOrEqual(5);
  // ... on one handle.
  expect({ ownershipChecks: work.ownershipChecks, systemReads: work.systemReads, decrypts: work.decrypts }).toEqual({ ownershipChecks: 1, systemReads: 0, decrypts: 1 });

  expect((await t.request('DELETE', `/api/apps/installations/${installationId}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
});

test('a preparation start: one ownership check and one credential decrypt for its detection and sudo attempts', async () => {
  const serverId = await addTestbedServer(t, t.tokens.alice);
  const work = await count(serverId, async () => {
    const res = await t.request('POST', `/api/servers/${serverId}/preparation`, { token: t.tokens.alice, body: {} });
    expect(res.status).toBe(202);
    await t.kernel.resolve(PreparationTokens.PreparationService).waitFor(serverId);
  });
  // The test bed's login has no sudo: the run stops at detection, after trying sudo with the
  // login password (read from the same handle), having changed nothing.
  const status = await t.request('GET', `/api/servers/${serverId}/preparation`, { token: t.tokens.alice });
  expect(status.body).toMatchObject({ status: 'failed', failedStep: 'detect-os', error: expect.stringMatching(/cannot become root.*Nothing was changed/) });
  expect(work.ssh.exec).toBeGreaterThanOrEqual(3); // os-release, sudo -n, sudo -S
  expect({ ownershipChecks: work.ownershipChecks, systemReads: work.systemReads, decrypts: work.decrypts }).toEqual({ ownershipChecks: 1, systemReads: 0, decrypts: 1 });
});
