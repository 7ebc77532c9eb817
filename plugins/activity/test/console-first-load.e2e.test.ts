/**
 * The console as a new visitor meets it, against the built Tomo (`tomo serve`) in Chromium: a fresh
 * load signed out, the sign-in and the dashboard, and a fresh load signed in, all without a single
 * console error or warning or failed request (no 401 probes, no missing favicon); the Recent
 * activity card's sentences with the action code as their tooltip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requestJson, watchEverything } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
jest.setTimeout(120000);

const ADMIN = { username: 'accadmin', password: 'accadmin-password-1234' };

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  for (const file of ['plugins/activity/dist/ui/index.js', 'ui-shell/dist/index.html']) {
    if (!fs.existsSync(path.resolve(__dirname, '../../..', file))) throw new Error(`${file} is missing: run \`npm run build\``);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-first-load-'));
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, 'monitoring:\n  intervalSeconds: 3600\n');
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'acc@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Waits until the page has asked for everything it will ask for (the favicon included). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
}

test('a fresh load signed out, the sign-in, the dashboard and a fresh load signed in log nothing and fail no request', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchEverything(page);
  const asked: string[] = [];
  page.on('request', (request) => asked.push(new URL(request.url()).pathname));

  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login/);
  await page.getByRole('heading', { name: 'Sign in to Tomo' }).waitFor();
  await settle(page);
  expect(problems).toEqual([]);
  // The session was asked in the way that cannot fail; the manifest not at all before sign-in.
  expect(asked).toContain('/api/auth/session');
  expect(asked).not.toContain('/api/auth/me');
  expect(asked).not.toContain('/api/ui/manifest');

  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const feed = page.getByTestId('activity-widget');
  await feed.locator('[data-field="summary"]').first().waitFor();
  await settle(page);
  expect(problems).toEqual([]);

  // Signed in, a fresh load (a reload, and a new tab on a deep link) is as quiet.
  await page.reload();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await feed.locator('[data-field="summary"]').first().waitFor();
  await settle(page);
  const deep = await context.newPage();
  watchEverything(deep, problems);
  await deep.goto(`${server.url}/activity`);
  await deep.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  await settle(deep);
  expect(problems).toEqual([]);
  await context.close();
});

test('the Recent activity card words the sign-in as a sentence, with the action code as its tooltip', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchEverything(page);
  const token = (await requestJson(server.url, 'POST', '/api/auth/login', ADMIN, '')).token as string;
  await requestJson(server.url, 'POST', '/api/auth/tokens', { name: 'backup-script' }, token);
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  const summaries = page.getByTestId('activity-widget').locator('[data-field="summary"]');
  await summaries.first().getByText('accadmin signed in from the console').waitFor();
  expect(await summaries.first().getAttribute('title')).toBe('auth.login');
  const texts = await summaries.allInnerTexts();
  expect(texts).toContain('accadmin created API token backup-script');
  expect(texts).toContain('accadmin signed in through the API');
  // Sentences, not codes: no action code is shown as text in the card.
  expect(await page.getByTestId('activity-widget').innerText()).not.toMatch(/\bauth\.\w+/);
  // The sentence wraps between words only: each word stays on one line.
  const brokenWords = await summaries.first().evaluate((el) => {
    const range = document.createRange();
    const text = el.firstChild as Text;
    const broken: string[] = [];
    for (const match of (text.data.matchAll(/\S+/g) as IterableIterator<RegExpMatchArray>)) {
      range.setStart(text, match.index!);
      range.setEnd(text, match.index! + match[0].length);
      if (range.getClientRects().length > 1) broken.push(match[0]);
    }
    return broken;
  });
  expect(brokenWords).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});
