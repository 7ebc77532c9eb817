/**
 * The Phase 4 definition of done over HTTP, on the test bed (real sshd, real Docker engine): browse
 * → install on a prepared server → the app answers on its published port → stop (no answer) →
 * start → uninstall (no container; with "delete data", no data either). Plus: ports already
 * taken are refused before anything is created, a container killed behind Tomo's back shows as
 * such, settings with shell metacharacters reach the container verbatim and run nothing, and
 * generated secrets never come back. The install's progress as server-sent events: the whole
 * installation first and last, the steps as they change, then `end`; the same access as reading it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { listTables, runSql } from '@tomo/kernel';
import type { DataSource } from 'typeorm';
import { LABELS } from '../src/install/container-spec';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { addTestbedServer, fetchPage, localDocker, markPrepared, startAppsKernel, testbed, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

let t: AppsKernel;
let serverId: string;

beforeAll(async () => {
  t = await startAppsKernel();
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
});

afterAll(async () => {
  // Whatever a failed test left behind on the test bed's engine.
  const docker = localDocker();
  const left = await docker.listContainers({ all: true, filters: { label: ['io.tomo.managed=true'] } });
  for (const c of left) if (c.Labels['io.tomo.server'] === serverId) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await t?.stop();
});

const install = (body: Record<string, unknown>, token = t.tokens.alice, server = serverId) => t.request('POST', `/api/servers/${server}/apps`, { token, body });

test('browse: the catalog lists the test app and the curated ones, searchable by word and category', async () => {
  const all = await t.request('GET', '/api/apps/catalog', { token: t.tokens.alice });
  expect(all.status).toBe(200);
  const ids = all.body.apps.map((a: { id: string }) => a.id);
  expect(ids).toEqual(expect.arrayContaining(['web-hello', 'portainer', 'nextcloud', 'jellyfin', 'pihole', 'nginx-proxy-manager']));
  expect(all.body.total).toBeGreaterThanOrEqual(18);
  const found = await t.request('GET', '/api/apps/catalog?q=tiny%20web&category=testing', { token: t.tokens.alice });
  expect(found.body.apps.map((a: { id: string }) => a.id)).toEqual(['web-hello']);
  const detail = await t.request('GET', '/api/apps/catalog/web-hello', { token: t.tokens.alice });
  expect(detail.body.app).toMatchObject({ id: 'web-hello', image: testbed().docker.images.httpd, ports: [{ container: 80, host: 18080, protocol: 'tcp' }] });
  expect(detail.body.source.kind).toBe('folder');
  expect((await t.request('GET', '/api/apps/catalog/no-such-app', { token: t.tokens.alice })).status).toBe(404);
});

test('install → answers → stop → start → uninstall with data deleted leaves nothing', async () => {
  const port = await freePort();
  const res = await install({ appId: 'web-hello', ports: { '80/tcp': port }, settings: { GREETING: 'hi' } });
  expect(res.status).toBe(202);
  expect(res.body.installation.state).toBe('installing');
  const installed = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(installed).toMatchObject({ state: 'running', error: null, ports: [{ container: 80, host: port, protocol: 'tcp' }], settings: { GREETING: 'hi', APP_SECRET: null }, secretSettings: ['APP_SECRET'] });
  expect(installed.url).toBe(`http://127.0.0.1:${port}/`);
  // The image was on the server already: nothing was pulled (no registry is reachable here anyway).
  expect(installed.progress.find((s: { id: string }) => s.id === 'pull')).toMatchObject({ state: 'skipped' });
  expect(installed.progress.every((s: { state: string }) => s.state === 'done' || s.state === 'skipped')).toBe(true);
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');

  // The container as Tomo made it: a one-service Compose project (the test bed has Compose v2),
  // labels, restart policy, data under the per-app data root.
  expect(installed).toMatchObject({ deployment: 'compose', projectName: expect.stringMatching(/^tomo-web-hello-[0-9a-f]{6}$/), services: [{ name: 'app', state: 'running' }] });
  expect(installed.containerName).toBe(`${installed.projectName}-app-1`);
  const docker = localDocker();
  const info = await docker.getContainer(installed.containerName).inspect();
  expect(info.Config.Labels).toMatchObject({ 'io.tomo.managed': 'true', 'io.tomo.installation': installed.id, 'io.tomo.app': 'web-hello', 'io.tomo.server': serverId, 'com.docker.compose.project': installed.projectName });
  expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
  expect(installed.dataDir).toBe(path.join(t.dataRoot, installed.projectName));
  expect(info.Mounts.map((m) => [m.Type, m.Source, m.Destination])).toEqual([['bind', `${installed.dataDir}/data`, '/data']]);
  // The app writes data (as root, like most images do).
  execFileSync('docker', ['exec', '-u', '0', installed.containerName, 'sh', '-c', 'mkdir -p /data/db && echo kept > /data/db/file']);
  expect(fs.readFileSync(path.join(installed.dataDir, 'data', 'db', 'file'), 'utf8')).toBe('kept\n');

  const listed = await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice });
  expect(listed.body.installations.map((i: { id: string; state: string }) => [i.id, i.state])).toContainEqual([installed.id, 'running']);

  const stopped = await t.request('POST', `/api/apps/installations/${installed.id}/stop`, { token: t.tokens.alice });
  expect(stopped.status).toBe(200);
  expect(stopped.body.installation.state).toBe('stopped');
  expect(await fetchPage(port)).toBeNull();

  const started = await t.request('POST', `/api/apps/installations/${installed.id}/start`, { token: t.tokens.alice });
  expect(started.body.installation.state).toBe('running');
  await expectEventually(async () => (await fetchPage(port)) ?? '', /tomo-test-httpd ok/);

  const removed = await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token: t.tokens.alice });
  expect(removed.status).toBe(200);
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
  await expect(docker.getContainer(installed.containerName).inspect()).rejects.toMatchObject({ statusCode: 404 });
  expect(fs.existsSync(installed.dataDir)).toBe(false);
  expect((await t.request('GET', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice })).status).toBe(404);
});

test('uninstall without "delete data" keeps the data folder', async () => {
  const res = await install({ appId: 'web-hello', ports: { '80/tcp': await freePort() } });
  const installed = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  expect(installed.state).toBe('running');
  const removed = await t.request('DELETE', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice });
  expect(removed.body).toEqual({ removed: true, dataDeleted: false });
  expect(fs.existsSync(path.join(installed.dataDir, 'data'))).toBe(true);
  await expect(localDocker().getContainer(installed.containerName).inspect()).rejects.toMatchObject({ statusCode: 404 });
});

describe('host ports already in use are refused before anything is created, naming the port', () => {
  // Only this server's Tomo containers: the engine is shared with tests running in parallel.
  const containerCount = async () => (await localDocker().listContainers({ all: true, filters: { label: [`${LABELS.server}=${serverId}`] } })).length;
  const rowCount = async () => (await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body.installations.length;

  test('a port held by a program listening on the server', async () => {
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      const [containers, rows] = [await containerCount(), await rowCount()];
      const res = await install({ appId: 'web-hello', ports: { '80/tcp': port } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', field: 'ports.80/tcp' });
      expect(res.body.error.message).toContain(`${port}/tcp`);
      expect([await containerCount(), await rowCount()]).toEqual([containers, rows]);
    } finally {
      listener.close();
    }
  });

  test("a port held by another Tomo install (a second install of the same port), and the preflight says so too", async () => {
    const port = await freePort();
    const first = await waitInstalled(t, t.tokens.alice, (await install({ appId: 'web-hello', ports: { '80/tcp': port } })).body.installation.id);
    expect(first.state).toBe('running');
    await t.request('POST', `/api/apps/installations/${first.id}/stop`, { token: t.tokens.alice });
    // Stopped, the port is free on the server, but the install still owns it.
    const [containers, rows] = [await containerCount(), await rowCount()];
    const second = await install({ appId: 'web-hello', ports: { '80/tcp': port } });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(new RegExp(`${port}/tcp.*Tomo app "Web Hello" \\(${first.containerName}\\)`));
    expect([await containerCount(), await rowCount()]).toEqual([containers, rows]);
    const preflight = await t.request('POST', `/api/servers/${serverId}/apps/preflight`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port } } });
    expect(preflight.body).toMatchObject({ ok: false, errors: [{ field: 'ports.80/tcp' }] });
    await t.request('DELETE', `/api/apps/installations/${first.id}?deleteData=true`, { token: t.tokens.alice });
  });

  test('a port published by a container Tomo does not manage', async () => {
    const port = await freePort();
    const docker = localDocker();
    const other = await docker.createContainer({ Image: testbed().docker.images.httpd, name: `not-tomo-${port}`, ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: String(port) }] } } });
    await other.start();
    try {
      const res = await install({ appId: 'web-hello', ports: { '80/tcp': port } });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(`container "not-tomo-${port}"`);
    } finally {
      await other.remove({ force: true });
    }
  });
});

test('a container killed behind Tomo\'s back shows as error; one removed shows as missing', async () => {
  const installed = await waitInstalled(t, t.tokens.alice, (await install({ appId: 'web-hello', ports: { '80/tcp': await freePort() } })).body.installation.id);
  const docker = localDocker();
  await docker.getContainer(installed.containerName).kill();
  const killed = (await t.request('GET', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice })).body.installation;
  expect(killed.state).toBe('crashed');
  expect(killed.stateDetail).toMatch(/stopped when it should run: Exited \(137\)/);
  await docker.getContainer(installed.containerName).remove({ force: true });
  const gone = (await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body.installations.find((i: { id: string }) => i.id === installed.id);
  expect(gone.state).toBe('missing');
  // Uninstalling a missing app cleans up the record.
  expect((await t.request('DELETE', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice })).status).toBe(200);
});

test('settings with shell metacharacters reach the container verbatim and run nothing', async () => {
  const marker = `/tmp/tomo-marker-${process.pid}-${Date.now()}`;
  const payloads = [`$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `"; touch ${marker}; "`, `; touch ${marker}`, `x\ntouch ${marker}`, `-rf /`];
  for (const value of payloads) {
    const res = await install({ appId: 'web-hello', ports: { '80/tcp': await freePort() }, settings: { GREETING: value } });
    expect(res.status).toBe(202);
    const installed = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
    expect(installed.settings.GREETING).toBe(value);
    const env = (await localDocker().getContainer(installed.containerName).inspect()).Config.Env;
    expect(env).toContain(`GREETING=${value}`);
    await t.request('DELETE', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice });
  }
  expect(fs.existsSync(marker)).toBe(false);
}, 120000);

test('generated secrets reach the container but never an API answer, and are stored sealed', async () => {
  const res = await install({ appId: 'web-hello', ports: { '80/tcp': await freePort() } });
  const installed = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  const env = (await localDocker().getContainer(installed.containerName).inspect()).Config.Env as string[];
  const secret = env.find((e) => e.startsWith('APP_SECRET='))!.slice('APP_SECRET='.length);
  expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
  const answers = [
    res.body,
    installed,
    (await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body,
    (await t.request('GET', '/api/apps/installations', { token: t.tokens.admin })).body,
  ];
  for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(secret);
  // Sealed: in no row of any table (either engine), nor anywhere in the SQLite file.
  expect(await tablesHolding(t.kernel.dataSource, secret)).toEqual([]);
  const database = t.kernel.config.database;
  if (database.kind === 'sqlite') expect(fs.readFileSync(database.file).includes(Buffer.from(secret))).toBe(false);
  await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token: t.tokens.alice });
});

describe('bad install requests: a clear error naming the field, nothing created', () => {
  test.each([
    [{ appId: 'no-such-app' }, 400, 'appId'],
    [{ appId: 'web-hello', ports: { '80/tcp': 70000 } }, 400, 'ports.80/tcp'],
    [{ appId: 'web-hello', ports: { '81/tcp': 8081 } }, 400, 'ports.81/tcp'],
    [{ appId: 'web-hello', settings: { NOPE: 'x' } }, 400, 'settings.NOPE'],
    [{ appId: 'web-hello', extra: true }, 400, undefined],
  ])('%j → %d', async (body, status, field) => {
    const before = (await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body.installations.length;
    const res = await install(body);
    expect(res.status).toBe(status);
    if (field) expect(res.body.error.field).toBe(field);
    expect((await t.request('GET', `/api/servers/${serverId}/apps`, { token: t.tokens.alice })).body.installations.length).toBe(before);
  });

  test("an app not published for the server's CPU is refused, naming both", async () => {
    expect((await t.request('POST', `/api/servers/${serverId}/test`, { token: t.tokens.alice })).body.ok).toBe(true);
    const res = await install({ appId: 'riscv-only', ports: { '80/tcp': await freePort() } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ field: 'serverId', message: expect.stringMatching(/published for riscv64; this server is amd64 \(x86_64\)/) });
  });

  test('a server that is not prepared is refused, naming the server', async () => {
    const other = await addTestbedServer(t, t.tokens.alice);
    const res = await install({ appId: 'web-hello' }, t.tokens.alice, other);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ field: 'serverId' });
    expect(res.body.error.message).toMatch(/not prepared/);
    const targets = (await t.request('GET', '/api/apps/targets', { token: t.tokens.alice })).body.servers;
    expect(targets.find((s: { id: string }) => s.id === other)).toMatchObject({ prepared: false, detail: expect.stringMatching(/prepare/) });
    expect(targets.find((s: { id: string }) => s.id === serverId)).toMatchObject({ prepared: true, detail: null });
  });
});

test("another user's server and installations are 404s", async () => {
  const installed = await waitInstalled(t, t.tokens.alice, (await install({ appId: 'web-hello', ports: { '80/tcp': await freePort() } })).body.installation.id);
  const bob = t.tokens.bob;
  expect((await install({ appId: 'web-hello' }, bob)).status).toBe(404);
  expect((await t.request('GET', `/api/servers/${serverId}/apps`, { token: bob })).status).toBe(404);
  for (const [method, url] of [['GET', ''], ['POST', '/stop'], ['POST', '/start'], ['DELETE', '']] as const) {
    expect((await t.request(method, `/api/apps/installations/${installed.id}${url}`, { token: bob })).status).toBe(404);
  }
  expect((await t.request('GET', '/api/apps/installations', { token: bob })).body.installations).toEqual([]);
  // Still running: bob's stop did nothing.
  expect((await t.request('GET', `/api/apps/installations/${installed.id}`, { token: t.tokens.alice })).body.installation.state).toBe('running');
  await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token: t.tokens.alice });
});

async function expectEventually(read: () => Promise<string>, pattern: RegExp, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(last).toMatch(pattern);
}

const eventsUrl = (id: string) => `${t.url}/api/apps/installations/${id}/events`;

/** Reads the whole stream (it ends by itself after `end`), each event with its data parsed. */
async function readStream(id: string, token: string): Promise<{ status: number; type: string | null; events: Array<{ event: string; data: any }> }> {
  const res = await fetch(eventsUrl(id), { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(60000) });
  const events: Array<{ event: string; data: any }> = [];
  const parser = createParser({ onEvent: (m: EventSourceMessage) => events.push({ event: m.event ?? 'message', data: JSON.parse(m.data) }) });
  const text = await res.text();
  if (res.ok) parser.feed(text);
  else events.push({ event: 'error', data: JSON.parse(text) });
  return { status: res.status, type: res.headers.get('content-type'), events };
}

test('follows an install from the first step to the running app, then ends', async () => {
  const port = await freePort();
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port } } });
  expect(res.status).toBe(202);
  const id = res.body.installation.id as string;
  const { status, type, events } = await readStream(id, t.tokens.alice);
  expect([status, type]).toEqual([200, 'text/event-stream; charset=utf-8']);
  const names = events.map((e) => e.event);
  expect(names[0]).toBe('installation');
  expect(names.slice(-2)).toEqual(['installation', 'end']);
  // The install was still running when the stream opened (the image is local, but starting and
  // probing the container take a moment): the steps came as they changed.
  expect(events[0].data.installation).toMatchObject({ id, state: 'installing' });
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.steps as Array<{ id: string; state: string }>);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.some((steps) => steps.some((s) => s.state === 'running'))).toBe(true);
  expect(progress.at(-1)!.map((s) => `${s.id}:${s.state}`)).toEqual(['check:done', 'pull:skipped', 'create:done', 'start:done', 'health:done']);
  const last = events.at(-2)!.data.installation;
  expect(last).toMatchObject({ id, state: 'running', url: `http://127.0.0.1:${port}/` });
  // Nothing secret in the stream.
  expect(JSON.stringify(events)).not.toMatch(/secretsSealed|APP_SECRET":"[^n]/);

  // Finished: the stream answers the installation and ends at once, for its owner and an admin.
  for (const token of [t.tokens.alice, t.tokens.admin]) {
    const again = await readStream(id, token);
    expect(again.events.map((e) => [e.event, e.data.installation?.state])).toEqual([
      ['installation', 'running'],
      ['end', undefined],
    ]);
  }

  // Anyone else, and an id of nothing: 404 before anything is streamed.
  const bob = await readStream(id, t.tokens.bob);
  expect([bob.status, bob.events[0].data.error.code]).toEqual([404, 'not_found']);
  const none = await readStream('6f2b8f54-0000-4000-8000-000000000000', t.tokens.alice);
  expect(none.status).toBe(404);
  const bad = await readStream('not-a-uuid', t.tokens.alice);
  expect([bad.status, bad.events[0].data.error.field]).toEqual([400, 'id']);
  expect((await fetch(eventsUrl(id))).status).toBe(401);

  await waitInstalled(t, t.tokens.alice, id);
  expect((await t.request('DELETE', `/api/apps/installations/${id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
});

/** The tables with a value that contains `text` (binary values read as bytes). */
async function tablesHolding(db: DataSource, text: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of await listTables(db)) {
    const rows = await runSql(db, `SELECT * FROM "${table}"`);
    const values = rows.flatMap((row) => Object.values(row));
    if (values.some((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : typeof v === 'string' ? v : JSON.stringify(v) ?? '').includes(text))) found.push(table);
  }
  return found;
}
