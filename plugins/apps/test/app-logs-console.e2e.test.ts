/**
 * Issue 17's Logs tab in Chromium against the built Tomo (`tomo serve`) and the test bed: the
 * server's Apps tab → an app's Logs → a line the app printed after the logs opened shows within
 * 2 s; the password Tomo generated shows masked (never in the page); pause holds new lines back
 * and resume shows them; search narrows the lines; download gives a file of what is shown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { MASK } from '../src/logs/secret-mask';
import { SINGLE_SERVICE_NAME } from '../src/catalog/definition-types';
import { localDocker, markPreparedInDatabase, removeServerApps, TEST_CATALOG, testbed } from './support/apps-kernel';
import { ensureLogsImage, LOGS_CATALOG } from './support/logs-image';
import { freePort } from '../../../test-support/ports';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
jest.setTimeout(120000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let serverId: string;
let port: number;
let password: string;

beforeAll(async () => {
  assertBuilt();
  await ensureLogsImage();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-logs-ui-'));
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-logs-ui-data-'));
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, `apps:\n  dataRoot: ${dataRoot}\n  stopTimeoutSeconds: 1\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: [TEST_CATALOG, LOGS_CATALOG].join(path.delimiter) };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  const api = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json() as Promise<any>;
  };
  const { token } = await api('POST', '/api/auth/login', undefined, ADMIN);
  const { ssh } = testbed();
  serverId = (await api('POST', '/api/servers', token, { name: 'homelab', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } })).id;
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), serverId);
  port = await freePort();
  const { installation } = await api('POST', `/api/servers/${serverId}/apps`, token, { appId: 'log-echo', ports: { '80/tcp': port } });
  for (let i = 0; i < 300 && (await api('GET', `/api/apps/installations/${installation.id}`, token)).installation.state === 'installing'; i++) await new Promise((r) => setTimeout(r, 200));
  const env2 = (await localDocker().getContainer(installation.containerName).inspect()).Config.Env as string[];
  password = env2.find((e) => e.startsWith('APP_PASSWORD='))!.slice('APP_PASSWORD='.length);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (serverId) await removeServerApps(serverId);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const hit = (p: string) => fetch(`http://127.0.0.1:${port}${p}`).then((r) => r.text());
const lineWith = (page: Page, text: string) => page.getByTestId('logs-line').filter({ hasText: text });

test('the Logs tab follows the app live (a new line within 2 s), masks the generated password, pauses, searches and downloads', async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = watchErrors(page);
  await signInAt(page, `${server.url}/servers/${serverId}`, ADMIN);
  await page.getByRole('tab', { name: 'Apps' }).click();
  const row = page.locator('[data-testid^="app-row-"][data-app="log-echo"]');
  await row.getByTestId('app-logs').click();
  const dialog = page.getByRole('dialog', { name: 'Logs of Log Echo' });
  await dialog.waitFor();

  // The start lines: the password masked, never in the page.
  await lineWith(page, `generated password: ${MASK}`).waitFor();
  await lineWith(page, 'greeting: hello from stderr').waitFor();
  expect(await lineWith(page, 'greeting: hello from stderr').getAttribute('data-stream')).toBe('stderr');
  await page.waitForSelector('[data-testid="logs-status"][data-status="live"]');
  expect(await page.content()).not.toContain(password);

  // A line printed after the tab opened shows within 2 s.
  const live = `/live-${Date.now()}`;
  const started = Date.now();
  await hit(live);
  await lineWith(page, `url:${live}`).waitFor({ timeout: 2000 });
  expect(Date.now() - started).toBeLessThan(2000);

  // Paused: new lines are held back (and counted); resumed, they show.
  await page.getByTestId('logs-pause').click();
  const held = `/held-${Date.now()}`;
  await hit(held);
  await page.getByTestId('logs-status').getByText(/Paused: \d+ new lines? waiting/).waitFor();
  expect(await lineWith(page, `url:${held}`).count()).toBe(0);
  await page.getByTestId('logs-resume').click();
  await lineWith(page, `url:${held}`).waitFor({ timeout: 2000 });

  // Search keeps the matching lines and marks the match.
  await page.getByTestId('logs-search').fill(live);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="logs-line"]').length === 1);
  expect(await page.locator('.apps-logs__match').first().textContent()).toBe(live);

  // Download: a file of the lines shown.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^log-echo-logs-.*\.txt$/);
  const file = fs.readFileSync((await download.path())!, 'utf8');
  expect(file).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${SINGLE_SERVICE_NAME} (stdout|stderr) .*url:${live}\\n$`));

  await page.getByTestId('logs-search').fill('');
  const [all] = await Promise.all([page.waitForEvent('download'), page.getByTestId('logs-download').click()]);
  const everything = fs.readFileSync((await all.path())!, 'utf8');
  expect(everything).toContain(`generated password: ${MASK}`);
  expect(everything).not.toContain(password);
  expect(errors).toEqual([]);
});
