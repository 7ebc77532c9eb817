/**
 * Issue 23, acceptance 2 for CasaOS: the fixture CasaOS store (test/fixtures/stores/casaos, read
 * through `catalog.stores`) on a fresh Debian 13 server from the test bed, prepared by Tomo. The
 * catalog lists the store's apps with its licence; an app Tomo cannot honour is refused with the
 * reason; the Greeter app installs with a real pull from the test registry, answers on its port,
 * keeps its data in the installation's folder (CasaOS's /DATA/AppData/$AppID), and a setting typed
 * in the install reaches the container verbatim. One fresh server for the file (CI time).
 */
import path from 'node:path';
import { startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';
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

const STORE = path.join(__dirname, 'fixtures', 'stores', 'casaos');
/** What a user might type: shell, Compose and template characters, non-ASCII; none may be touched. */
const TYPED = 'Grüße "$HOME" & $(id) ${PUID} {{GREETING}} 100% \\n';
let t: AppsKernel | undefined;
let fresh: Fresh | undefined;

afterAll(async () => {
  await t?.stop();
  await fresh?.remove();
});

test('an imported CasaOS app installs on a prepared Debian 13 server, answers, and gets a typed setting verbatim', async () => {
  [fresh, t] = await Promise.all([
    freshServers.startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }) as Promise<Fresh>,
    startAppsKernel({ config: { catalog: { dirs: [], stores: [{ format: 'casaos', dir: STORE }] } } }),
  ]);
  const server = fresh!;
  const k = t!;
  const token = k.tokens.admin;

  // The catalog: the store's apps, with the store's licence; the refusals in the detail.
  const list = (await k.request('GET', '/api/apps/catalog?q=greeter', { token })).body;
  expect(list.apps.map((a: { id: string }) => a.id)).toEqual(['casaos-greeter']);
  expect(list.apps[0]).toMatchObject({ source: { id: 'store:casaos', kind: 'import' }, store: { format: 'casaos', licence: 'Apache-2.0' } });
  expect(list.apps[0].unavailable).toBeUndefined();
  const gpu = (await k.request('GET', '/api/apps/catalog/casaos-gpu-transcoder', { token })).body;
  expect(gpu.imported.refusals.map((r: { field: string }) => r.field)).toEqual(['services.transcoder.entrypoint', 'services.transcoder.devices']);

  // Same workaround as compose-debian13.e2e: Docker in a container on this kernel needs it for Compose networks.
  const dropIn = '/etc/systemd/system/docker.service.d/tomo-testbed-ipv6.conf';
  for (const argv of [['mkdir', '-p', '/etc/systemd/system/docker.service.d'], ['tee', dropIn]]) {
    const r = await server.exec(argv, { input: '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const added = await k.request('POST', '/api/servers', { token, body: { name: 'trixie', host: server.host, port: server.port, username: server.username, authType: 'password', credentials: { password: server.password } } });
  expect(added.status).toBe(201);
  const serverId = added.body.id as string;

  // An unavailable app is refused before anything reaches the server, naming why.
  const refused = await k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'casaos-gpu-transcoder' } });
  expect(refused.status).toBe(409);
  expect(JSON.stringify(refused.body)).toContain('device passthrough is not supported');

  expect((await k.request('POST', `/api/servers/${serverId}/preparation`, { token, body: {} })).status).toBe(202);
  let prep: any;
  for (const deadline = Date.now() + 600000; ; ) {
    prep = (await k.request('GET', `/api/servers/${serverId}/preparation`, { token })).body;
    if (prep.status !== 'in_progress' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect({ status: prep.status, error: prep.error }).toEqual({ status: 'completed', error: null });

  const res = await k.request('POST', `/api/servers/${serverId}/apps`, { token, body: { appId: 'casaos-greeter', settings: { GREETING: TYPED } } });
  expect(res.status).toBe(202);
  const installed = await waitInstalled(k, token, res.body.installation.id, 300000);
  expect(installed).toMatchObject({ state: 'running', error: null });
  expect(installed.progress.find((s: { id: string }) => s.id === 'pull')).toMatchObject({ state: 'done' });

  const sh = async (argv: string[]) => {
    const r = await server.exec(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // It answers on the store's port, on the server, and counts the visit in its data folder.
  const page = await sh(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/18101 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3']);
  expect(page.split('\r\n\r\n')[1]).toMatch(/^webapp v1\nvisits 1\n/);
  expect(await sh(['cat', `${installed.dataDir}/data/visits`])).toMatch(/^1\s*$/);

  // The typed setting, the store's default for the other settings, as the container has them.
  const ids = (await sh(['docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${installed.projectName}`])).trim().split('\n');
  expect(ids).toHaveLength(1);
  const env = JSON.parse(await sh(['docker', 'inspect', '--format', '{{json .Config.Env}}', ids[0]])) as string[];
  expect(env).toEqual(expect.arrayContaining([`GREETING=${TYPED}`, 'TZ=Etc/UTC', 'PUID=1000', 'DATA_OWNER=1000:1000']));
  expect(env.find((e) => e.startsWith('APP_SECRET='))).toBe('APP_SECRET=change-me');
});
