/**
 * Issue 23, acceptance 2, for the three store formats on ONE fresh Debian 13 server from the test
 * bed, prepared by Tomo once (preparation is most of the time: CI time matters). The built Tomo
 * (`tomo serve`) reads the fixture stores of test/fixtures/stores through `catalog.stores`, as an
 * admin would configure them.
 * - CasaOS, in Chromium: the Greeter app's details show the store and its licence; the install wizard
 *   installs it with a setting typed in it; it pulls from the test registry, answers on its port,
 *   keeps its data in the installation's folder (CasaOS's /DATA/AppData/$AppID), and the typed
 *   setting is in the container verbatim.
 * - Runtipi and Umbrel, through the API (the wizard's fields): one app of each installs at once,
 *   answers on the port its store gave, and gets the typed setting verbatim.
 * Apps Tomo cannot honour are refused before anything reaches the server, naming the reason.
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
const STORES = path.join(__dirname, 'fixtures', 'stores');
let dataDir: string;
let tomo: Awaited<ReturnType<typeof serveTomo>> | undefined;
let fresh: Fresh | undefined;
let browser: Browser | undefined;
let token: string;
let serverId: string;

afterAll(async () => {
  await browser?.close();
  await tomo?.stop();
  await fresh?.remove();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tomo!.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

async function sh(argv: string[]): Promise<string> {
  const r = await fresh!.exec(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** GET <path> from 127.0.0.1:<port> on the server: the body, or null when nothing answers. */
async function ask(port: number, urlPath: string): Promise<string | null> {
  const r = await fresh!.exec(['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\\r\\n\\r\\n" "$2" >&3 && cat <&3', 'ask', String(port), urlPath]);
  return r.code === 0 ? (r.stdout.split('\r\n\r\n')[1] ?? '') : null;
}

async function waitInstalled(id: string): Promise<any> {
  for (const deadline = Date.now() + 300000; ; ) {
    const res = await api('GET', `/api/apps/installations/${id}`);
    if (res.status !== 200) throw new Error(`get installation: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.installation.state !== 'installing') return res.body.installation;
    if (Date.now() > deadline) throw new Error(`still installing: ${JSON.stringify(res.body.installation.progress)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-stores-'));
  const config = path.join(dataDir, 'config.yaml');
  const stores = [
    { format: 'casaos', dir: path.join(STORES, 'casaos') },
    { format: 'runtipi', dir: path.join(STORES, 'runtipi') },
    { format: 'umbrel', dir: path.join(STORES, 'umbrel'), name: 'Tomo test store', licence: 'MIT', attribution: 'Tomo test fixtures' },
  ];
  fs.writeFileSync(config, JSON.stringify({ catalog: { stores } }));
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  [fresh, tomo, browser] = await Promise.all([
    freshServers.startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }) as Promise<Fresh>,
    serveTomo(env),
    launchChromium(),
  ]);
  ({ token } = (await (await fetch(`${tomo.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string });

  // As compose-debian13.e2e: Docker in a container on this kernel needs its IPv6 switch for Compose networks (a real machine does not).
  const dropIn = '/etc/systemd/system/docker.service.d/tomo-testbed-ipv6.conf';
  for (const argv of [['mkdir', '-p', '/etc/systemd/system/docker.service.d'], ['tee', dropIn]]) {
    const r = await fresh!.exec(argv, { input: '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' });
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  const added = await api('POST', '/api/servers', { name: 'trixie-stores', host: fresh!.host, port: fresh!.port, username: fresh!.username, authType: 'password', credentials: { password: fresh!.password } });
  expect(added.status).toBe(201);
  serverId = added.body.id;

  // Apps Tomo cannot honour are refused before anything reaches the server (not even prepared yet), naming why.
  const gpu = await api('POST', `/api/servers/${serverId}/apps`, { appId: 'casaos-gpu-transcoder' });
  expect(gpu.status).toBe(409);
  expect(gpu.body.error).toMatchObject({ field: 'appId', message: expect.stringContaining('device passthrough is not supported') });
  const exposed = await api('POST', `/api/servers/${serverId}/apps`, { appId: 'runtipi-tipi-exposed' });
  expect(exposed.status).toBe(409);
  expect(exposed.body.error.message).toContain('force_expose');

  expect((await api('POST', `/api/servers/${serverId}/preparation`, {})).status).toBe(202);
  let prep: any;
  for (const deadline = Date.now() + 600000; ; ) {
    prep = (await api('GET', `/api/servers/${serverId}/preparation`)).body;
    if (prep.status !== 'in_progress' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect({ status: prep.status, error: prep.error }).toEqual({ status: 'completed', error: null });
});

test('an imported CasaOS app installs through the wizard, answers, and gets the typed setting verbatim', async () => {
  /** What a user might type: shell, Compose and template characters, markup, non-ASCII; none may be touched. */
  const TYPED = 'Grüße "$HOME" & $(id) ${PUID} {{GREETING}} <b>100%</b> \\n';
  // The catalog: the store's apps, with the store's licence; the refusals in the detail.
  const list = (await api('GET', '/api/apps/catalog?q=greeter')).body;
  expect(list.apps.map((a: { id: string }) => a.id)).toEqual(['casaos-greeter']);
  expect(list.apps[0]).toMatchObject({ source: { id: 'store:casaos', kind: 'import' }, store: { format: 'casaos', licence: 'Apache-2.0' } });
  expect(list.apps[0].unavailable).toBeUndefined();
  const gpu = (await api('GET', '/api/apps/catalog/casaos-gpu-transcoder')).body;
  expect(gpu.imported.refusals.map((r: { field: string }) => r.field)).toEqual(['services.transcoder.entrypoint', 'services.transcoder.devices']);

  // The console: the app's details name the store and its licence; the wizard installs it.
  const page = await browser!.newPage();
  const errors = watchErrors(page);
  await signInAt(page, `${tomo!.url}/apps`, ADMIN);
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
  await page.close();

  const [installed] = (await api('GET', `/api/servers/${serverId}/apps`)).body.installations;
  expect(installed).toMatchObject({ appId: 'casaos-greeter', state: 'running' });
  // It answers on the store's port, on the server, and counts the visit in its data folder.
  expect(await ask(18101, '/')).toMatch(/^webapp v1\nvisits 1\n/);
  expect(await sh(['cat', `${installed.dataDir}/data/visits`])).toMatch(/^1\s*$/);

  // The typed setting, and the store's defaults for the others, as the container has them.
  const ids = (await sh(['docker', 'ps', '-q', '--filter', `label=com.docker.compose.project=${installed.projectName}`])).trim().split('\n');
  expect(ids).toHaveLength(1);
  const containerEnv = JSON.parse(await sh(['docker', 'inspect', '--format', '{{json .Config.Env}}', ids[0]])) as string[];
  expect(containerEnv).toEqual(expect.arrayContaining([`GREETING=${TYPED}`, 'TZ=Etc/UTC', 'PUID=1000', 'DATA_OWNER=1000:1000', 'APP_SECRET=change-me']));

  // Gone with its data: the next test's Runtipi app takes the same port; its image goes too, so the
  // next installs pull from the registry again (they use the same test image).
  expect((await api('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`)).body).toEqual({ removed: true, dataDeleted: true });
  await sh(['docker', 'image', 'prune', '--all', '--force']);
});

test('a Runtipi app and an Umbrel app install at once, answer, and get the typed setting verbatim', async () => {
  // The imported apps are in the catalog with their store (its licence and attribution) and what was not honoured.
  const notes = (await api('GET', '/api/apps/catalog/runtipi-tipi-notes')).body;
  expect(notes.source).toMatchObject({ id: 'store:runtipi', kind: 'import' });
  expect(notes.imported).toMatchObject({ store: { id: 'runtipi', format: 'runtipi', name: 'Runtipi app store' }, storeAppId: 'tipi-notes' });
  expect(notes.imported.refusals).toContainEqual({ field: 'form_fields.6.regex', reason: expect.stringContaining('Tomo does not check values against a pattern') });
  const umbrelNotes = (await api('GET', '/api/apps/catalog/umbrel-tomo-umbrel-notes')).body;
  expect(umbrelNotes.imported.store).toEqual({ id: 'umbrel', format: 'umbrel', name: 'Tomo test store', licence: 'MIT', attribution: 'Tomo test fixtures' });

  // What the process sees (the image's busybox has no printenv); `variable` is one of this test's names.
  const seenBy = async (container: string, variable: string) => sh(['docker', 'exec', container, 'sh', '-c', `printf %s "$${variable}"`]);
  // What a user may type: shell and Compose syntax must arrive as text.
  const typed = (who: string) => `${who} $HOME $$ \`id\` "q" 'q' $(id) \${TZ} ;|&`;

  // Both installs at once: each pulls from the registry onto the server.
  const [tipi, umbrel] = await Promise.all([
    api('POST', `/api/servers/${serverId}/apps`, { appId: 'runtipi-tipi-notes', settings: { NOTES_GREETING: typed('tipi') } }),
    api('POST', `/api/servers/${serverId}/apps`, { appId: 'umbrel-tomo-umbrel-notes', settings: { APP_PASSWORD: typed('umbrel') } }),
  ]);
  expect([tipi.status, umbrel.status]).toEqual([202, 202]);
  const [tipiApp, umbrelApp] = await Promise.all([waitInstalled(tipi.body.installation.id), waitInstalled(umbrel.body.installation.id)]);
  for (const installed of [tipiApp, umbrelApp]) {
    expect(installed).toMatchObject({ state: 'running', error: null, deployment: 'compose' });
    expect(installed.progress.find((s: { id: string }) => s.id === 'pull')).toMatchObject({ state: 'done' });
  }

  // They answer on the ports their stores gave (config.json's port; umbrel-app.yml's port, for app_proxy's target).
  expect(await ask(18101, '/version')).toBe('webapp v1\n');
  expect(await ask(18201, '/version')).toBe('webapp v1\n');

  // The typed values reach the processes verbatim; the generated and default ones are there too.
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'GREETING')).toBe(typed('tipi'));
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'TZ')).toBe('Etc/UTC');
  expect(await seenBy(`${tipiApp.projectName}-tipi-notes-1`, 'APP_SECRET')).toMatch(/^[0-9a-f]{64}$/);
  expect(await seenBy(`${umbrelApp.projectName}-web-1`, 'ADMIN_PASSWORD')).toBe(typed('umbrel'));

  for (const installed of [tipiApp, umbrelApp]) {
    expect((await api('DELETE', `/api/apps/installations/${installed.id}?deleteData=true`)).body).toEqual({ removed: true, dataDeleted: true });
  }
});
