import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** A claim set the test provider hands out for one account id. */
export type TestAccount = Record<string, unknown>;

/** A free loopback port (the provider's issuer URL must be known before Tomo starts). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs oidc-test-provider.mjs (the real `oidc-provider`) on `port` until `stop()`. */
export async function startOidcProvider(options: { port: number; clientId: string; clientSecret: string; redirectUris: string[]; accounts: Record<string, TestAccount> }): Promise<{ issuer: string; output(): string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-test-provider.mjs')], {
    env: {
      PATH: process.env.PATH,
      OIDC_TEST_PORT: String(options.port),
      OIDC_TEST_CLIENT_ID: options.clientId,
      OIDC_TEST_CLIENT_SECRET: options.clientSecret,
      OIDC_TEST_REDIRECT_URIS: JSON.stringify(options.redirectUris),
      OIDC_TEST_ACCOUNTS: JSON.stringify(options.accounts),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /ready (\S+)/.exec(output);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`test OpenID provider exited (${code}): ${output}`)));
  });
  return {
    issuer,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** One hop a browser made: what it asked for and what it got. */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

/**
 * A minimal browser for the redirect dance: a cookie jar per host, redirects followed by hand,
 * the provider's login form filled in with `account`. `rewriteAuthorization` / `rewriteCallback`
 * let a test tamper with what travels through the browser (the nonce to the provider, the state
 * back to Tomo). Stops at the first answer from Tomo that is not a redirect to the provider.
 */
export async function signInThroughProvider(
  tomoUrl: string,
  startPath: string,
  account: string,
  options: { rewriteAuthorization?: (url: URL) => void; rewriteCallback?: (url: URL) => void } = {},
): Promise<{ final: Hop; hops: Hop[]; tomoCookies: Map<string, string> }> {
  const jars = new Map<string, Map<string, string>>();
  const jar = (host: string) => jars.get(host) ?? jars.set(host, new Map()).get(host)!;
  const hops: Hop[] = [];
  const tomoHost = new URL(tomoUrl).host;
  let next: { url: URL; method: string; form?: URLSearchParams } = { url: new URL(startPath, tomoUrl), method: 'GET' };
  for (let i = 0; i < 20; i++) {
    const { url } = next;
    const fromTomo = url.host === tomoHost;
    if (fromTomo && url.pathname.endsWith('/callback')) options.rewriteCallback?.(url);
    if (!fromTomo && url.pathname === '/auth' && url.searchParams.has('client_id')) options.rewriteAuthorization?.(url);
    const cookies = [...jar(url.host)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: next.method,
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: next.form?.toString(),
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar(url.host).delete(name);
      else jar(url.host).set(name, value);
    }
    const hop: Hop = { url: url.href, status: res.status, location: res.headers.get('location'), setCookies, body: await res.text() };
    hops.push(hop);
    if (hop.location && res.status >= 300 && res.status < 400) {
      const target = new URL(hop.location, url);
      if (fromTomo && target.host === tomoHost) return { final: hop, hops, tomoCookies: jar(tomoHost) };
      next = { url: target, method: 'GET' };
      continue;
    }
    if (!fromTomo && url.pathname.startsWith('/interaction/') && next.method === 'GET') {
      next = { url, method: 'POST', form: new URLSearchParams({ login: account }) };
      continue;
    }
    return { final: hop, hops, tomoCookies: jar(tomoHost) };
  }
  throw new Error(`too many redirects: ${hops.map((h) => h.url).join(' → ')}`);
}
