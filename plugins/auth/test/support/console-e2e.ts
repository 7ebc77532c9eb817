/**
 * For end-to-end tests of the built Tomo in Chromium: sign in through the login page, collect what
 * the page complains about, and call the JSON API as a script would (fetch, or `curl` with a token).
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';

/**
 * Page errors, console errors (a 401 before sign-in aside) and unexpected dialogs, as they happen;
 * collected into `errors` when given (one list for several pages), else into a new list.
 */
export function watchErrors(page: Page, errors: string[] = []): string[] {
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

/**
 * Everything a visitor's browser console would show, with nothing let through: page errors,
 * console errors and warnings, requests that failed and answers of 400 or more (a 401 included).
 * For a fresh load, signed out or in, which must be silent.
 */
export function watchEverything(page: Page, problems: string[] = []): string[] {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'no reason';
    // A navigation cancels what the old page still had in flight (ERR_ABORTED): the browser's
    // console shows nothing for that, and neither does this.
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} answer: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/** Opens `url` and signs in on the login page it shows. */
export async function signInAt(page: Page, url: string, who: { username: string; password: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * What the page shows, for a failure message: its address, the start of its text and the errors
 * watchErrors collected (an element that never appeared says nothing about where the page was).
 */
export async function describePage(page: Page, errors: string[] = []): Promise<string> {
  const text = await page.locator('body').innerText({ timeout: 2000 }).catch((err: Error) => `(no text: ${err.message})`);
  return `page ${page.url()} shows: ${JSON.stringify(text.slice(0, 1500))}; errors: ${JSON.stringify(errors)}`;
}

/** A JSON call; throws with the status and body unless it answered 2xx. */
export async function requestJson(base: string, method: string, url: string, body: unknown, token: string): Promise<any> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** `curl` with a bearer token, as a script would: the parsed JSON and the HTTP status. Throws when curl itself fails. */
export function curlJson(base: string, token: string, url: string): { status: number; body: any } {
  const run = spawnSync('curl', ['-sS', '-H', `Authorization: Bearer ${token}`, '-w', '\n%{http_code}', `${base}${url}`], { encoding: 'utf8', timeout: 30000 });
  if (run.status !== 0) throw new Error(`curl ${url} failed (${run.status}): ${run.stderr}`);
  const at = run.stdout.lastIndexOf('\n');
  return { status: Number(run.stdout.slice(at + 1)), body: JSON.parse(run.stdout.slice(0, at)) };
}
