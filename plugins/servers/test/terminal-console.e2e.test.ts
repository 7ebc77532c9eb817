/**
 * Issue 22's console in Chromium against the built Tomo (`tomo serve`) and the test bed: the
 * server page's Terminal tab runs a real shell over the test sshd (`echo $((6*7))` prints 42),
 * follows the window's size (`tput cols` before and after a resize), keeps two shells in tabs
 * without reconnecting, and closing a tab ends its shell on the server (its process is gone); an
 * installed app's Shell opens a shell in its container (`cat /etc/hostname` is the container id);
 * a dropped connection comes back to the same shell (Reconnecting…, then what it printed meanwhile).
 * Not one console error, warning or failed request on the way (the CSP included).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page, WebSocketRoute } from 'playwright-core';
import { requestJson, signInAt, watchEverything } from '../../auth/test/support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from '../../auth/test/support/tomo-cli';
import { localDocker, markPreparedInDatabase, removeServerApps, TEST_CATALOG, testbed } from '../../apps/test/support/apps-kernel';
import { freePort } from '../../../test-support/ports';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };
jest.setTimeout(120000);

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let browser: Browser;
let token: string;
let serverId: string;

beforeAll(async () => {
  assertBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-terminal-ui-'));
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-terminal-ui-data-'));
  const config = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(config, `apps:\n  dataRoot: ${dataRoot}\n  stopTimeoutSeconds: 1\nmonitoring:\n  intervalSeconds: 3600\n`);
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: config, TOMO_CATALOG_DIRS: TEST_CATALOG };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'a@example.com', '--password-stdin'], env, ADMIN.password).status).toBe(0);
  server = await serveTomo(env);
  token = (await requestJson(server.url, 'POST', '/api/auth/login', ADMIN, '')).token;
  const { ssh } = testbed();
  serverId = (await requestJson(server.url, 'POST', '/api/servers', { name: 'homelab', host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } }, token)).id;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (serverId) await removeServerApps(serverId);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The text of the terminal shown in `scope` (xterm's DOM renderer keeps one element per row, padded with spaces). */
const screenText = async (scope: Locator) =>
  (await scope.locator('.xterm-rows').innerText())
    .split('\n')
    .map((line) => line.replace(/\u00a0/g, ' ').trimEnd())
    .join('\n');

/** Waits until the terminal in `scope` is attached to its shell; says what it shows instead when it is not. */
async function connected(scope: Locator): Promise<string> {
  try {
    await scope.locator('[data-testid="terminal"][data-state="open"]').waitFor({ timeout: 20000 });
  } catch {
    throw new Error(`the terminal did not connect: ${await scope.getByTestId('terminal-status').innerText().catch(() => 'no status')}`);
  }
  return (await scope.getByTestId('terminal-status').innerText()).trim();
}

/** Types a command into the focused terminal and waits until its output matches `pattern` (the last match). */
async function run(scope: Locator, page: Page, command: string, pattern: RegExp): Promise<RegExpMatchArray> {
  await scope.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  const global = new RegExp(pattern.source, `${pattern.flags}g`);
  let found: RegExpMatchArray | undefined;
  const deadline = Date.now() + 10000;
  while (!found) {
    const all = [...(await screenText(scope)).matchAll(global)];
    found = all.at(-1);
    if (found) break;
    if (Date.now() > deadline) throw new Error(`${pattern} not seen after "${command}"; the screen: ${JSON.stringify(await screenText(scope))}`);
    await page.waitForTimeout(100);
  }
  return found;
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

/** The terminals open on the server (GET /api/terminals as the admin). */
const openTerminals = async (): Promise<Array<{ id: string }>> => (await requestJson(server.url, 'GET', '/api/terminals', undefined, token)).terminals;

/** Waits until no terminal is open any more; the ones still open after `timeoutMs`. */
async function noTerminalsLeft(timeoutMs = 5000): Promise<Array<{ id: string }>> {
  const deadline = Date.now() + timeoutMs;
  let open = await openTerminals();
  while (open.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    open = await openTerminals();
  }
  return open;
}

test('the Terminal tab: 42, tput cols follows the window, two shells in tabs, a closed tab ends its shell on the server', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchEverything(page);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));

  await signInAt(page, `${server.url}/servers/${serverId}`, ADMIN);
  await page.getByRole('tab', { name: 'Terminal' }).click();
  const first = page.locator('.servers-terminals__panel').nth(0);
  expect(await connected(first)).toMatch(/^Connected \(.+\)$/);

  await run(first, page, 'echo $((6*7))', /^42$/m);

  const before = Number((await run(first, page, 'echo "cols=$(tput cols)"', /cols=(\d+)/))[1]);
  await page.setViewportSize({ width: 900, height: 700 });
  // The pty learns the new size asynchronously (ResizeObserver → fit → resize → SIGWINCH): ask until it shows.
  let after = before;
  for (let i = 0; i < 20 && after === before; i++) {
    after = Number((await run(first, page, `echo "cols${i}=$(tput cols)"`, new RegExp(`cols${i}=(\\d+)`)))[1]);
  }
  expect(after).toBeLessThan(before - 20);
  expect(after).toBeGreaterThan(20);

  // A second shell in its own tab; back to the first: the same session, no new socket.
  await page.getByTestId('terminal-new').click();
  const second = page.locator('.servers-terminals__panel').nth(1);
  await connected(second);
  await run(second, page, 'echo "second-$((3*3))"', /^second-9$/m);
  await page.getByRole('tab', { name: 'Shell 1' }).click();
  await first.locator('.xterm-rows').waitFor({ state: 'visible' });
  expect(await screenText(first)).toMatch(/^42$/m);
  const pid = Number((await run(first, page, 'echo "pid=$$"', /pid=(\d+)/))[1]);
  expect(alive(pid)).toBe(true);
  expect(sockets).toHaveLength(2);

  // Overview and back: still the same two shells.
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  expect(await screenText(first)).toMatch(/^42$/m);
  expect(sockets).toHaveLength(2);

  // Closing Shell 1's tab ends its shell on the server.
  await page.getByRole('button', { name: 'Close Shell 1' }).click();
  const deadline = Date.now() + 10000;
  while (alive(pid) && Date.now() < deadline) await page.waitForTimeout(100);
  expect(alive(pid)).toBe(false);
  expect(await openTerminals()).toHaveLength(1);
  expect(await page.getByTestId('terminal-tab').allInnerTexts()).toEqual(['Shell 2']);

  expect(problems).toEqual([]);
  // Closing the browser closes Shell 2 too (the page's DELETE as it goes).
  await context.close();
  expect(await noTerminalsLeft()).toEqual([]);
});

test('a dropped connection comes back to the same shell: Reconnecting…, then what the shell printed meanwhile', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchEverything(page);
  // Every terminal socket passes through the test, which can cut it as a network blip would.
  const routes: WebSocketRoute[] = [];
  const servers: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/api\/terminals\/[^/]+\/socket/, (ws) => {
    routes.push(ws);
    servers.push(ws.connectToServer());
  });
  await signInAt(page, `${server.url}/servers/${serverId}?tab=terminal`, ADMIN);
  const panel = page.locator('.servers-terminals__panel').nth(0);
  await connected(panel);
  const pid = (await run(panel, page, 'echo "pid=$$"', /pid=(\d+)/))[1];

  await panel.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('sleep 1; echo "back-$((5+5))"');
  await page.keyboard.press('Enter');
  await routes[0].close({ code: 4000, reason: 'blip' });
  await servers[0].close({ code: 4000, reason: 'blip' });
  await panel.locator('[data-testid="terminal"][data-state="reconnecting"]').waitFor();
  expect(await panel.getByTestId('terminal-status').innerText()).toContain('Reconnecting…');

  expect(await connected(panel)).toMatch(/^Connected/);
  await panel.locator('.xterm-rows').getByText('back-10').waitFor();
  expect(await screenText(panel)).toContain('[Reconnected.]');
  expect(routes).toHaveLength(2);
  expect((await run(panel, page, 'echo "again=$$"', /again=(\d+)/))[1]).toBe(pid);
  expect(problems).toEqual([]);

  // Closing the browser tab closes the shell at once (a DELETE sent as the page goes), not after the grace period.
  await page.close({ runBeforeUnload: true });
  expect(await noTerminalsLeft()).toEqual([]);
  const gone = Date.now() + 10000;
  while (alive(Number(pid)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  expect(alive(Number(pid))).toBe(false);
});

test("an installed app's Shell: a shell in its container, where /etc/hostname is the container's id", async () => {
  await markPreparedInDatabase(path.join(dataDir, 'tomo.db'), serverId);
  const port = await freePort();
  const { installation } = await requestJson(server.url, 'POST', `/api/servers/${serverId}/apps`, { appId: 'web-hello', ports: { '80/tcp': port } }, token);
  let state = installation.state;
  for (let i = 0; i < 300 && state === 'installing'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await requestJson(server.url, 'GET', `/api/apps/installations/${installation.id}`, undefined, token)).installation.state;
  }
  expect(state).toBe('running');
  const containerId = ((await localDocker().getContainer(installation.containerName).inspect()) as { Id: string }).Id;

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchEverything(page);
  await signInAt(page, `${server.url}/servers/${serverId}`, ADMIN);
  await page.getByRole('tab', { name: 'Apps' }).click();
  await page.locator('[data-testid^="app-row-"][data-app="web-hello"]').getByTestId('app-shell').click();
  const dialog = page.getByRole('dialog', { name: 'Shell in Web Hello' });
  // The test image is busybox: no bash, so sh.
  expect(await connected(dialog)).toBe('Connected (sh)');
  const hostname = (await run(dialog, page, 'cat /etc/hostname', /^([0-9a-f]{12})$/m))[1];
  expect(containerId.startsWith(hostname)).toBe(true);

  // Closing the dialog closes the shell.
  await dialog.getByRole('button', { name: 'Close' }).click();
  expect(await noTerminalsLeft()).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
