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

/** A computed CSS colour ("rgb(r, g, b)" / "rgba(…)") as its relative luminance (WCAG 2). */
function luminance(colour: string): number {
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two computed colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Computed background and text colours of the first element matching each selector. */
async function colours(page: Page, selectors: string[]): Promise<Record<string, { background: string; color: string }>> {
  return page.evaluate((list) => {
    const out: Record<string, { background: string; color: string }> = {};
    for (const selector of list) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`${selector} is not on the page`);
      const style = getComputedStyle(el);
      out[selector] = { background: style.backgroundColor, color: style.color };
    }
    return out;
  }, selectors);
}

describe.each(['light', 'dark'] as const)('the %s theme (the system setting)', (scheme) => {
  const isDark = scheme === 'dark';
  /** A background of this theme: near black in the dark one, near white in the light one. */
  const expectBackground = (colour: string) => (isDark ? expect(luminance(colour)).toBeLessThan(0.03) : expect(luminance(colour)).toBeGreaterThan(0.85));
  const expectText = (colour: string) => (isDark ? expect(luminance(colour)).toBeGreaterThan(0.6) : expect(luminance(colour)).toBeLessThan(0.05));

  test('follows prefers-color-scheme on the login page, the layout and a plugin panel, with readable contrast; the sidebar reaches the bottom of a long page', async () => {
    // Enough entries for an Activity page taller than the window.
    const token = (await requestJson(server.url, 'POST', '/api/auth/login', ADMIN, '')).token as string;
    for (let i = 0; i < 25; i++) await requestJson(server.url, 'POST', '/api/auth/tokens', { name: `${scheme}-script-${i}` }, token);

    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 600 } });
    const page = await context.newPage();
    const problems = watchEverything(page);
    await page.goto(`${server.url}/login`);
    await page.getByRole('heading', { name: 'Sign in to Tomo' }).waitFor();
    const login = await colours(page, ['body', '.auth-card', '.auth-card__title', '.t-field__control']);
    expectBackground(login.body.background);
    expectBackground(login['.auth-card'].background);
    expectText(login['.auth-card__title'].color);
    expect(contrast(login['.t-field__control'].color, login['.t-field__control'].background)).toBeGreaterThanOrEqual(7);

    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.goto(`${server.url}/activity`);
    await page.locator('[data-testid="log-table"] tbody tr').nth(20).waitFor();
    await page.waitForLoadState('networkidle');

    const shell = await colours(page, ['body', '.shell-sidebar', '.shell-header', '.shell-nav__link:not(.is-active)', '.t-card', '.page__title', '.page__lead', '[data-testid="log-table"] td', '.shell-nav__link.is-active']);
    for (const part of ['body', '.shell-sidebar', '.shell-header', '.t-card']) expectBackground(shell[part].background);
    for (const part of ['body', '.page__title', '[data-testid="log-table"] td']) expectText(shell[part].color);
    const card = shell['.t-card'].background;
    expect(contrast(shell['[data-testid="log-table"] td'].color, card)).toBeGreaterThanOrEqual(7);
    expect(contrast(shell['.page__lead'].color, shell.body.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(shell['.shell-nav__link:not(.is-active)'].color, shell['.shell-sidebar'].background)).toBeGreaterThanOrEqual(7);
    expect(contrast(shell['.shell-nav__link.is-active'].color, shell['.shell-nav__link.is-active'].background)).toBeGreaterThanOrEqual(4.5);

    // The sidebar's box is as tall as the page, not the first screen; at the bottom of the page,
    // the left edge is still the sidebar.
    const box = await page.evaluate(() => {
      const sidebar = document.querySelector('.shell-sidebar')!.getBoundingClientRect();
      return { top: sidebar.top + window.scrollY, bottom: sidebar.bottom + window.scrollY, page: document.documentElement.scrollHeight, window: window.innerHeight };
    });
    expect(box.page).toBeGreaterThan(box.window + 300);
    expect(box.top).toBeLessThanOrEqual(56);
    expect(box.bottom).toBeGreaterThanOrEqual(box.page - 1);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const atBottom = await page.evaluate(() => document.elementFromPoint(20, window.innerHeight - 4)?.closest('.shell-sidebar') !== null);
    expect(atBottom).toBe(true);
    // The links stay in view while the page scrolls.
    const link = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).boundingBox();
    expect(link!.y).toBeGreaterThanOrEqual(0);
    expect(link!.y).toBeLessThan(200);

    expect(problems).toEqual([]);
    await context.close();
  });
});
