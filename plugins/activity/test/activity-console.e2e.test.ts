/**
 * The activity plugin's console against the built Tomo (`tomo serve`) in Chromium: the dashboard's
 * Recent activity card (the newest ten entries, refreshing itself), the Activity page filtering by
 * server and action with its filters in the URL and paging, the old `/logs` address landing on it
 * with its filters, and `curl` with a personal API token reading the log's JSON with pagination
 * totals (the deprecated `/api/logs` path too).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { curlJson, requestJson, signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { testbed } from '../../apps/test/support/apps-kernel';
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

const call = (method: string, url: string, body?: unknown, token = loginToken): Promise<any> => requestJson(server.url, method, url, body, token);
const curl = (url: string) => curlJson(server.url, apiToken, url);
const signIn = (page: Page, url: string) => signInAt(page, url, ADMIN);

beforeAll(async () => {
  assertBuilt();
  for (const file of ['plugins/activity/dist/plugin.js', 'plugins/activity/dist/ui/index.js', 'ui-shell/dist/index.html']) {
    if (!fs.existsSync(path.resolve(__dirname, '../../..', file))) throw new Error(`${file} is missing: run \`npm run build\``);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-activity-ui-'));
  const config = path.join(dataDir, 'config.yaml');
  // No polls during the test: the log holds only what the test did.
  fs.writeFileSync(config, 'monitoring:\n  intervalSeconds: 3600\n');
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config };
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
  apiToken = (await call('POST', '/api/auth/tokens', { name: 'curl from the e2e test' })).token;
  browser = await chromium;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the dashboard card shows the newest ten entries and asks again by itself; All activity opens the page', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await signIn(page, `${server.url}/`);
  // The newest ten, as the API answers them: this sign-in (console), the token, then the renames (API).
  const feed = page.getByTestId('activity-widget');
  await feed.locator('.act-feed__item').first().waitFor();
  expect(await feed.locator('.act-feed__item').count()).toBe(10);
  const newest = (await call('GET', '/api/activity?pageSize=10')).entries as Array<{ action: string; summary: string }>;
  // Each entry as its sentence, the action's code as the tooltip.
  const summaries = feed.locator('[data-field="summary"]');
  expect(await summaries.allInnerTexts()).toEqual(newest.map((e) => e.summary));
  expect(await summaries.evaluateAll((els) => els.map((el) => el.getAttribute('title')))).toEqual(newest.map((e) => e.action));
  expect(newest[0].summary).toBe('admin signed in from the console');
  expect(newest.map((e) => e.action).slice(0, 3)).toEqual(['auth.login', 'auth.token_create', 'server.update']);
  expect(await feed.locator('[data-field="door"]').allInnerTexts()).toEqual(expect.arrayContaining(['via Console', 'via API']));
  // Live: the card asks again by itself (auto-refresh, every 10 s), without a reload.
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  await page.waitForRequest((request) => request.url().endsWith('/api/activity?pageSize=10'), { timeout: 15000 });
  expect(navigations).toEqual([]);
  await feed.getByRole('link', { name: /All activity/ }).click();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/activity');
  expect(errors).toEqual([]);
});

test('the Activity page filters by server and action, keeps the filters in the URL, and pages; /logs still leads there', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await signIn(page, `${server.url}/activity`);
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

  // The same link in a fresh page shows the same view; so does the old address, /logs, with it.
  for (const link of [url.toString(), `${server.url}/logs${url.search}`]) {
    const again = await browser.newPage();
    const againErrors = watchErrors(again);
    await signIn(again, link);
    await again.getByTestId('page-range').getByText(`1–${RENAMES} of ${RENAMES}`).waitFor();
    expect(new URL(again.url()).pathname).toBe('/activity');
    expect(await again.getByTestId('filter-server').inputValue()).toBe(ids.alpha);
    expect(await again.getByTestId('filter-action').inputValue()).toBe('server.update');
    await again.close();
    expect(againErrors).toEqual([]);
  }

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
});

test('curl with an API token gets the activity log as JSON, with pagination totals; /api/logs answers the same', async () => {
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
  expect(curl(`/api/logs?serverId=${ids.beta}&action=server.update&page=2&pageSize=20`).body).toEqual(filtered.body);
  expect(curl('/api/activity?pageSize=500').status).toBe(400);
});
