import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from './support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// The spec's Phase 1 definition of done, in a real browser against a real `tomo serve`:
// fresh data folder → `tomo admin create` → log in through the page → the shell with an empty
// dashboard → log out → a protected URL redirects to login (and back after logging in).
jest.setTimeout(60000);

let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  if (!fs.existsSync(path.resolve(__dirname, '../../../ui-shell/dist/index.html'))) throw new Error('ui-shell/dist is missing: run `npm run build`');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-e2e-'));
  const created = runTomo(['admin', 'create', '--username', 'homelab', '--email', 'me@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'e2e-admin-password-1');
  expect(created.status).toBe(0);
  server = await serveTomo({ TOMO_DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Collects what would show up red in the browser console (CSP violations, module errors). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // Expected 401s from the boot-time session check are network noise, not page errors.
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) errors.push(msg.text());
  });
  return errors;
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('Phase 1 definition of done: log in, empty dashboard, log out, protected URL redirects to login and back', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);

  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login/);

  // Client-side validation before anything is sent.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectVisibleText(page, /Enter your username|Enter a username|Enter username/);

  await logIn(page, 'homelab', 'not-the-password');
  await expectVisibleText(page, 'Invalid username or password');

  await logIn(page, 'homelab', 'e2e-admin-password-1');
  await page.waitForURL(`${server.url}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  // The dashboard's cards come from plugins: the monitoring plugin's, empty on a new Tomo.
  await expectVisibleText(page, 'No servers yet — add one');
  // The sidebar comes from the manifest: the auth plugin's panels are listed for an admin.
  await page.getByRole('link', { name: 'Users' }).waitFor();
  await page.getByRole('link', { name: 'API tokens' }).waitFor();
  // The session lives in an HttpOnly cookie the page's scripts cannot read.
  expect(await page.evaluate(() => document.cookie)).toBe('');

  await page.getByRole('button', { name: /homelab/ }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);

  await page.goto(`${server.url}/users`);
  await page.waitForURL(/\/login\?redirect=(%2F|\/)users/);

  await logIn(page, 'homelab', 'e2e-admin-password-1');
  await page.waitForURL(`${server.url}/users`);
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await expectVisibleText(page, 'me@example.com');

  expect(errors).toEqual([]);
  await page.close();
});

async function expectVisibleText(page: Page, text: string | RegExp): Promise<void> {
  await page.getByText(text).first().waitFor({ state: 'visible', timeout: 10000 });
}
