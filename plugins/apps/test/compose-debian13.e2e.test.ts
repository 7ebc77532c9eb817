/**
 * Issue 17, acceptance 1 on a real machine: a fresh Debian 13 server from the test bed (systemd,
 * sshd, a sudo user, nothing else), prepared by Tomo (Docker and Compose v2 from Debian's
 * packages), installs the three-service test app with real pulls from the test bed registry; it
 * answers on its port on the server; stop, start, uninstall with data; nothing left behind. One
 * test: a fresh server and its preparation take a minute or more (CI time matters).
 */
import path from 'node:path';
import { startAppsKernel, TEST_CATALOG, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { leftoversOf, waitState } from './support/compose-checks';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshServers = require('../../../scripts/testbed/fresh-server.js');

jest.setTimeout(900000);

interface Fresh {
  host: string;
  port: number;
  username: string;
  password: string;
  exec(argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

const COMPOSE_CATALOG = path.join(__dirname, 'fixtures', 'compose-catalog');
let t: AppsKernel | undefined;
let fresh: Fresh | undefined;

afterAll(async () => {
  await t?.stop();
  await fresh?.remove();
});

test('a fresh Debian 13 server prepared by Tomo runs a three-service app from the registry, and uninstalling it leaves nothing', async () => {
  [fresh, t] = await Promise.all([
    freshServers.startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }) as Promise<Fresh>,
    startAppsKernel({ config: { catalog: { dirs: [TEST_CATALOG, COMPOSE_CATALOG] } } }),
  ]);
  const server = fresh!;
  const k = t!;
  // The fresh server is a container on this machine's kernel, where Docker 26 cannot switch IPv6
  // off on a container's interface in a user-defined network (Compose's project network): "failed
  // to disable IPv6 on container's interface eth0, set env var DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1".
  // A real Debian 13 machine does not need this; the test bed's does, set before Docker exists as
  // an admin would (Docker's own switch for it), and Tomo's preparation leaves it alone.
  const dropIn = '/etc/systemd/system/docker.service.d/tomo-testbed-ipv6.conf';
  for (const argv of [['mkdir', '-p', '/etc/systemd/system/docker.service.d'], ['tee', dropIn]]) {
    const r = await server.exec(argv, { input: '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const token = k.tokens.admin;
  const added = await k.request('POST', '/api/servers', { token, body: { name: 'trixie', host: server.host, port: server.port, username: server.username, authType: 'password', credentials: { password: server.password } } });
  expect(added.status).toBe(201);
  const serverId = added.body.id as string;
  expect((await k.request('POST', `/api/servers/${serverId}/test`, { token })).body.ok).toBe(true);

  // Prepared by Tomo: Docker and Compose v2 from Debian 13's packages.
  expect((await k.request('POST', `/api/servers/${serverId}/preparation`, { token, body: {} })).status).toBe(202);
  let prep: any;
  for (const deadline = Date.now() + 600000; ; ) {
    prep = (await k.request('GET', `/api/servers/${serverId}/preparation`, { token })).body;
    if (prep.status !== 'in_progress' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect({ status: prep.status, error: prep.error }).toEqual({ status: 'completed', error: null });
  expect(prep.compose).toMatchObject({ available: true, version: expect.stringMatching(/^2\./) });

  // The images are not on the server: the install pulls them from the registry.
  const sh = async (argv: string[]) => {
    const r = await server.exec(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  expect(await sh(['docker', 'images', '--format', '{{.Repository}}'])).not.toMatch(/tomo-test\/webapp/);
  const port = 18090;
  const res = await k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'three-tier', ports: { '8080/tcp': port } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(k, token, res.body.installation.id, 300000);
  expect(installed).toMatchObject({ state: 'running', error: null, deployment: 'compose' });
  expect(installed.progress.find((s: { id: string }) => s.id === 'pull')).toMatchObject({ state: 'done' });
  expect(installed.services.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([['web', 'running'], ['db', 'running'], ['cache', 'running']]);
  const project = installed.projectName as string;

  // It answers on its port, on the server (the fresh server publishes only SSH to this machine).
  const ask = async (urlPath: string) => {
    const r = await server.exec(['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\\r\\n\\r\\n" "$2" >&3 && cat <&3', 'ask', String(port), urlPath]);
    return r.code === 0 ? r.stdout.split('\r\n\r\n')[1] ?? '' : null;
  };
  expect(await ask('/version')).toBe('webapp v1\n');
  expect(await ask('/db')).toBe('db ok\n');
  expect(await ask('/cache')).toBe('cache ok\n');

  expect((await k.request('POST', `/api/apps/installations/${installed.id}/stop`, { token })).body.installation.state).toBe('stopped');
  expect(await ask('/version')).toBeNull();
  expect((await k.request('POST', `/api/apps/installations/${installed.id}/start`, { token })).status).toBe(200);
  await waitState(k, token, installed.id, 'running');
  let answer: string | null = null;
  for (let i = 0; i < 100 && answer !== 'db ok\n'; i++) {
    answer = await ask('/db');
    if (answer !== 'db ok\n') await new Promise((r) => setTimeout(r, 250));
  }
  expect(answer).toBe('db ok\n');

  const removed = await k.request('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`, { token });
  expect(removed.body).toEqual({ removed: true, dataDeleted: true });
  expect(await leftoversOf(sh, project)).toEqual({ containers: [], networks: [], volumes: [] });
  const home = (await sh(['getent', 'passwd', server.username])).split(':')[5];
  const gone = await server.exec(['sh', '-c', 'for p in "$@"; do test -e "$p" && echo "$p"; done; true', 'left', installed.dataDir, `${home}/.tomo/apps/${project}`]);
  expect(gone.stdout).toBe('');
});
