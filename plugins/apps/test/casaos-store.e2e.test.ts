/**
 * Issue 23, acceptance 2 for CasaOS: the fixture CasaOS store (test/fixtures/stores/casaos, read
 * through `catalog.stores`) with the built Tomo (`tomo serve`) and a fresh Debian 13 server from
 * the test bed, prepared by Tomo. The catalog lists the store's apps with its licence; an app Tomo
 * cannot honour is refused with the reason; in Chromium, the Greeter app's details show the store
 * and the install wizard installs it with a setting typed in it; the install pulls from the test
 * registry, the app answers on its port, keeps its data in the installation's folder (CasaOS's
 * /DATA/AppData/$AppID), and the typed setting is in the container verbatim. One fresh server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { signInAt, watchErrors } from '../../auth/test/support/console-e2e';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const freshServers = require('../../../scripts/testbed/fresh-server.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

jest.setTimeout(900000);

interface Fresh {
  host: string;
  port: number;
  username: string;
  password: string;
  exec(argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
const STORE = path.join(__dirname, 'fixtures', 'stores', 'casaos');
/** What a user might type: shell, Compose and template characters, markup, non-ASCII; none may be touched. */
const TYPED = 'Grüße "$HOME" & $(id) ${PUID} {{GREETING}} <b>100%</b> \\n';
let dataDir: string;
let tomo: Awaited<ReturnType<typeof serveTomo>> | undefined;
let fresh: Fresh | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await tomo?.stop();
  await fresh?.remove();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('an imported CasaOS app installs through the wizard on a prepared Debian 13 server, answers, and gets the typed setting verbatim', async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-casaos-'));
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, `catalog:\n  stores:\n    - format: casaos\n      dir: ${JSON.stringify(STORE)}\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  [fresh, tomo, browser] = await Promise.all([
    freshServers.startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }) as Promise<Fresh>,
    serveTomo(env),
    launchChromium(),
  ]);
  const server = fresh!;
  const { token } = (await (await fetch(`${tomo.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${tomo!.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as any };
  };

  // The catalog: the store's apps, with the store's licence; the refusals in the detail.
  const list = (await api('GET', '/api/apps/catalog?q=greeter')).body;
  expect(list.apps.map((a: { id: string }) => a.id)).toEqual(['casaos-greeter']);
  expect(list.apps[0]).toMatchObject({ source: { id: 'store:casaos', kind: 'import' }, store: { format: 'casaos', licence: 'Apache-2.0' } });
  expect(list.apps[0].unavailable).toBeUndefined();
  const gpu = (await api('GET', '/api/apps/catalog/casaos-gpu-transcoder')).body;
  expect(gpu.imported.refusals.map((r: { field: string }) => r.field)).toEqual(['services.transcoder.entrypoint', 'services.transcoder.devices']);

  // Same workaround as compose-debian13.e2e: Docker in a container on this kernel needs it for Compose networks.
  const dropIn = '/etc/systemd/system/docker.service.d/tomo-testbed-ipv6.conf';
  for (const argv of [['mkdir', '-p', '/etc/systemd/system/docker.service.d'], ['tee', dropIn]]) {
    const r = await server.exec(argv, { input: '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const added = await api('POST', '/api/servers', { name: 'trixie', host: server.host, port: server.port, username: server.username, authType: 'password', credentials: { password: server.password } });
  expect(added.status).toBe(201);
  const serverId = added.body.id as string;

  // An unavailable app is refused before anything reaches the server, naming why.
  const refused = await api('POST', `/api/servers/${serverId}/apps`, { appId: 'casaos-gpu-transcoder' });
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ field: 'appId', message: expect.stringContaining('device passthrough is not supported') });

  expect((await api('POST', `/api/servers/${serverId}/preparation`, {})).status).toBe(202);
  let prep: any;
  for (const deadline = Date.now() + 600000; ; ) {
    prep = (await api('GET', `/api/servers/${serverId}/preparation`)).body;
    if (prep.status !== 'in_progress' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect({ status: prep.status, error: prep.error }).toEqual({ status: 'completed', error: null });

  // The console: the app's details name the store and its licence; the wizard installs it.
  const page = await browser!.newPage();
  const errors = watchErrors(page);
  await signInAt(page, `${tomo.url}/apps`, ADMIN);
  await page.getByTestId('catalog-search').fill('greeter');
  await page.getByTestId('app-card-casaos-greeter').click();
  expect(await page.getByTestId('app-store').locator('[data-fact="licence"]').innerText()).toBe('Apache-2.0');
  await page.getByTestId('install-button').click();
  await page.getByTestId(`wizard-server-${serverId}`).check();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-setting-GREETING').fill(TYPED);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-summary').waitFor();
  await page.getByTestId('wizard-install').click();
  const result = page.getByTestId('install-result');
  await result.waitFor({ timeout: 300000 });
  expect(await result.getAttribute('data-result')).toBe('success');
  expect(await page.getByTestId('install-step-pull').getAttribute('data-state')).toBe('done');
  // The store's icon is on another site, which the console's Content-Security-Policy refuses (the
  // card shows the initial instead): expected; any other console error is not.
  expect(errors.filter((e) => !/^Loading the image 'https:\/\/cdn\.example\.test\/.*violates the following Content Security Policy directive: "img-src/.test(e))).toEqual([]);

  const [installed] = (await api('GET', `/api/servers/${serverId}/apps`)).body.installations;
  expect(installed).toMatchObject({ appId: 'casaos-greeter', state: 'running' });
  const sh = async (argv: string[]) => {
    const r = await server.exec(argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // It answers on the store's port, on the server, and counts the visit in its data folder.
  const page1 = await sh(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/18101 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3']);
  expect(page1.split('\r\n\r\n')[1]).toMatch(/^webapp v1\nvisits 1\n/);
  expect(await sh(['cat', `${installed.dataDir}/data/visits`])).toMatch(/^1\s*$/);

  // The typed setting, and the store's defaults for the others, as the container has them.
  const ids = (await sh(['docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${installed.projectName}`])).trim().split('\n');
  expect(ids).toHaveLength(1);
  const containerEnv = JSON.parse(await sh(['docker', 'inspect', '--format', '{{json .Config.Env}}', ids[0]])) as string[];
  expect(containerEnv).toEqual(expect.arrayContaining([`GREETING=${TYPED}`, 'TZ=Etc/UTC', 'PUID=1000', 'DATA_OWNER=1000:1000', 'APP_SECRET=change-me']));
});
