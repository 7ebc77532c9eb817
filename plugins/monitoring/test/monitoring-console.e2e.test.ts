/**
 * Issue 6, acceptance 1, against the built Tomo (`tomo serve`) and the test bed, polling every
 * second: with two servers polled (two records on the test bed's sshd, an app running on one),
 * the dashboard in Chromium shows both online with live figures and the app; the Metrics tab's
 * uPlot charts hold points, the app's container row and chart too; the Activity
 * page filters by server and action and pages, its filters in the URL; and `curl` with a personal
 * API token gets the JSON endpoints, with the log's pagination totals.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
/** Renames per server: each is a `server.update` entry, enough for two pages of the log. */
const RENAMES = 30;

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let loginToken: string;
let apiToken: string;
const ids: { alpha: string; beta: string } = { alpha: '', beta: '' };
/** The app installed on alpha. */
let installationId: string;

async function call(method: string, url: string, body?: unknown, token = loginToken): Promise<any> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** `curl` with the API token, as a script would: the parsed JSON and the HTTP status. */
function curl(url: string): { status: number; body: any } {
  const run = spawnSync('curl', ['-sS', '-H', `Authorization: Bearer ${apiToken}`, '-w', '\n%{http_code}', `${server.url}${url}`], { encoding: 'utf8', timeout: 30000 });
  expect(run.status).toBe(0);
  const at = run.stdout.lastIndexOf('\n');
  return { status: Number(run.stdout.slice(at + 1)), body: JSON.parse(run.stdout.slice(0, at)) };
}

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
  for (let i = 0; i < RENAMES; i++) {
    for (const name of ['alpha', 'beta'] as const) await call('PATCH', `/api/servers/${ids[name]}`, { name: i % 2 === 0 ? `${name}-renamed` : name });
  }
  // An app on alpha: its container's figures, state and chart.
  markPreparedInDatabase(path.join(dataDir, 'tomo.db'), ids.alpha);
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

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) errors.push(msg.text());
  });
  page.on('dialog', (dialog) => {
    errors.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return errors;
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

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
  // The recent activity: the renames, newest first, by the admin through the API.
  const feed = page.getByTestId('activity-widget');
  await feed.locator('.mon-feed__item').first().waitFor();
  expect(await feed.locator('.mon-feed__item').count()).toBe(10);
  expect(await feed.locator('[data-field="action"]').allInnerTexts()).toContain('server.update');
  expect(await feed.locator('[data-field="door"]').allInnerTexts()).toContain('via API');
  await docsScreenshot(page, 'monitoring-dashboard');

  // Live: the cards ask again by themselves (auto-refresh, every 10 s), without a reload.
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  await page.waitForRequest((request) => request.url().endsWith('/api/metrics/summary'), { timeout: 15000 });
  await page.waitForRequest((request) => request.url().endsWith('/api/logs?pageSize=10'), { timeout: 15000 });
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

test('the Activity page filters by server and action, keeps the filters in the URL, and pages', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await signIn(page, `${server.url}/logs`);
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Activity' }).waitFor();

  // Everything: more than one page.
  const all = await call('GET', '/api/activity?pageSize=1');
  expect(all.total).toBeGreaterThan(2 * RENAMES);
  const range = page.getByTestId('page-range');
  await range.getByText(`1–50 of ${all.total}`).waitFor();
  expect(await page.locator('[data-testid="log-table"] tbody tr').count()).toBe(50);
  expect(await page.getByTestId('page-prev').isDisabled()).toBe(true);
  await docsScreenshot(page, 'activity-log');

  // By server, then by action: the URL follows, the rows match.
  await page.getByTestId('filter-server').selectOption(ids.alpha);
  const byServer = await call('GET', `/api/activity?serverId=${ids.alpha}&pageSize=1`);
  await range.getByText(`1–${Math.min(50, byServer.total)} of ${byServer.total}`).waitFor();
  expect(new URL(page.url()).searchParams.get('serverId')).toBe(ids.alpha);
  await page.getByTestId('filter-action').selectOption('server.update');
  await range.getByText(`1–${RENAMES} of ${RENAMES}`).waitFor();
  const url = new URL(page.url());
  expect(Object.fromEntries(url.searchParams)).toEqual({ serverId: ids.alpha, action: 'server.update' });
  expect(new Set(await page.locator('[data-testid="log-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))).toEqual(new Set(['server.update']));
  for (const target of await page.locator('[data-testid="log-table"] [data-field="target"]').allInnerTexts()) expect(target).toMatch(/^alpha(-renamed)? \(server\)/);

  // The same link in a fresh page shows the same view.
  const again = await browser.newPage();
  const againErrors = watchErrors(again);
  await signIn(again, url.toString());
  await again.getByTestId('page-range').getByText(`1–${RENAMES} of ${RENAMES}`).waitFor();
  expect(await again.getByTestId('filter-server').inputValue()).toBe(ids.alpha);
  expect(await again.getByTestId('filter-action').inputValue()).toBe('server.update');
  await again.close();

  // A kind of action over both servers: two pages, Next and Previous.
  await page.getByTestId('filter-server').selectOption('');
  await page.getByTestId('filter-action').selectOption('server');
  const servers = await call('GET', '/api/activity?action=server&pageSize=1');
  expect(servers.total).toBeGreaterThan(50);
  await range.getByText(`1–50 of ${servers.total}`).waitFor();
  await page.getByTestId('page-next').click();
  await range.getByText(`51–${servers.total} of ${servers.total}`).waitFor();
  expect(new URL(page.url()).searchParams.get('page')).toBe('2');
  expect(await page.locator('[data-testid="log-table"] tbody tr').count()).toBe(servers.total - 50);
  expect(await page.getByTestId('page-next').isDisabled()).toBe(true);
  await page.getByTestId('page-prev').click();
  await range.getByText(`1–50 of ${servers.total}`).waitFor();
  expect(new URL(page.url()).searchParams.get('page')).toBeNull();
  expect(errors).toEqual([]);
  expect(againErrors).toEqual([]);
});

test('curl with an API token gets the metrics and the activity log as JSON, with pagination totals', async () => {
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

  const first = curl('/api/activity?page=1&pageSize=7');
  const second = curl('/api/activity?page=2&pageSize=7');
  expect(second.status).toBe(200);
  expect({ page: second.body.page, pageSize: second.body.pageSize, entries: second.body.entries.length }).toEqual({ page: 2, pageSize: 7, entries: 7 });
  expect(second.body.total).toBeGreaterThanOrEqual(first.body.total);
  expect(second.body.total).toBeGreaterThan(14);
  // Newest first, and page 2 carries on where page 1 stopped.
  const firstIds = new Set(first.body.entries.map((e: any) => e.id));
  expect(second.body.entries.some((e: any) => firstIds.has(e.id))).toBe(false);
  expect(Date.parse(second.body.entries[0].at)).toBeLessThanOrEqual(Date.parse(first.body.entries.at(-1).at));

  const filtered = curl(`/api/activity?serverId=${ids.beta}&action=server.update&page=2&pageSize=20`);
  expect({ total: filtered.body.total, entries: filtered.body.entries.length }).toEqual({ total: RENAMES, entries: RENAMES - 20 });
  expect(curl('/api/activity?pageSize=500').status).toBe(400);
});
