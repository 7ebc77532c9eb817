/**
 * Issue 17, acceptance 1 and 2 on the test bed's host server (Compose v2 on the host engine: the
 * fast target): a three-service app from the test bed registry (web depends on a healthy db, plus
 * a cache) is installed as a Compose project, answers on its port, is stopped, started, and
 * uninstalled with its data, leaving nothing behind (containers, networks, volumes by the
 * project's label; the data folder; the project folder with its compose file). Settings with
 * `$HOME`, `$$`, a backtick, quotes and `$(touch …)` reach every service's environment unchanged
 * and run nothing. Port checks cover every service's host ports. And acceptance 5 in process: on
 * a server whose preparation recorded no Compose v2, a multi-service install is refused naming
 * the reason before anything reaches the server, and a single-container one goes through the
 * Engine API. The same on a fresh Debian 13 server prepared by Tomo: compose-debian13.e2e.test.ts.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { spyOnHandles } from '../../servers/test/support/handle-spy';
import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { addTestbedServer, markPrepared, startAppsKernel, TEST_CATALOG, testbed, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { envOf, leftoversOf, runLocal, waitState } from './support/compose-checks';
import { freePort } from '../../../test-support/ports';

const COMPOSE_CATALOG = path.join(__dirname, 'fixtures', 'compose-catalog');
let t: AppsKernel;
let serverId: string;

beforeAll(async () => {
  t = await startAppsKernel({ config: { catalog: { dirs: [TEST_CATALOG, COMPOSE_CATALOG] } } });
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
});

afterAll(async () => {
  await t?.stop();
});

/** GET http://127.0.0.1:<port><path> from this machine: the body, or null when nothing answers. */
async function get(port: number, urlPath: string): Promise<string | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(5000) });
    return await res.text();
  } catch {
    return null;
  }
}

const home = () => `/home/${testbed().ssh.username}`;

test('a three-service app: install, it answers, stop, start, uninstall with data leaves nothing', async () => {
  const token = t.tokens.alice;
  const port = await freePort();
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'three-tier', ports: { '8080/tcp': port, '6379/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(t, token, res.body.installation.id, 120000);
  expect(installed).toMatchObject({ state: 'running', error: null, deployment: 'compose' });
  const project = installed.projectName as string;
  expect(project).toMatch(/^tomo-three-tier-[0-9a-f]{6}$/);
  expect(installed.services.map((s: { name: string; state: string; health: string | null }) => [s.name, s.state, s.health])).toEqual([
    ['web', 'running', 'healthy'],
    ['db', 'running', 'healthy'],
    ['cache', 'running', 'healthy'],
  ]);
  expect(installed.progress.every((s: { state: string }) => s.state === 'done' || s.state === 'skipped')).toBe(true);

  // It answers, and its services reach each other on the app's private network with one shared generated password.
  expect(await get(port, '/version')).toBe('webapp v1\n');
  expect(await get(port, '/db')).toBe('db ok\n');
  expect(await get(port, '/cache')).toBe('cache ok\n');

  // The compose file: in the login user's project folder (0700), 0600 since it holds the generated password.
  const file = path.join(home(), '.tomo', 'apps', project, 'compose.yaml');
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(file).uid).toBe(fs.statSync(home()).uid);
  const before = await leftoversOf(runLocal, project);
  expect(before.containers.sort()).toEqual([`${project}-cache-1`, `${project}-db-1`, `${project}-web-1`]);
  expect(before.networks).toEqual([`${project}_default`]);
  expect(before.volumes).toEqual([`${project}_dbdata`]);

  const stopped = await t.request('POST', `/api/apps/installations/${installed.id}/stop`, { token });
  expect(stopped.status).toBe(200);
  expect(stopped.body.installation.state).toBe('stopped');
  expect(stopped.body.installation.services.map((s: { state: string }) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
  expect(await get(port, '/version')).toBeNull();

  const started = await t.request('POST', `/api/apps/installations/${installed.id}/start`, { token });
  expect(started.status).toBe(200);
  await waitState(t, token, installed.id, 'running');
  let answer: string | null = null;
  for (let i = 0; i < 100 && answer !== 'db ok\n'; i++) {
    answer = await get(port, '/db');
    if (answer !== 'db ok\n') await new Promise((r) => setTimeout(r, 200));
  }
  expect(answer).toBe('db ok\n');

  const removed = await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token });
  expect(removed.status).toBe(200);
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
  expect(await leftoversOf(runLocal, project)).toEqual({ containers: [], networks: [], volumes: [] });
  expect(fs.existsSync(installed.dataDir)).toBe(false);
  expect(fs.existsSync(path.dirname(file))).toBe(false);
  expect((await t.request('GET', `/api/apps/installations/${installed.id}`, { token })).status).toBe(404);
}, 180000);

test('settings with $HOME, $$, a backtick, quotes and $(touch …) reach every service verbatim and run nothing', async () => {
  const token = t.tokens.alice;
  const marker = `/tmp/tomo-compose-marker-${process.pid}-${Date.now()}`;
  const value = `$HOME $$ $$$ \`touch ${marker}\` "double" 'single' $(touch ${marker}) \${GREETING} ;|&<>`;
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'three-tier', ports: { '8080/tcp': await freePort(), '6379/tcp': await freePort() }, settings: { GREETING: value } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(t, token, res.body.installation.id, 120000);
  expect(installed.state).toBe('running');
  expect(installed.settings.GREETING).toBe(value);
  const project = installed.projectName as string;
  for (const service of ['web', 'cache']) {
    expect((await envOf(runLocal, `${project}-${service}-1`)).GREETING).toBe(value);
  }
  // What the process itself sees, not only what Docker recorded.
  const seen = await runLocal(['docker', 'exec', `${project}-web-1`, 'sh', '-c', 'printf %s "$GREETING"']);
  expect(seen).toBe(value);
  expect(fs.existsSync(marker)).toBe(false);
  expect(await runLocal(['docker', 'exec', `${project}-web-1`, 'sh', '-c', `test -e ${marker} && echo there || echo absent`])).toBe('absent\n');
  expect((await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token })).status).toBe(200);
  expect(await leftoversOf(runLocal, project)).toEqual({ containers: [], networks: [], volumes: [] });
}, 180000);

test("a host port taken on the server is refused for any service of the app, naming it, before anything is created", async () => {
  const token = t.tokens.alice;
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
  const taken = (listener.address() as net.AddressInfo).port;
  try {
    const before = (await t.request('GET', `/api/servers/${serverId}/apps`, { token })).body.installations.length;
    // The cache's port, not the web app's: every service's ports are checked.
    const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'three-tier', ports: { '8080/tcp': await freePort(), '6379/tcp': taken } } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', field: 'ports.6379/tcp' });
    expect(res.body.error.message).toContain(`${taken}/tcp`);
    expect((await t.request('GET', `/api/servers/${serverId}/apps`, { token })).body.installations.length).toBe(before);
  } finally {
    listener.close();
  }
});

test('without Compose v2: a multi-service install is refused naming the reason (nothing reaches the server); a single-container one uses the Engine API', async () => {
  const token = t.tokens.alice;
  const other = await addTestbedServer(t, token);
  const reason = 'only Compose v1 (docker-compose 1.29.2) is available from Debian 12';
  await markPrepared(t, other, { compose: { available: false, reason } });
  const sshCalls: string[] = [];
  const restore = spyOnHandles(t.kernel.resolve(ServersTokens.ServerService), (call, proceed) => {
    if (call.serverId === other) sshCalls.push(call.method);
    return proceed();
  });
  try {
    const refused = await t.request('POST', `/api/servers/${other}/apps`, { token, body: { appId: 'three-tier', ports: { '8080/tcp': await freePort(), '6379/tcp': await freePort() } } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', field: 'serverId' });
    expect(refused.body.error.message).toContain('needs Docker Compose v2');
    expect(refused.body.error.message).toContain(reason);
    const preflight = await t.request('POST', `/api/servers/${other}/apps/preflight`, { token, body: { appId: 'three-tier' } });
    expect(preflight.body).toMatchObject({ ok: false, errors: [{ field: 'serverId', message: expect.stringContaining(reason) }] });
    const mcp = await connectMcp(t.url, token);
    try {
      const viaMcp = resultText(await mcp.callTool({ name: 'install_app', arguments: { server_id: other, app_id: 'three-tier' } }));
      expect(viaMcp.isError).toBe(true);
      expect(viaMcp.text).toContain(reason);
    } finally {
      await mcp.close();
    }
    expect(sshCalls).toEqual([]);
  } finally {
    restore();
  }
  expect((await t.request('GET', `/api/servers/${other}/apps`, { token })).body.installations).toEqual([]);

  const single = await t.request('POST', `/api/servers/${other}/apps`, { token, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  expect(single.status).toBe(202);
  const installed = await waitInstalled(t, token, single.body.installation.id);
  expect(installed).toMatchObject({ state: 'running', deployment: 'engine', projectName: null, containerName: expect.stringMatching(/^tomo-web-hello-[0-9a-f]{6}$/) });
  const info = JSON.parse(await runLocal(['docker', 'inspect', installed.containerName]))[0];
  expect(info.Config.Labels['com.docker.compose.project']).toBeUndefined();
  expect((await t.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token })).body).toEqual({ removed: true, dataDeleted: true });
});
