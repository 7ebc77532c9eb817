/**
 * The install wizard flow in Chromium against the built Tomo (`tomo serve`) and the test bed: the
 * catalog page → search → app details → wizard (prepared server, port, a setting holding markup)
 * → live progress → success; then the server's Apps tab: running → stop → start → uninstall with
 * "delete data too". The app answers on its port while it runs, and nothing is left at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { fetchPage, localDocker, markPreparedInDatabase, removeServerApps, TEST_CATALOG, testbed } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: Page, name: string): Promise<void> };
jest.setTimeout(120000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
let dataDir: string;
let dataRoot: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let serverId: string;

beforeAll(async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-apps-ui-'));
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-apps-ui-data-'));
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, `apps:\n  dataRoot: ${dataRoot}\n  stopTimeoutSeconds: 1\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: TEST_CATALOG };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  const { token } = (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
  const { ssh } = testbed();
  const added = await fetch(`${server.url}/api/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'homelab', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } }),
  });
  serverId = ((await added.json()) as { id: string }).id;
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), serverId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (serverId) await removeServerApps(serverId);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (page: Page, url: string) => signInAt(page, url, ADMIN);

test('catalog → wizard → live progress → the app answers; then stop, start and uninstall from the server page', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await signIn(page, `${server.url}/apps`);

  // Browse: the curated catalog is there; a search narrows it to the test app.
  await page.getByTestId('app-card-portainer').waitFor();
  await docsScreenshot(page, 'apps-catalog');
  await page.getByTestId('catalog-search').fill('tiny web');
  await page.getByTestId('app-card-nextcloud').waitFor({ state: 'detached' });
  await page.getByTestId('app-card-web-hello').click();
  await page.getByTestId('app-detail').getByText('tomo-test/httpd:1').waitFor();
  await docsScreenshot(page, 'app-details');
  await page.getByTestId('install-button').click();

  // Wizard: the prepared server, a free port, a setting holding markup (it must stay text).
  await page.getByTestId(`wizard-server-${serverId}`).check();
  await page.getByTestId('wizard-next').click();
  const port = await freePort();
  await page.getByTestId('wizard-port-80-tcp').fill(String(port));
  const greeting = '<img src=x onerror="window.__pwned=1">';
  await page.getByTestId('wizard-setting-GREETING').fill(greeting);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-summary').waitFor();
  await docsScreenshot(page, 'app-install-confirm');
  expect(await page.getByTestId('wizard-summary').innerText()).toContain(String(port));
  await page.getByTestId('wizard-install').click();

  // Live progress to success.
  const seenRunning = new Set<string>();
  const result = page.getByTestId('install-result');
  for (const deadline = Date.now() + 60000; !(await result.isVisible()); ) {
    // Read the running steps in one go: a locator per element (`.all()`) is queried again on each
    // read, and a step that finished in between made getAttribute wait 30 s for it (the live stream
    // moves steps on faster than the old polling did).
    const running = await page.locator('[data-testid^="install-step-"][data-state="running"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
    for (const id of running) seenRunning.add(id);
    if (Date.now() > deadline) throw new Error('the wizard never showed a result');
    await page.waitForTimeout(50);
  }
  expect(await result.getAttribute('data-result')).toBe('success');
  await docsScreenshot(page, 'app-install-done');
  expect(await page.getByTestId('install-step-pull').getAttribute('data-state')).toBe('skipped');
  expect(await page.getByTestId('install-open').getAttribute('href')).toBe(`http://127.0.0.1:${port}/`);
  expect(await fetchPage(port)).toContain('tomo-test-httpd ok');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.getByTestId('wizard-close').click();

  // The server's Apps tab.
  await page.goto(`${server.url}/servers/${serverId}`);
  await page.getByRole('tab', { name: 'Apps' }).click();
  const row = page.locator('[data-testid^="app-row-"][data-app="web-hello"]');
  await row.waitFor();
  const rowId = ((await row.getAttribute('data-testid')) ?? '').slice('app-row-'.length);
  const state = page.getByTestId(`app-state-${rowId}`);
  expect(await state.getAttribute('data-state')).toBe('running');
  await docsScreenshot(page, 'server-apps-tab');

  await row.getByTestId('app-stop').click();
  await page.waitForSelector(`[data-testid="app-state-${rowId}"][data-state="stopped"]`);
  expect(await fetchPage(port)).toBeNull();
  await row.getByTestId('app-start').click();
  await page.waitForSelector(`[data-testid="app-state-${rowId}"][data-state="running"]`);

  const dataDir = path.join(dataRoot, fs.readdirSync(dataRoot)[0]);
  expect(fs.existsSync(path.join(dataDir, 'data'))).toBe(true);
  await row.getByTestId('app-uninstall').click();
  await page.getByTestId('uninstall-delete-data').check();
  await page.getByTestId('uninstall-confirm').click();
  await row.waitFor({ state: 'detached' });
  expect(fs.existsSync(dataDir)).toBe(false);
  expect(await localDocker().listContainers({ all: true, filters: { label: [`io.tomo.server=${serverId}`] } })).toEqual([]);
  expect(errors).toEqual([]);
});
