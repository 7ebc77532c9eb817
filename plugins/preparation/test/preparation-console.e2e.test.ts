import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { startFreshServer, type FreshServer } from './support/preparation-kernel';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// In a real browser during a real preparation of a fresh Debian 12 server: the stepper
// advances through the steps and the live log grows while the run is still going.
jest.setTimeout(300000);

let fresh: FreshServer;
let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  fresh = await startFreshServer({ sudo: 'password' });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-prep-ui-'));
  expect(runTomo(['admin', 'create', '--username', 'admin', '--email', 'a@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, 'admin-password-1234').status).toBe(0);
  server = await serveTomo({ TOMO_DATA_DIR: dataDir });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fresh?.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the stepper advances and the live log shows lines as they arrive', async () => {
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password-1234' }) });
  const { token } = (await login.json()) as { token: string };
  const added = await fetch(`${server.url}/api/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fresh', host: fresh.host, port: fresh.port, username: fresh.username, authType: 'password', credentials: { password: fresh.password } }),
  });
  const { id } = (await added.json()) as { id: string };

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) errors.push(msg.text());
  });
  await page.goto(`${server.url}/servers/${id}`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin-password-1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tab', { name: 'Preparation' }).click();
  await page.getByRole('button', { name: 'Prepare server' }).click();

  // Sample the page while the run goes on: which step is running, how many log lines show.
  const runningSteps = new Set<string>();
  const lineCountsWhilePreparing: number[] = [];
  const deadline = Date.now() + 240000;
  for (;;) {
    const sample = await page.evaluate(() => ({
      running: [...document.querySelectorAll('.t-step[data-state="running"] .t-step__title')].map((e) => e.textContent?.trim() ?? ''),
      lines: document.querySelectorAll('.prep-log__line').length,
      text: document.body.innerText,
    }));
    const preparing = /Preparing/.test(sample.text);
    sample.running.forEach((s) => runningSteps.add(s));
    if (preparing) lineCountsWhilePreparing.push(sample.lines);
    if (/Prepared/.test(sample.text) && !preparing) break;
    if (/Failed/.test(sample.text) && !preparing) throw new Error(`preparation failed in the page:\n${sample.text}`);
    if (Date.now() > deadline) throw new Error('the page never showed the preparation finishing');
    await page.waitForTimeout(150);
  }

  // Several different steps were seen running, one after the other.
  expect(runningSteps.size).toBeGreaterThanOrEqual(3);
  // The log grew while the run was still in progress (lines arrived live, not at the end).
  const distinctCounts = new Set(lineCountsWhilePreparing.filter((n) => n > 0));
  expect(distinctCounts.size).toBeGreaterThanOrEqual(3);
  const html = await page.content();
  expect(html).not.toContain(fresh.password);
  await page.screenshot({ path: path.join(os.tmpdir(), 'tomo-preparation-tab.png'), fullPage: true });
  expect(errors).toEqual([]);
});
