import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { onFreePort } from '../../../test-support/ports';
import { watchErrors } from './support/console-e2e';
import { assertBuilt, runTomo, serveTomo } from './support/tomo-cli';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchChromium } = require('../../../scripts/testbed/chromium.js') as { launchChromium(): Promise<Browser> };

// Issue 20, acceptance 2 (passkey half), in Chromium with its DevTools-protocol virtual
// authenticator (CTAP2, internal, resident keys, user verification) against a real `tomo serve`
// whose server.publicUrl is http://localhost:<port> (WebAuthn needs a host name, not 127.0.0.1):
// add a passkey on the Account page, sign out, sign in with it (no password), and use it as the
// second factor after the password (over the API from the page, and on the console's code step).
jest.setTimeout(90000);

const ADMIN = { username: 'homelab', password: 'e2e-admin-password-1' };
let dataDir: string;
let server: Awaited<ReturnType<typeof serveTomo>>;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let cdp: CDPSession;

beforeAll(async () => {
  assertBuilt();
  if (!fs.existsSync(path.resolve(__dirname, '../../../ui-shell/dist/index.html'))) throw new Error('ui-shell/dist is missing: run `npm run build`');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-passkeys-e2e-'));
  const created = runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'me@example.com', '--password-stdin'], { TOMO_DATA_DIR: dataDir }, ADMIN.password);
  expect(created.status).toBe(0);
  // The port must be known before start: it is part of the public URL passkeys are bound to.
  server = await onFreePort((port) => serveTomo({ TOMO_DATA_DIR: dataDir, TOMO_PUBLIC_URL: `http://localhost:${port}` }, port));
  origin = server.url.replace('127.0.0.1', 'localhost');
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The virtual authenticator: a platform one (like a laptop's fingerprint reader) that always verifies the user. */
async function addVirtualAuthenticator(page: Page): Promise<string> {
  cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return authenticatorId;
}

async function signInWithPassword(page: Page): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /homelab/ }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
}

/** A JSON call from the page, as the console makes it (its session cookie and header). */
async function pageFetch(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-requested-with': 'tomo-console' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, url, body },
  );
}

test('add a passkey on the Account page, sign out, sign in with it without a password, then as the second factor after the password', async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const authenticatorId = await addVirtualAuthenticator(page);

  await signInWithPassword(page);
  await page.waitForURL(`${origin}/`);
  await page.goto(`${origin}/account`);
  await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
  await page.getByText('No passkeys yet.').waitFor();
  await page.getByLabel('Passkey name').fill('Laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByRole('table', { name: 'Passkeys' }).getByText('Laptop').waitFor();
  // The authenticator now holds one discoverable credential for this Tomo.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

  // Password-less: no username, no password; the authenticator's user verification stands in.
  await signOut(page);
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await page.waitForURL(`${origin}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  expect((await pageFetch(page, 'GET', '/api/auth/me')).body).toMatchObject({ username: ADMIN.username, factors: { passkeys: 1 } });
  const signCount = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount;
  expect(signCount).toBeGreaterThan(0);

  // The activity log says what happened, naming the passkey.
  const activity = (await pageFetch(page, 'GET', '/api/activity?page=1&pageSize=20')).body.entries as Array<{ action: string; summary: string }>;
  expect(activity.map((e) => e.summary)).toEqual(expect.arrayContaining(['homelab added passkey Laptop', 'homelab signed in with a passkey from the console']));

  // As the second factor: the password alone is no longer enough; the passkey (in this browser's
  // authenticator) finishes the sign-in against the password's challenge.
  await signOut(page);
  const secondFactor = await page.evaluate(async (who) => {
    const headers = { 'content-type': 'application/json', 'x-requested-with': 'tomo-console' };
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const b64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const enc = (b: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const password = await post('/api/auth/login', who);
    const options = await post('/api/auth/passkeys/login/options', { challenge: password.body.challenge });
    const o = options.body;
    const credential = (await navigator.credentials.get({
      publicKey: { challenge: b64(o.challenge), rpId: o.rpId, userVerification: o.userVerification, allowCredentials: o.allowCredentials.map((c: { id: string }) => ({ type: 'public-key', id: b64(c.id) })) },
    })) as PublicKeyCredential;
    const r = credential.response as AuthenticatorAssertionResponse;
    const response = {
      id: credential.id,
      rawId: enc(credential.rawId),
      type: 'public-key',
      response: { clientDataJSON: enc(r.clientDataJSON), authenticatorData: enc(r.authenticatorData), signature: enc(r.signature), ...(r.userHandle ? { userHandle: enc(r.userHandle) } : {}) },
      clientExtensionResults: {},
    };
    const done = await post('/api/auth/passkeys/login', { response });
    return { password: { status: password.status, code: password.body.error?.code, methods: password.body.methods }, allowed: o.allowCredentials.length, done: { status: done.status, user: done.body.user?.username } };
  }, ADMIN);
  expect(secondFactor).toEqual({ password: { status: 401, code: 'second_factor_required', methods: ['passkey'] }, allowed: 1, done: { status: 200, user: ADMIN.username } });
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  // The same in the console: the password, then the code step offers this account's passkey.
  await signOut(page);
  await signInWithPassword(page);
  await page.getByRole('button', { name: 'Use your passkey instead' }).click();
  await page.waitForURL(`${origin}/`);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  expect(errors).toEqual([]);
  await page.close();
});
