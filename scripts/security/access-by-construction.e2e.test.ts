/**
 * Coverage by construction: every HTTP route and MCP tool the plugins register (read from the
 * kernel's registries, so a new one is covered without touching this file) is called
 *   - without credentials, with forged ones, with a cookie lacking the console's header, and with
 *     credentials that stopped counting (logged out, revoked, user disabled, password changed, role
 *     taken away): 401 / `unauthorized`;
 *   - from a foreign Origin: no CORS grant;
 *   - as a `user` when it is admin-only: 403 / `forbidden` (and installing any catalog app with
 *     host access, on the user's own server);
 *   - as Bob with Alice's record ids (server, installation, API token; users and uploads are
 *     admin-only): 404 / `not_found`, the very answer an id of nothing gets, and filters by
 *     Alice's records give Bob nothing; Bob's lists and summaries hold nothing of hers and are
 *     as they were before she had records;
 * and none of the refused calls changes a row of any table or reaches a server over SSH (the
 * ServerService and its pool are counted, and Alice's server is a private sshd whose logins are
 * counted). Sample input per route and tool: support/samples.ts; a registered one without an
 * entry fails the first test.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RouteEntry } from '../../kernel/src/http/route-registry';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { startOwnSshd, type OwnSshd } from '../../plugins/servers/test/support/own-sshd';
import { testbed } from '../../plugins/apps/test/support/apps-kernel';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { coverageProblems, fillPath, ROUTE_SAMPLES, routeKey, TOOL_SAMPLES, type IdKind, type Ids, type RecordKind } from './support/samples';
import {
  ADMIN,
  ALICE,
  BOB,
  addUser,
  countSsh,
  diffDumps,
  dumpDb,
  insertAlertRecords,
  insertInstallation,
  insertOidcIdentity, insertPasskey,
  insertPreparation,
  login,
  startSecurityKernel,
  type SecurityKernel,
} from './support/security-kernel';

// Several tests send every route and tool a request per credential: their time grows with each
// route a plugin adds (about 25 s alone for the two longest with the second-factor routes), so
// a loaded machine needs more than the default 30 s.
jest.setTimeout(120000);

let t: SecurityKernel;
let sshd: OwnSshd;
let ids: Ids;
const tokens = { admin: '', alice: '', bob: '' };
let bobBefore: Record<string, unknown>;
const sent = { http: 0, mcp: 0 };

beforeAll(async () => {
  sshd = await startOwnSshd();
  t = await startSecurityKernel();
  await addUser(t, ADMIN, 'admin');
  const aliceId = await addUser(t, ALICE, 'user');
  await addUser(t, BOB, 'user');
  tokens.admin = await login(t, ADMIN);
  tokens.alice = await login(t, ALICE);
  tokens.bob = await login(t, BOB);

  // The admin's notification channel (to an address that answers nothing), made before Bob's
  // first reads: every user lists channels, so it belongs to what he sees before and after.
  const channel = await t.request('POST', '/api/alerts/channels', { token: tokens.admin, body: { name: 'admin-ntfy', type: 'ntfy', config: { serverUrl: 'http://192.0.2.10', topic: 'ops' } } });
  expect(channel.status).toBe(201);

  // What Bob sees before Alice has anything: compared with what he sees after.
  bobBefore = await bobsReads();

  // Alice's records: a server (the private sshd, password login, host key pinned by a first
  // test), its preparation, an installed app, an API token. The admin's upload.
  const { ssh } = testbed();
  const server = await t.request('POST', '/api/servers', {
    token: tokens.alice,
    body: { name: 'alice-box', host: '127.0.0.1', port: sshd.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } },
  });
  expect(server.status).toBe(201);
  const tested = await t.request('POST', `/api/servers/${server.body.id}/test`, { token: tokens.alice });
  expect(tested.body).toMatchObject({ ok: true });
  insertPreparation(t, server.body.id, 'failed');
  const token = await t.request('POST', '/api/auth/tokens', { token: tokens.alice, body: { name: 'alice-cli' } });
  expect(token.status).toBe(201);
  const upload = await fetch(`${t.url}/api/backup/uploads`, { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/octet-stream' }, body: 'not a backup' });
  expect(upload.status).toBe(201);
  ids = {
    server: server.body.id,
    installation: await insertInstallation(t, tokens.admin, server.body.id, aliceId, 'tomo-alice-web'),
    token: token.body.record.id,
    user: aliceId,
    upload: ((await upload.json()) as { id: string }).id,
    channel: channel.body.channel.id,
    app: 'web-hello',
    ...(await insertAlertRecords(t, tokens.alice, server.body.id, aliceId)),
    passkey: insertPasskey(t, aliceId, 'alice-laptop'),
    oidcIdentity: insertOidcIdentity(t, aliceId, 'alice@example.com'),
    oidcProvider: 'corp',
    terminal: randomUUID(),
  };
  // No pooled connection left: any later use of Alice's server is a new, logged, login.
  (await t.kernel.resolve(ServersTokens.ServerService).forSystem(ids.server)).reconnect();
});

afterAll(async () => {
  if (process.env.SECURITY_DEBUG) for (const l of t.logs()) if (/"level":(50|60)/.test(l)) console.log(l.slice(0, 3000));
  await t?.stop();
  await sshd?.cleanup();
  console.log(`access-by-construction: ${t ? t.kernel.routes.all().length : 0} routes, ${t ? t.kernel.tools.all().length : 0} tools; ${sent.http} HTTP requests, ${sent.mcp} MCP tool calls`);
});

/** Times and durations change between two reads; everything else in an answer must not. */
function stable(value: unknown): unknown {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return '<time>';
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /uptime|Ms$|^ms$|At$|^time|^now/i.test(k) && typeof v === 'number' ? '<number>' : stable(v)]));
  }
  return value;
}

/**
 * Bob's answers from every GET route he may call that names no record (lists, summaries,
 * counts, the activity log, his own account and tokens), times left out.
 */
async function bobsReads(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const entry of t.kernel.routes.all()) {
    const sample = ROUTE_SAMPLES[routeKey(entry)];
    if (entry.definition.method !== 'GET' || entry.definition.access === 'admin' || Object.keys(sample?.params ?? {}).length > 0) continue;
    const res = await send(entry, { token: tokens.bob });
    out[routeKey(entry)] = { status: res.status, body: stable(res.body) };
  }
  return out;
}

/** Well-formed ids of no record (the same catalog app). */
const unknownIds = (): Ids => ({ server: randomUUID(), installation: randomUUID(), token: randomUUID(), user: randomUUID(), upload: randomUUID(), alertRule: randomUUID(), silence: randomUUID(), alert: randomUUID(), channel: randomUUID(), passkey: randomUUID(), oidcIdentity: randomUUID(), app: ids.app, oidcProvider: 'no-such-provider', terminal: randomUUID() });

const routes = () => t.kernel.routes.all();
const tools = () => t.kernel.tools.all();
const recordIds = (declared: Record<string, IdKind> | undefined): RecordKind[] => Object.values(declared ?? {}).filter((k): k is RecordKind => k !== 'app' && k !== 'oidcProvider' && k !== 'terminal');

/** Sends a route's sample request with `who`'s credential (or `authorization` as given). */
async function send(entry: RouteEntry, who: { token?: string; authorization?: string; headers?: Record<string, string> } = {}, overrideIds: Ids = ids): Promise<{ status: number; body: any }> {
  const key = routeKey(entry);
  const sample = ROUTE_SAMPLES[key];
  const query = sample.query ? `?${new URLSearchParams(sample.query(overrideIds))}` : '';
  const url = `${t.url}${fillPath(entry.definition.path, sample.params, overrideIds)}${query}`;
  const headers: Record<string, string> = { ...who.headers };
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  if (who.authorization) headers.authorization = who.authorization;
  // fetch takes bytes in an ArrayBuffer of their own (a Buffer may be a view into a shared pool): copied.
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (sample.rawBody) {
    headers['content-type'] = sample.rawBody.contentType;
    body = new Uint8Array(sample.rawBody.bytes());
  } else if (sample.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(sample.body(overrideIds));
  }
  sent.http += 1;
  const res = await fetch(url, { method: entry.definition.method, headers, body, signal: AbortSignal.timeout(20000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

async function callTool(client: Client, name: string, overrideIds: Ids = ids): Promise<{ text: string; isError: boolean; structured: any }> {
  sent.mcp += 1;
  return resultText(await client.callTool({ name, arguments: TOOL_SAMPLES[name].args(overrideIds) }));
}

/**
 * Runs `sweep` and fails when it changed any row of any table or reached any server: the
 * ServerService and pool calls counted, and the private sshd's accepted logins.
 */
async function withoutSideEffects(sweep: () => Promise<void>): Promise<void> {
  const before = dumpDb(t);
  const loginsBefore = sshd.acceptedLogins();
  const ssh = countSsh(t);
  try {
    await sweep();
  } finally {
    ssh.restore();
  }
  await new Promise((r) => setTimeout(r, 300)); // anything a handler left running in the background
  expect(diffDumps(before, dumpDb(t))).toEqual([]);
  expect(ssh.counts).toEqual({ handleExec: 0, handleStream: 0, handleFiles: 0, poolConnectFresh: 0, poolExec: 0, poolStream: 0, poolSftp: 0 });
  expect(sshd.acceptedLogins()).toBe(loginsBefore);
}

test('every registered route and tool has a sample, and every id it takes says what it names', () => {
  expect(routes().length).toBeGreaterThan(50);
  expect(tools().length).toBeGreaterThan(25);
  expect(coverageProblems(routes(), tools())).toEqual([]);
});

test('no route without credentials: 401 with none, forged ones, basic auth, or a session cookie without the console header, for every non-public route (raw ones included)', async () => {
  const guarded = routes().filter((r) => r.definition.access !== 'public');
  const answers: string[] = [];
  // The admin's valid session cookie, but without the console's header (what a cross-site form
  // or a page's fetch would send): a cookie counts only with X-Requested-With: tomo-console.
  const cookie = `tomo_session=${tokens.admin}`;
  const variants: Array<[string, { authorization?: string; headers?: Record<string, string> }]> = [
    ['none', {}],
    ['forged bearer', { authorization: 'Bearer not-a-token' }],
    ['tampered session token', { authorization: `Bearer ${tokens.alice.slice(0, -4)}AAAA` }],
    ['basic auth with a real password', { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` }],
    ['session cookie without the console header', { headers: { cookie } }],
    ['session cookie with another X-Requested-With', { headers: { cookie, 'x-requested-with': 'XMLHttpRequest' } }],
  ];
  // The cookie itself is good: with the console's header it works.
  expect((await t.request('GET', '/api/auth/me', { headers: { cookie, 'x-requested-with': 'tomo-console' } })).body.username).toBe('admin');
  await withoutSideEffects(async () => {
    for (const entry of guarded) {
      for (const [name, who] of variants) {
        const res = await send(entry, who);
        answers.push(`${routeKey(entry)} [${name}] -> ${res.status}${res.status === 401 ? '' : ` ${JSON.stringify(res.body).slice(0, 200)}`}`);
      }
    }
  });
  expect(answers.filter((a) => !a.endsWith('-> 401'))).toEqual([]);
  expect(answers.length).toBe(guarded.length * variants.length);
});

test('credentials that stopped counting open nothing: a logged-out session, a revoked API token, a disabled user\'s session and token, the other session and token after a password change', async () => {
  const carol = { username: 'carol', password: 'carol-password-1234' };
  const erin = { username: 'erin', password: 'erin-password-12345' };
  await addUser(t, carol, 'admin');
  const erinId = await addUser(t, erin, 'admin');
  const carolSession = await login(t, carol);
  const carolToken = (await t.request('POST', '/api/auth/tokens', { token: carolSession, body: { name: 'revoked soon' } })).body;
  const erinSession = await login(t, erin);
  const erinToken = (await t.request('POST', '/api/auth/tokens', { token: erinSession, body: { name: 'disabled soon' } })).body.token as string;
  const carolSecondSession = await login(t, carol);
  const gina = { username: 'gina', password: 'gina-password-12345' };
  await addUser(t, gina, 'admin');
  const ginaOtherSession = await login(t, gina);
  const ginaToken = (await t.request('POST', '/api/auth/tokens', { token: ginaOtherSession, body: { name: 'before the new password' } })).body.token as string;
  const ginaSession = await login(t, gina);
  // Each works until it stops counting (all admins: every route would otherwise let them in).
  for (const credential of [carolSession, carolToken.token, erinSession, erinToken, carolSecondSession, ginaOtherSession, ginaToken, ginaSession]) {
    expect((await t.request('GET', '/api/plugins', { token: credential })).status).toBe(200);
  }
  expect((await t.request('POST', '/api/auth/logout', { token: carolSession })).status).toBe(204);
  expect((await t.request('DELETE', `/api/auth/tokens/${carolToken.record.id}`, { token: carolSecondSession })).status).toBe(204);
  expect((await t.request('PATCH', `/api/users/${erinId}`, { token: tokens.admin, body: { disabled: true } })).status).toBe(200);
  expect((await t.request('POST', '/api/auth/me/password', { token: ginaSession, body: { currentPassword: gina.password, newPassword: 'gina-new-password-678' } })).status).toBe(204);
  const dead: Array<[string, string]> = [
    ['logged-out session', carolSession],
    ['revoked API token', carolToken.token],
    ["disabled user's session", erinSession],
    ["disabled user's API token", erinToken],
    ['another session, after a password change', ginaOtherSession],
    ['an API token, after a password change', ginaToken],
  ];
  const wrong: string[] = [];
  const mcp = await Promise.all(dead.map(([, credential]) => connectMcp(t.url, credential)));
  try {
    await withoutSideEffects(async () => {
      for (const entry of routes().filter((r) => r.definition.access !== 'public')) {
        for (const [name, credential] of dead) {
          const res = await send(entry, { token: credential });
          if (res.status !== 401) wrong.push(`${routeKey(entry)} [${name}] -> ${res.status} ${JSON.stringify(res.body).slice(0, 150)}`);
        }
      }
      for (const entry of tools().filter((x) => x.definition.access !== 'public')) {
        for (const [i, [name]] of dead.entries()) {
          const r = await callTool(mcp[i], entry.definition.name);
          if (!/^unauthorized:/.test(r.text)) wrong.push(`${entry.definition.name} [${name}] -> ${r.text.slice(0, 150)}`);
        }
      }
    });
  } finally {
    for (const c of mcp) await c.close();
  }
  expect(wrong).toEqual([]);
  // Each credential is tried on every route and tool: the time grows with them (and with the machine's load).
}, 120000);

// A changed role ends every credential of the user (plugins/auth user-service): the old ones then
// answer 401, which is stricter than the 403 a fresh user credential gets.
test('an admin made a user loses every admin-only route and tool at once, session and API token alike', async () => {
  const frank = { username: 'frank', password: 'frank-password-1234' };
  const frankId = await addUser(t, frank, 'admin');
  const session = await login(t, frank);
  const apiToken = (await t.request('POST', '/api/auth/tokens', { token: session, body: { name: 'demoted soon' } })).body.token as string;
  const adminRoutes = routes().filter((r) => r.definition.access === 'admin' && r.definition.method === 'GET');
  // Warm every cache: as an admin, both credentials read the admin-only GET routes.
  for (const entry of adminRoutes) for (const credential of [session, apiToken]) expect((await send(entry, { token: credential })).status).toBe(200);
  const mcp = await Promise.all([session, apiToken].map((credential) => connectMcp(t.url, credential)));
  try {
    expect((await callTool(mcp[0], 'list_users')).isError).toBe(false);
    expect((await t.request('PATCH', `/api/users/${frankId}`, { token: tokens.admin, body: { role: 'user' } })).status).toBe(200);
    const wrong: string[] = [];
    await withoutSideEffects(async () => {
      for (const entry of routes().filter((r) => r.definition.access === 'admin')) {
        for (const credential of [session, apiToken]) {
          const res = await send(entry, { token: credential });
          if (res.status !== 401) wrong.push(`${routeKey(entry)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 150)}`);
        }
      }
      for (const entry of tools().filter((x) => x.definition.access === 'admin')) {
        for (const client of mcp) {
          const r = await callTool(client, entry.definition.name);
          if (!/^unauthorized:/.test(r.text)) wrong.push(`${entry.definition.name} -> ${r.text.slice(0, 150)}`);
        }
      }
    });
    expect(wrong).toEqual([]);
    // Logged in again, as the user Frank now is: 403 on every admin-only route.
    const fresh = await login(t, frank);
    const still: string[] = [];
    for (const entry of routes().filter((r) => r.definition.access === 'admin')) {
      const res = await send(entry, { token: fresh });
      if (res.status !== 403) still.push(`${routeKey(entry)} -> ${res.status}`);
    }
    expect(still).toEqual([]);
  } finally {
    for (const c of mcp) await c.close();
  }
});

test('no route (nor /mcp) lets another origin in: preflights and requests from a foreign Origin get no CORS grant', async () => {
  const grants: string[] = [];
  const paths = [...new Set(routes().map((r) => fillPath(r.definition.path, ROUTE_SAMPLES[routeKey(r)].params, ids))), '/mcp'];
  for (const path of paths) {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      sent.http += 1;
      const res = await fetch(`${t.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, x-requested-with' },
      });
      for (const [name, value] of res.headers) if (name.startsWith('access-control-')) grants.push(`OPTIONS ${path} (${method}): ${name}: ${value}`);
    }
  }
  for (const entry of routes().filter((r) => r.definition.method === 'GET' && !r.definition.path.endsWith('/events'))) {
    sent.http += 1;
    const res = await fetch(`${t.url}${fillPath(entry.definition.path, ROUTE_SAMPLES[routeKey(entry)].params, ids)}`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.alice}` } });
    await res.arrayBuffer();
    for (const [name, value] of res.headers) if (name.startsWith('access-control-')) grants.push(`${routeKey(entry)}: ${name}: ${value}`);
  }
  expect(grants).toEqual([]);
});

test('admin-only routes refuse a user with 403, raw ones included', async () => {
  const adminOnly = routes().filter((r) => r.definition.access === 'admin');
  expect(adminOnly.length).toBeGreaterThan(10);
  const wrong: string[] = [];
  await withoutSideEffects(async () => {
    for (const entry of adminOnly) {
      const res = await send(entry, { token: tokens.bob });
      if (res.status !== 403) wrong.push(`${routeKey(entry)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
  });
  expect(wrong).toEqual([]);
});

test("Bob on Alice's records: 404 on every route that takes one (403 when admin-only), the same answer as for an id of nothing, no row changed, no SSH", async () => {
  const taking = routes().filter((r) => recordIds({ ...ROUTE_SAMPLES[routeKey(r)].params, ...ROUTE_SAMPLES[routeKey(r)].bodyIds }).length > 0);
  expect(taking.length).toBeGreaterThan(25);

  // First, Alice (or, for admin-only routes, the admin) reads each of them: the ids are real.
  for (const entry of taking.filter((r) => r.definition.method === 'GET')) {
    const res = await send(entry, { token: entry.definition.access === 'admin' ? tokens.admin : tokens.alice });
    expect(`${routeKey(entry)} -> ${res.status}`).toBe(`${routeKey(entry)} -> 200`);
  }
  (await t.kernel.resolve(ServersTokens.ServerService).forSystem(ids.server)).reconnect();

  const wrong: string[] = [];
  await withoutSideEffects(async () => {
    for (const entry of taking) {
      const expected = entry.definition.access === 'admin' ? 403 : 404;
      const res = await send(entry, { token: tokens.bob });
      if (res.status !== expected) wrong.push(`${routeKey(entry)} -> ${res.status} (expected ${expected}) ${JSON.stringify(res.body).slice(0, 200)}`);
      // No oracle: Alice's id gets exactly the answer an id of nothing gets.
      const nothing = await send(entry, { token: tokens.bob }, unknownIds());
      if (JSON.stringify(nothing) !== JSON.stringify(res)) wrong.push(`${routeKey(entry)}: Alice's id -> ${JSON.stringify(res).slice(0, 200)}, an unknown id -> ${JSON.stringify(nothing).slice(0, 200)}`);
    }
  });
  expect(wrong).toEqual([]);
});

test("filters by Alice's server or user give Bob nothing (and give Alice her entries)", async () => {
  const filtering = routes().filter((r) => ROUTE_SAMPLES[routeKey(r)].filters);
  expect(filtering.map(routeKey)).toEqual(expect.arrayContaining(['GET /api/activity', 'GET /api/logs']));
  for (const entry of filtering) {
    for (const [name, kind] of Object.entries(ROUTE_SAMPLES[routeKey(entry)].filters ?? {})) {
      const url = `${fillPath(entry.definition.path, ROUTE_SAMPLES[routeKey(entry)].params, ids)}?${name}=${ids[kind]}`;
      sent.http += 2;
      const alice = await t.request('GET', url, { token: tokens.alice });
      expect(alice.status).toBe(200);
      expect(alice.body.total).toBeGreaterThan(0);
      const bob = await t.request('GET', url, { token: tokens.bob });
      // The page's list, whatever its name (entries, alerts).
      const items = Object.values(bob.body as object).find(Array.isArray);
      expect({ url, status: bob.status, total: bob.body.total, items }).toEqual({ url, status: 200, total: 0, items: [] });
    }
  }
});

test("no list, summary or search shows Bob anything of Alice's (the same answers show Alice hers)", async () => {
  // Every GET route Bob may call that names no record: lists, summaries, the activity log (a
  // WebSocket route is no read: its id is a terminal's, and its checks are swept above).
  const reads = routes().filter((r) => r.definition.method === 'GET' && !r.websocket && r.definition.access !== 'admin' && !ROUTE_SAMPLES[routeKey(r)].browserRedirect && recordIds(ROUTE_SAMPLES[routeKey(r)].params).length === 0);
  expect(reads.length).toBeGreaterThan(10);
  const secrets = [ids.server, ids.installation, ids.token, ids.user, ids.passkey, ids.oidcIdentity, 'alice-box', 'tomo-alice-web', 'alice-cli', 'alice-laptop', 'alice@example.com'];
  const leaks: string[] = [];
  let aliceSees = '';
  for (const entry of reads) {
    const bob = await send(entry, { token: tokens.bob });
    const alice = await send(entry, { token: tokens.alice });
    expect(`${routeKey(entry)} -> ${bob.status}/${alice.status}`).toBe(`${routeKey(entry)} -> 200/200`);
    const text = JSON.stringify(bob.body);
    for (const s of secrets) if (text.includes(s)) leaks.push(`${routeKey(entry)} shows Bob ${s}`);
    aliceSees += JSON.stringify(alice.body);
  }
  expect(leaks).toEqual([]);
  // The check can see them: Alice's own answers hold every one of them.
  expect(secrets.filter((s) => !aliceSees.includes(s))).toEqual([]);
});

test("Bob's lists, counts and summaries are the same as before Alice had a server, an app and a token", async () => {
  const after = await bobsReads();
  expect(Object.keys(after).length).toBeGreaterThan(10);
  expect(after).toEqual(bobBefore);
});

test('host access stays admin-only for every catalog app that declares it (required or opted in), over HTTP and MCP', async () => {
  const own = await t.request('POST', '/api/servers', { token: tokens.bob, body: { name: 'bob-box', host: '192.0.2.20', port: 22, username: 'root', authType: 'password', credentials: { password: 'bob-ssh-password' } } });
  expect(own.status).toBe(201);
  const catalog = await t.request('GET', '/api/apps/catalog?limit=5000', { token: tokens.bob });
  const requests: Array<{ appId: string; capabilities?: string[] }> = [];
  for (const summary of catalog.body.apps as Array<{ id: string; requiresAdmin: boolean }>) {
    const { app } = (await t.request('GET', `/api/apps/catalog/${summary.id}`, { token: tokens.bob })).body;
    if (summary.requiresAdmin) requests.push({ appId: app.id });
    for (const cap of app.hostAccess.capabilities as Array<{ name: string; optional: boolean }>) if (cap.optional) requests.push({ appId: app.id, capabilities: [cap.name] });
  }
  expect(requests.length).toBeGreaterThanOrEqual(5);
  const bobMcp = await connectMcp(t.url, tokens.bob);
  const wrong: string[] = [];
  try {
    await withoutSideEffects(async () => {
      for (const request of requests) {
        sent.http += 2;
        sent.mcp += 1;
        const install = await t.request('POST', `/api/servers/${own.body.id}/apps`, { token: tokens.bob, body: request });
        if (install.status !== 403) wrong.push(`install ${JSON.stringify(request)} -> ${install.status} ${JSON.stringify(install.body).slice(0, 200)}`);
        const preflight = await t.request('POST', `/api/servers/${own.body.id}/apps/preflight`, { token: tokens.bob, body: request });
        if (preflight.body.ok !== false || !/only an admin/.test(JSON.stringify(preflight.body.errors))) wrong.push(`preflight ${JSON.stringify(request)} -> ${JSON.stringify(preflight.body).slice(0, 200)}`);
        const tool = resultText(await bobMcp.callTool({ name: 'install_app', arguments: { server_id: own.body.id, app_id: request.appId, capabilities: request.capabilities } }));
        if (!/^forbidden:/.test(tool.text)) wrong.push(`install_app ${JSON.stringify(request)} -> ${tool.text.slice(0, 200)}`);
      }
      // The rule is what stops them: an app without host access gets past it (to "not prepared").
      const plain = await t.request('POST', `/api/servers/${own.body.id}/apps`, { token: tokens.bob, body: { appId: 'web-hello' } });
      expect(plain.status).toBe(409);
    });
  } finally {
    await bobMcp.close();
    await t.request('DELETE', `/api/servers/${own.body.id}`, { token: tokens.bob });
  }
  expect(wrong).toEqual([]);
});

describe('MCP tools, over a real MCP client', () => {
  let anonymous: Client;
  let forged: Client;
  let bob: Client;
  let alice: Client;
  beforeAll(async () => {
    anonymous = await connectMcp(t.url);
    forged = await connectMcp(t.url, 'tomo_not-a-real-token');
    bob = await connectMcp(t.url, tokens.bob);
    alice = await connectMcp(t.url, tokens.alice);
  });
  afterAll(async () => {
    for (const c of [anonymous, forged, bob, alice]) await c?.close();
  });

  test('the client lists every registered tool', async () => {
    const listed = (await anonymous.listTools()).tools.map((x) => x.name).sort();
    expect(listed).toEqual(tools().map((x) => x.definition.name).sort());
  });

  test("no read-only tool shows Bob anything of Alice's when asked without an id (it shows Alice hers)", async () => {
    const reads = tools().filter((x) => x.definition.annotations?.readOnlyHint && x.definition.access !== 'admin');
    const secrets = [ids.server, ids.installation, ids.user, 'alice-box', 'tomo-alice-web', 'alice@example.com'];
    const leaks: string[] = [];
    let aliceSees = '';
    let called = 0;
    for (const entry of reads) {
      const sample = TOOL_SAMPLES[entry.definition.name];
      const args = Object.fromEntries(Object.entries(sample.args(ids)).filter(([k]) => !sample.ids?.[k] && !sample.filters?.[k]));
      sent.mcp += 2;
      const bobResult = resultText(await bob.callTool({ name: entry.definition.name, arguments: args }));
      // Tools that cannot be called without their id are covered by the not-found test.
      if (bobResult.isError && /^validation_failed:/.test(bobResult.text)) continue;
      called += 1;
      expect(`${entry.definition.name}: ${bobResult.isError ? bobResult.text : 'ok'}`).toBe(`${entry.definition.name}: ok`);
      for (const s of secrets) if (bobResult.text.includes(s)) leaks.push(`${entry.definition.name} shows Bob ${s}`);
      aliceSees += resultText(await alice.callTool({ name: entry.definition.name, arguments: args })).text;
    }
    expect(called).toBeGreaterThanOrEqual(5);
    expect(leaks).toEqual([]);
    expect(secrets.filter((s) => !aliceSees.includes(s))).toEqual([]);
  });

  test('every non-public tool refuses a caller without (valid) credentials', async () => {
    const guarded = tools().filter((x) => x.definition.access !== 'public');
    const wrong: string[] = [];
    await withoutSideEffects(async () => {
      for (const entry of guarded) {
        for (const client of [anonymous, forged]) {
          const r = await callTool(client, entry.definition.name);
          if (!r.isError || !/^unauthorized:/.test(r.text)) wrong.push(`${entry.definition.name} -> ${r.text.slice(0, 200)}`);
        }
      }
    });
    expect(wrong).toEqual([]);
  });

  test('admin-only tools refuse a user', async () => {
    const adminOnly = tools().filter((x) => x.definition.access === 'admin');
    expect(adminOnly.length).toBeGreaterThanOrEqual(3);
    const wrong: string[] = [];
    await withoutSideEffects(async () => {
      for (const entry of adminOnly) {
        const r = await callTool(bob, entry.definition.name);
        if (!r.isError || !/^forbidden:/.test(r.text)) wrong.push(`${entry.definition.name} -> ${r.text.slice(0, 200)}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  test("Bob on Alice's records: every tool that takes one answers not found (forbidden when admin-only); nothing changes", async () => {
    const taking = tools().filter((x) => recordIds(TOOL_SAMPLES[x.definition.name].ids).length > 0);
    expect(taking.length).toBeGreaterThan(12);
    for (const entry of taking.filter((x) => x.definition.annotations?.readOnlyHint && x.definition.access !== 'admin')) {
      const r = await callTool(alice, entry.definition.name);
      expect(`${entry.definition.name}: ${r.isError ? r.text : 'ok'}`).toBe(`${entry.definition.name}: ok`);
    }
    (await t.kernel.resolve(ServersTokens.ServerService).forSystem(ids.server)).reconnect();
    const wrong: string[] = [];
    await withoutSideEffects(async () => {
      for (const entry of taking) {
        const expected = entry.definition.access === 'admin' ? /^forbidden:/ : /^not_found:/;
        const r = await callTool(bob, entry.definition.name);
        if (!r.isError || !expected.test(r.text)) wrong.push(`${entry.definition.name} -> ${r.text.slice(0, 200)}`);
        const nothing = await callTool(bob, entry.definition.name, unknownIds());
        if (nothing.text !== r.text) wrong.push(`${entry.definition.name}: Alice's id -> ${r.text.slice(0, 200)}, an unknown id -> ${nothing.text.slice(0, 200)}`);
      }
      // Filters: Bob asks about Alice's server and Alice herself, and gets nothing.
      for (const entry of tools().filter((x) => TOOL_SAMPLES[x.definition.name].filters)) {
        for (const [arg, kind] of Object.entries(TOOL_SAMPLES[entry.definition.name].filters ?? {})) {
          sent.mcp += 1;
          const r = resultText(await bob.callTool({ name: entry.definition.name, arguments: { ...TOOL_SAMPLES[entry.definition.name].args(ids), [arg]: ids[kind] } }));
          if (r.isError || r.structured.total !== 0) wrong.push(`${entry.definition.name} ${arg}=Alice's -> ${r.text.slice(0, 200)}`);
        }
      }
    });
    expect(wrong).toEqual([]);
  });
});

test('the SSH counters do count: Alice testing her own server logs in and goes through the pool', async () => {
  const loginsBefore = sshd.acceptedLogins();
  const ssh = countSsh(t);
  try {
    const res = await t.request('POST', `/api/servers/${ids.server}/test`, { token: tokens.alice });
    sent.http += 1;
    expect(res.body).toMatchObject({ ok: true });
  } finally {
    ssh.restore();
  }
  expect(ssh.counts.poolConnectFresh).toBe(1);
  expect(sshd.acceptedLogins()).toBeGreaterThan(loginsBefore);
});
