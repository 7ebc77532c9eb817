/**
 * Issue 17's updates on the test bed (real sshd, real Docker, the test bed's real registry): an app
 * released as v1, v2 and a v3 whose health check fails. Update v1 → v2 keeps the data and the new
 * version answers; v2 → v3 is rolled back by itself to v2's digest with the snapshot restored; a
 * rollback by hand goes back to the last snapshot's data; a new digest pushed under the installed
 * tag is reported as an update; the MCP tools do the same through the SDK client.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { appsHooks } from '../src/hooks';
import { addTestbedServer as addServer, localDocker, markPrepared, startAppsKernel, TEST_CATALOG, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { getText, registry, UpdateCatalog } from './support/update-catalog';
import { freePort } from '../../../test-support/ports';

jest.setTimeout(180000);

let t: AppsKernel;
let serverId: string;
let catalog: UpdateCatalog;

beforeAll(async () => {
  catalog = new UpdateCatalog('unused', 0);
  t = await startAppsKernel({ config: { catalog: { dirs: [TEST_CATALOG, catalog.dir] } } });
  serverId = await addTestbedServer(t, t.tokens.alice);
  // These tests were written for a one-container installation made through the Engine API: a
  // preparation that recorded no Compose keeps them on that path now that the test bed has Compose.
  await markPrepared(t, serverId, { compose: null });
}, 60000);

afterAll(async () => {
  const docker = localDocker();
  for (const c of await docker.listContainers({ all: true, filters: { label: ['io.tomo.managed=true'] } })) {
    if (servers.has(c.Labels['io.tomo.server'])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  await t?.stop();
  catalog?.remove();
});

/** Every server this file added (their containers are removed at the end). */
const servers = new Set<string>();
async function addTestbedServer(k: AppsKernel, token: string): Promise<string> {
  const id = await addServer(k, token);
  servers.add(id);
  return id;
}

const get = async (id: string) => (await t.request('GET', `/api/apps/installations/${id}`, { token: t.tokens.alice })).body.installation;

/** Polls until no update or rollback runs on the installation. */
async function settled(id: string, timeoutMs = 120000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await get(id);
    if (view.updates.operation === null) return view;
    if (Date.now() > deadline) throw new Error(`still busy: ${JSON.stringify(view.progress)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function reload(): Promise<void> {
  expect((await t.request('POST', '/api/apps/catalogs/reload', { token: t.tokens.admin })).status).toBe(200);
}

async function install(appId: string, hostPort: number, onServer = serverId): Promise<any> {
  const res = await t.request('POST', `/api/servers/${onServer}/apps`, { token: t.tokens.alice, body: { appId, ports: { '8080/tcp': hostPort } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(t, t.tokens.alice, res.body.installation.id, 90000);
  expect(installed).toMatchObject({ state: 'running', error: null });
  return installed;
}

describe.each(['engine', 'compose'] as const)('%s installation: update v1 → v2 → a version that fails its health check', (deployment) => {
  let id: string;
  let app: UpdateCatalog;
  let port: number;
  let server: string;
  const events: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    app = new UpdateCatalog(`upd-${deployment}-${Date.now().toString(36)}`, port, catalog.dir);
    app.release('1', '1');
    await reload();
    // The same test bed server under another name: prepared with Compose v2 recorded, or without.
    server = await addTestbedServer(t, t.tokens.alice);
    await markPrepared(t, server, deployment === 'engine' ? { compose: null } : {});
    const hooks = t.kernel.hooks.of(appsHooks);
    hooks.appUpdated.tap('test', (e) => void (e.installation.id === id && events.push(`update ${e.result}${e.reason ? `: ${e.reason}` : ''}`)));
    hooks.appRolledBack.tap('test', (e) => void (e.installation.id === id && events.push(`rollback ${e.automatic ? 'automatic' : 'by hand'} to ${e.to}${e.error ? ` failed: ${e.error}` : ''}`)));
  });

  test('install v1: the digest it runs is recorded, and no update is available', async () => {
    const installed = await install(app.appId, port, server);
    id = installed.id;
    expect(installed.deployment).toBe(deployment);
    expect(installed.updates).toMatchObject({ installedVersion: '1', images: [{ service: deployment === 'compose' ? 'app' : app.appId, image: registry.imageRef('webapp', '1'), digest: await registry.registryDigest('webapp', '1') }], snapshots: [], operation: null });
    expect(await getText(port, '/version')).toBe('webapp v1\n');
    for (let i = 0; i < 3; i++) await getText(port, '/');
    expect(await getText(port, '/visits')).toBe('3\n');
    const checked = (await t.request('POST', `/api/apps/installations/${id}/check-updates`, { token: t.tokens.alice })).body.installation;
    expect(checked.updates.check).toMatchObject({ available: false, reasons: [], catalogVersion: '1', error: null });
  });

  test('the catalog releases v2: the check says so; the update keeps the data and v2 answers', async () => {
    app.release('2', '2');
    await reload();
    const checked = (await t.request('POST', `/api/apps/installations/${id}/check-updates`, { token: t.tokens.alice })).body.installation;
    expect(checked.updates.check).toMatchObject({ available: true, reasons: ['the catalog has version 2 (installed: 1)'], catalogVersion: '2' });

    const res = await t.request('POST', `/api/apps/installations/${id}/update`, { token: t.tokens.alice });
    expect(res.status).toBe(202);
    expect(res.body.installation.updates.operation).toBe('update');
    // A second update meanwhile is refused, naming why.
    const again = await t.request('POST', `/api/apps/installations/${id}/update`, { token: t.tokens.alice });
    expect(again.status).toBe(409);
    const done = await settled(id);
    expect(done.updates.last).toMatchObject({ result: 'updated' });
    expect(done.progress.map((s: any) => `${s.id}:${s.state}`)).toEqual(['check:done', 'snapshot:done', 'pull:done', 'recreate:done', 'health:done', 'rollback:skipped']);
    expect(done).toMatchObject({ state: 'running', image: registry.imageRef('webapp', '2'), updates: { installedVersion: '2', check: null } });
    expect(done.updates.images[0].digest).toBe(await registry.registryDigest('webapp', '2'));
    expect(done.updates.snapshots).toHaveLength(1);
    expect(done.updates.snapshots[0]).toMatchObject({ appVersion: '1', sizeBytes: expect.any(Number) });
    expect(done.updates.snapshots[0].sizeBytes).toBeGreaterThan(0);
    expect(await getText(port, '/version')).toBe('webapp v2\n');
    expect(await getText(port, '/visits')).toBe('3\n');
    // The generated secret reached the new container unchanged, and never the view.
    const env = (await localDocker().getContainer(done.containerName).inspect()).Config.Env as string[];
    const secret = env.find((e) => e.startsWith('APP_SECRET='))!.slice('APP_SECRET='.length);
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(done)).not.toContain(secret);
    expect(events).toEqual(['update updated']);
  });

  test('v3 fails its health check: rolled back by itself to v2 (by digest) with the snapshot restored', async () => {
    await getText(port, '/');
    expect(await getText(port, '/visits')).toBe('4\n');
    app.release('3', '3-unhealthy');
    await reload();
    expect((await t.request('POST', `/api/apps/installations/${id}/update`, { token: t.tokens.alice })).status).toBe(202);
    const done = await settled(id);
    expect(done.updates.last).toMatchObject({ result: 'rolled_back' });
    // Through the Engine API Tomo's own check finds it; Compose's `up --wait` sees the image's health check fail first.
    const why = deployment === 'engine' ? /The app did not answer within 8 s \(last try: HTTP 500/ : /container tomo-upd-compose-[a-z0-9-]+-app-1 is unhealthy/;
    expect(done.updates.last.message).toMatch(why);
    expect(done.progress.map((s: any) => `${s.id}:${s.state}`)).toEqual(
      deployment === 'engine'
        ? ['check:done', 'snapshot:done', 'pull:done', 'recreate:done', 'health:failed', 'rollback:done']
        : ['check:done', 'snapshot:done', 'pull:done', 'recreate:failed', 'health:pending', 'rollback:done'],
    );
    // Still v2, pinned to v2's digest, data as at the snapshot.
    expect(done).toMatchObject({ state: 'running', image: registry.imageRef('webapp', '2'), updates: { installedVersion: '2' } });
    const running = await localDocker().getContainer(done.containerName).inspect();
    expect(running.Config.Image).toBe(`${registry.imageRef('webapp', '2').replace(/:2$/, '')}@${await registry.registryDigest('webapp', '2')}`);
    expect(await getText(port, '/version')).toBe('webapp v2\n');
    expect(await getText(port, '/visits')).toBe('4\n');
    expect(done.updates.snapshots.map((s: any) => s.appVersion)).toEqual(['1', '2']);
    expect(events.slice(1)).toEqual([expect.stringMatching(why), `rollback automatic to ${running.Config.Image}`]);
  });

  test('a rollback by hand goes back to the last snapshot: the data as it was before the last update', async () => {
    for (let i = 0; i < 2; i++) await getText(port, '/');
    expect(await getText(port, '/visits')).toBe('6\n');
    const res = await t.request('POST', `/api/apps/installations/${id}/rollback`, { token: t.tokens.alice });
    expect(res.status).toBe(202);
    const done = await settled(id);
    expect(done.updates.last).toMatchObject({ result: 'restored' });
    expect(done.progress.map((s: any) => `${s.id}:${s.state}`)).toEqual(['check:done', 'restore:done', 'recreate:done', 'health:done']);
    expect(await getText(port, '/version')).toBe('webapp v2\n');
    expect(await getText(port, '/visits')).toBe('4\n');
    expect(events.at(-1)).toMatch(/^rollback by hand to /);
  });

  test('another user cannot check, update or roll back it (404); an unknown id is a 400 naming the field', async () => {
    for (const action of ['check-updates', 'update', 'rollback']) {
      expect((await t.request('POST', `/api/apps/installations/${id}/${action}`, { token: t.tokens.bob })).status).toBe(404);
    }
    const bad = await t.request('POST', '/api/apps/installations/not-an-id/update', { token: t.tokens.alice });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('id');
  });

  test('uninstall with data removes the snapshots too', async () => {
    const view = await get(id);
    const res = await t.request('DELETE', `/api/apps/installations/${id}?deleteData=true`, { token: t.tokens.alice });
    expect(res.body).toMatchObject({ removed: true, dataDeleted: true });
    const fs = await import('node:fs');
    for (const s of view.updates.snapshots) expect(fs.existsSync(s.file)).toBe(false);
  });
});

describe('a new digest under the installed tag', () => {
  let client: Client;
  let id: string;
  let tag: string;
  let hostPort: number;
  let pushCatalog: UpdateCatalog;

  beforeAll(async () => {
    tag = `upd-${Date.now().toString(36)}`;
    await registry.pushImage('webapp', tag, 'a', { from: '1' });
    hostPort = await freePort();
    pushCatalog = new UpdateCatalog(`upd-tag-${Date.now().toString(36)}`, hostPort, catalog.dir);
    pushCatalog.release('1', tag);
    await reload();
    id = (await install(pushCatalog.appId, hostPort)).id;
    client = await connectMcp(t.url, t.tokens.alice);
  }, 120000);

  afterAll(async () => {
    await client?.close();
  });

  test('check_app_updates (MCP): nothing new; after a push of a new digest under the tag, an update is available', async () => {
    const before = resultText(await client.callTool({ name: 'check_app_updates', arguments: { installation_id: id } }));
    expect(before.isError).toBe(false);
    expect(before.structured.installation.updates.check).toMatchObject({ available: false, reasons: [] });
    const pushed = await registry.pushImage('webapp', tag, 'b', { from: '2' });
    const after = resultText(await client.callTool({ name: 'check_app_updates', arguments: { server_id: serverId, app_id: pushCatalog.appId } }));
    expect(after.structured.installation.updates.check.available).toBe(true);
    expect(after.structured.installation.updates.check.reasons).toEqual([expect.stringMatching(new RegExp(`^the registry has a new image for .*:${tag} \\(${pushed.digest.slice(7, 19)}, installed: `))]);
  });

  test('update_app (MCP) returns at once; the new digest runs afterwards; rollback_app puts the old digest back', async () => {
    const accepted = resultText(await client.callTool({ name: 'update_app', arguments: { installation_id: id } }));
    expect(accepted.isError).toBe(false);
    expect(accepted.structured.installation.updates.operation).toBe('update');
    const updated = await settled(id);
    expect(updated.updates.last.result).toBe('updated');
    expect(updated.updates.images[0].digest).toBe(await registry.registryDigest('webapp', tag));
    expect(await getText(hostPort, '/version')).toBe('webapp v2\n');

    const rolled = resultText(await client.callTool({ name: 'rollback_app', arguments: { installation_id: id } }));
    expect(rolled.isError).toBe(false);
    expect(rolled.structured.installation.updates.operation).toBe('rollback');
    const back = await settled(id);
    expect(back.updates.last.result).toBe('restored');
    expect(await getText(hostPort, '/version')).toBe('webapp v1\n');
  });

  test('the tools name a bad field; rollback without a snapshot is a tool error saying why', async () => {
    const bad = resultText(await client.callTool({ name: 'update_app', arguments: { installation_id: 'nope' } }));
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('installation_id');
    expect((await t.request('DELETE', `/api/apps/installations/${id}?deleteData=true`, { token: t.tokens.alice })).body).toMatchObject({ removed: true });
    const fresh = await install(pushCatalog.appId, await freePort());
    const none = resultText(await client.callTool({ name: 'rollback_app', arguments: { installation_id: fresh.id } }));
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/no snapshot/);
    await t.request('DELETE', `/api/apps/installations/${fresh.id}?deleteData=true`, { token: t.tokens.alice });
  });
});
