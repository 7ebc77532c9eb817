/**
 * Issue 6, acceptance 1, against the built Tomo (`tomo serve`) and the test bed, polling every
 * second: with two servers polled (two records on the test bed's sshd, an app running on one),
 * the dashboard in Chromium shows both online with live figures and the app; the Metrics tab's
 * uPlot charts hold points, the app's container row and chart too; and `curl` with a personal API
 * token gets the JSON endpoints. (The activity card and page: plugins/activity/test/activity-console.e2e.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { curlJson, requestJson, signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { localDocker, markPreparedInDatabase, TEST_CATALOG, testbed } from '../../apps/test/support/apps-kernel';
import { waitFor } from './support/wait-for';
import { freePort } from '../../../test-support/ports';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: Page, name: string): Promise<void> };
jest.setTimeout(180000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let loginToken: string;
let apiToken: string;
const ids: { alpha: string; beta: string } = { alpha: '', beta: '' };
/** The app installed on alpha. */
let installationId: string;

const call = (method: string, url: string, body?: unknown, token = loginToken): Promise<any> => requestJson(server.url, method, url, body, token);
const curl = (url: string) => curlJson(server.url, apiToken, url);
const signIn = (page: Page, url: string) => signInAt(page, url, ADMIN);

beforeAll(async () => {
  assertBuilt();
  for (const file of ['plugins/monitoring/dist/plugin.js', 'plugins/monitoring/dist/ui/index.js', 'ui-shell/dist/index.html']) {
    if (!fs.existsSync(path.resolve(__dirname, '../../..', file))) throw new Error(`${file} is missing: run \`npm run build\``);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-monitoring-ui-'));
  const config = path.join(dataDir, 'config.yaml');
  const appsData = path.join(dataDir, 'apps');
  fs.writeFileSync(config, `monitoring:\n  intervalSeconds: 1\napps:\n  dataRoot: ${appsData}\n  stopTimeoutSeconds: 1\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: TEST_CATALOG };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  const chromium = launchChromium();
  loginToken = (await call('POST', '/api/auth/login', ADMIN, '')).token;
  const { ssh } = testbed();
  for (const name of ['alpha', 'beta'] as const) {
    const added = await call('POST', '/api/servers', { name, host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
    ids[name] = added.id;
  }
  // An app on alpha: its container's figures, state and chart.
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), ids.alpha);
  installationId = (await call('POST', `/api/servers/${ids.alpha}/apps`, { appId: 'web-hello', ports: { '80/tcp': await freePort() } })).installation.id;
  const installed = await waitFor('the app installed', async () => {
    const { installation } = await call('GET', `/api/apps/installations/${installationId}`);
    return installation.state !== 'installing' && installation;
  }, 90000);
  expect(installed.state).toBe('running');
  apiToken = (await call('POST', '/api/auth/tokens', { name: 'curl from the e2e test' })).token;
  browser = await chromium;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  const docker = localDocker();
  for (const c of await docker.listContainers({ all: true, filters: { label: [`io.tomo.server=${ids.alpha}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('both servers polled: the dashboard shows them online with live figures, and the Metrics tab charts their points', async () => {
  // Two polls each (CPU is a difference between two readings of /proc/stat), the app's too.
  await waitFor('both servers with a CPU figure, and the app', async () => {
    const { perServer } = await call('GET', '/api/metrics/summary');
    const { containers } = await call('GET', `/api/metrics/servers/${ids.alpha}?period=24h`);
    return perServer.length === 2 && perServer.every((s: any) => s.status === 'online' && s.cpuPercent !== null) && containers[0]?.cpuPercent !== null && containers[0]?.cpuPercent !== undefined;
  });

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await signIn(page, `${server.url}/`);

  const fleet = page.getByTestId('fleet-widget');
  await fleet.locator('[data-testid="fleet-servers"] [data-field="online"]').getByText('2', { exact: true }).waitFor();
  expect(await fleet.locator('[data-testid="fleet-servers"] [data-field="offline"]').innerText()).toBe('0');
  expect(await fleet.locator('[data-testid="fleet-apps"] [data-field="running"]').innerText()).toBe('1');
  expect(await page.getByTestId('auto-refresh').first().isChecked()).toBe(true);
  for (const [name, id] of Object.entries(ids)) {
    const tile = page.getByTestId(`health-${id}`);
    await tile.waitFor();
    expect(await tile.getAttribute('data-status')).toBe('online');
    expect(await tile.locator('.mon-tile__name').innerText()).toBe(name);
    expect(await tile.locator('.t-badge').innerText()).toBe('Online');
    const values = await tile.locator('.mon-bar [data-field="value"]').allInnerTexts();
    expect(values).toHaveLength(3);
    for (const value of values) expect(value).toMatch(/^\d+(\.\d)? %$/);
    const widths = await tile.locator('.mon-bar__fill').evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.width));
    expect(widths.some((w) => Number.parseFloat(w) > 0)).toBe(true);
    expect(await tile.locator('[data-field="apps"]').innerText()).toBe(name === 'alpha' ? '1 running' : 'No apps');
  }
  await docsScreenshot(page, 'monitoring-dashboard');

  // Live: the cards ask again by themselves (auto-refresh, every 10 s), without a reload.
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  await page.waitForRequest((request) => request.url().endsWith('/api/metrics/summary'), { timeout: 15000 });
  expect(navigations).toEqual([]);

  // The server page's Metrics tab: five uPlot charts with points, drawn on canvas.
  await page.getByTestId(`health-${ids.alpha}`).locator('.mon-tile__name').click();
  await page.getByRole('tab', { name: 'Metrics' }).waitFor();
  expect(new URL(page.url()).searchParams.get('tab')).toBe('monitoring:metrics');
  const now = page.getByTestId('metrics-now');
  await now.waitFor();
  expect(await now.locator('.t-badge').innerText()).toBe('Online');
  expect(await now.locator('[data-field="uptime"]').innerText()).toMatch(/^up \d+ (d|h|min)/);
  const cpu = page.getByTestId('chart-cpu').locator('.mon-chart');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-cpu"] .mon-chart')?.getAttribute('data-points')) > 0);
  expect(Number(await cpu.getAttribute('data-points'))).toBeGreaterThan(0);
  expect(await page.locator('[data-testid^="chart-"] .mon-chart').count()).toBe(5);
  for (const chart of await page.locator('[data-testid^="chart-"] .mon-chart').all()) expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  const canvas = page.getByTestId('chart-cpu').locator('.uplot canvas');
  expect(await canvas.count()).toBe(1);
  const size = await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  expect(size[0]).toBeGreaterThan(200);
  expect(size[1]).toBeGreaterThan(100);
  // The app's container: running, with its CPU and memory; its chart opens with points.
  const row = page.getByTestId(`container-${installationId}`);
  expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('running');
  expect(await row.locator('[data-field="cpu"]').innerText()).toMatch(/^\d+(\.\d)? %$/);
  expect(await row.locator('[data-field="mem"]').innerText()).toMatch(/^[\d.]+ (KiB|MiB|GiB)$/);
  await docsScreenshot(page, 'server-metrics-tab');
  await row.getByTestId('container-chart-toggle').click();
  await page.waitForFunction((id) => Number(document.querySelector(`[data-testid="app-chart-${id}"] [data-testid="chart-app-cpu"]`)?.getAttribute('data-points')) > 0, installationId);
  expect(await page.getByTestId(`app-chart-${installationId}`).locator('.uplot canvas').count()).toBe(2);

  // Another period asks for it and still draws.
  await page.getByTestId('period-7d').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="period-7d"]')?.getAttribute('aria-pressed') === 'true');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-memory"] .mon-chart')?.getAttribute('data-points')) > 0);
  expect(errors).toEqual([]);
});

test('curl with an API token gets the metrics as JSON', async () => {
  const latest = curl('/api/metrics/servers');
  expect(latest.status).toBe(200);
  expect(latest.body.servers.map((s: any) => s.name).sort()).toEqual(['alpha', 'beta']);
  for (const s of latest.body.servers) {
    expect(s.status).toBe('online');
    expect(s.latest.memTotalBytes).toBeGreaterThan(0);
    expect(s.latest.latencyMs).toBeGreaterThan(0);
  }

  const history = curl(`/api/metrics/servers/${ids.beta}?period=24h`);
  expect(history.status).toBe(200);
  expect(history.body).toMatchObject({ serverId: ids.beta, period: '24h' });
  expect(history.body.points.length).toBeGreaterThan(0);
  expect(history.body.points.at(-1).cpuPercent).toEqual(expect.any(Number));
  expect(curl(`/api/metrics/servers/${ids.alpha}?period=24h`).body.containers).toEqual([expect.objectContaining({ installationId, appId: 'web-hello', state: 'running' })]);
  const app = curl(`/api/metrics/apps/${installationId}?period=24h`);
  expect(app.status).toBe(200);
  expect(app.body.points.length).toBeGreaterThan(0);
  expect(history.body.containers).toEqual([]);

  const summary = curl('/api/metrics/summary');
  expect(summary.body.servers).toEqual({ total: 2, online: 2, offline: 0, unknown: 0 });
  expect(summary.body.apps).toMatchObject({ total: 1, running: 1 });
});
