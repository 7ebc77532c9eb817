/**
 * Acceptance 6 of issue 18, in Chromium against the built Tomo (`tomo serve`) polling the test
 * bed's sshd every 2 s: an admin adds a webhook channel pointing at a local receiver, sends a test
 * (the receiver gets it, the deliveries list it), creates a rule that fires on the test bed's data
 * at once (load above 0, held 0 minutes) with the editor's preview saying so, sees it firing on
 * the Alerts page with the sidebar badge, raises the threshold so it resolves, and sees it
 * resolved in the history. The receiver gets the firing and the resolved notifications too.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requestJson, signInAt, watchErrors } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTestbed } = require('../../../scripts/testbed/testbed.js') as { loadTestbed(): { ssh: { host: string; port: number; username: string; password: string } } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { docsScreenshot } = require('../../../scripts/testbed/docs-screenshot.js') as { docsScreenshot(page: Page, name: string): Promise<void> };
jest.setTimeout(60000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
const SIGNING_SECRET = 'e2e-signing-secret-0123456789';
const RULE = 'Busy test bed';

/** What the local webhook receiver got: each body's `event` (alert.test, alert.firing, alert.resolved) and rule. */
const received: Array<{ event: string; ruleName: string | null; signed: boolean }> = [];
let receiver: http.Server;
let receiverUrl: string;
let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let token: string;

const call = (method: string, url: string, body?: unknown): Promise<any> => requestJson(server.url, method, url, body, token);

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the receiver got ${JSON.stringify(received)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  assertBuilt();
  for (const file of ['plugins/alerts/dist/plugin.js', 'plugins/alerts/dist/ui/index.js', 'ui-shell/dist/index.html']) {
    if (!fs.existsSync(path.resolve(__dirname, '../../..', file))) throw new Error(`${file} is missing: run \`npm run build\``);
  }
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { event: string; alert: { ruleName: string | null } };
      received.push({ event: parsed.event, ruleName: parsed.alert?.ruleName ?? null, signed: Object.keys(req.headers).some((h) => /signature/i.test(h)) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-alerts-ui-'));
  const config = path.join(dataDir, 'config.yaml');
  // Polls every 2 s: a rule held 0 minutes fires, and resolves, within a few seconds.
  fs.writeFileSync(config, 'monitoring:\n  intervalSeconds: 2\n');
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  const chromium = launchChromium();
  token = (await requestJson(server.url, 'POST', '/api/auth/login', ADMIN, '')).token;
  const { ssh } = loadTestbed();
  await call('POST', '/api/servers', { name: 'testbed', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
  browser = await chromium;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a channel, a test sent, a rule with its preview, the alert firing with the badge, then resolved', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await signInAt(page, `${server.url}/alerts/channels`, ADMIN);
  await page.getByRole('heading', { name: 'Notification channels', level: 1 }).waitFor();

  // A webhook channel to the local receiver; its signing secret is typed into a password box.
  await page.getByTestId('new-channel').click();
  const dialog = page.getByRole('dialog', { name: 'New notification channel' });
  await dialog.getByLabel('Name').fill('Receiver');
  await dialog.getByLabel('URL').fill(receiverUrl);
  const secret = dialog.getByLabel('Signing secret');
  expect(await secret.getAttribute('type')).toBe('password');
  await secret.fill(SIGNING_SECRET);
  await dialog.getByRole('button', { name: 'Add channel' }).click();
  const row = page.locator('[data-testid="channels-table"] tbody tr', { hasText: 'Receiver' });
  await row.waitFor();
  expect(await page.content()).not.toContain(SIGNING_SECRET);

  // Send a test: the receiver gets it (signed), the deliveries list it as sent with the receiver's 200.
  await row.getByRole('button', { name: 'Send a test to Receiver' }).click();
  const deliveries = page.getByRole('dialog', { name: 'Deliveries of “Receiver”' });
  const sent = deliveries.locator('tr[data-status="test"][data-outcome="sent"]');
  await sent.waitFor({ timeout: 15000 });
  expect(await sent.locator('[data-field="response-code"]').innerText()).toBe('200');
  expect(received).toEqual([{ event: 'alert.test', ruleName: expect.any(String), signed: true }]);
  await deliveries.getByRole('button', { name: 'Close' }).first().click();
  await row.locator('[data-field="health"]').getByText('Working').waitFor();
  await docsScreenshot(page, 'alerts-channels');

  // A rule that fires on the test bed at once: load above 0, held 0 minutes, sent to the receiver.
  await page.getByRole('navigation', { name: 'Alerts pages' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('heading', { name: 'Alert rules', level: 1 }).waitFor();
  await page.getByTestId('new-rule').click();
  const editor = page.getByRole('dialog', { name: 'New alert rule' });
  await editor.getByLabel('Name').fill(RULE);
  await editor.getByTestId('rule-metric').selectOption('load');
  await editor.getByTestId('rule-threshold').fill('0');
  await editor.getByTestId('rule-for').fill('0');
  await editor.getByTestId('rule-severity').selectOption('critical');
  await editor.getByRole('checkbox', { name: /Receiver/ }).check();
  // The preview, on the data the polls gathered: the test bed's load is above 0.
  await editor.getByTestId('rule-preview-summary').getByText('Would fire now on 1 of 1 server.').waitFor({ timeout: 15000 });
  await editor.getByRole('button', { name: 'Create rule' }).click();
  await page.locator('[data-testid="rules-table"] tr', { hasText: RULE }).waitFor();

  // Firing on the Alerts page (it refreshes itself), and counted by the sidebar's badge.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Alerts/ }).click();
  await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
  const firing = page.locator(`[data-testid="firing-table"] tr[data-rule="${RULE}"]`);
  await firing.waitFor({ timeout: 20000 });
  expect(await firing.locator('[data-severity]').innerText()).toBe('Critical');
  expect(await firing.locator('[data-field="server"]').innerText()).toBe('testbed');
  // The badge asks on every change of page.
  await page.getByRole('navigation', { name: 'Alerts pages' }).getByRole('link', { name: 'Rules' }).click();
  const badge = page.getByRole('navigation', { name: 'Main' }).getByTestId('alerts-firing-badge');
  await badge.getByText('1 firing').waitFor();
  await docsScreenshot(page, 'alerts-rules');
  await eventually('the firing notification', () => received.some((r) => r.event === 'alert.firing' && r.ruleName === RULE));

  // Resolve it: the threshold raised far above any load.
  await page.locator('[data-testid="rules-table"] tr', { hasText: RULE }).getByRole('button', { name: `Edit ${RULE}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit “${RULE}”` });
  await edit.getByTestId('rule-threshold').fill('100000');
  await edit.getByTestId('rule-preview-summary').getByText('Would fire now on 0 of 1 server.').waitFor({ timeout: 15000 });
  await edit.getByRole('button', { name: 'Save rule' }).click();
  await edit.waitFor({ state: 'detached' });

  await page.getByRole('navigation', { name: 'Alerts pages' }).getByRole('link', { name: 'Alerts' }).click();
  const resolved = page.locator(`[data-testid="history-table"] tr[data-rule="${RULE}"][data-state="resolved"]`);
  await resolved.waitFor({ timeout: 25000 });
  await firing.waitFor({ state: 'detached' });
  expect(await resolved.locator('[data-field="resolved"]').innerText()).not.toBe('');
  await docsScreenshot(page, 'alerts-page');
  await eventually('the resolved notification', () => received.some((r) => r.event === 'alert.resolved' && r.ruleName === RULE));
  // Once: one firing and one resolved notification for the rule.
  expect(received.filter((r) => r.ruleName === RULE).map((r) => r.event)).toEqual(['alert.firing', 'alert.resolved']);
  // No badge once nothing fires (asked again on the next change of page).
  await page.getByRole('navigation', { name: 'Alerts pages' }).getByRole('link', { name: 'Rules' }).click();
  await badge.waitFor({ state: 'detached' });
  expect(errors).toEqual([]);
});
