/**
 * Who may open a terminal and for how long, against the real sshd: another user's server or
 * terminal is a 404 (as an unknown id), no credential 401, the session cookie counts only from
 * Tomo's own Origin (403 from another), the per-user cap (429), the idle timeout (4408), bad
 * sizes (400 naming the field), `terminal.enabled: false` (403); and a secrets sweep: a password
 * typed at a `read -s` prompt is in no log line, activity entry, answer or database file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { addTestbedServer } from '../../apps/test/support/apps-kernel';
import { openSocket, refusal, startTerminalKernel, type TerminalKernel } from './support/terminal-kernel';

jest.setTimeout(60000);

let t: TerminalKernel;
let serverId: string;
/** Every HTTP answer body the tests received, for the secrets sweep. */
const answers: string[] = [];

beforeAll(async () => {
  // Idle after 1.8 s; two terminals per user; 1 s to reconnect.
  t = await startTerminalKernel({ idleTimeoutMinutes: 0.03, maxPerUser: 2, reconnectGraceSeconds: 1 });
  serverId = await addTestbedServer(t, t.tokens.alice, 'alice-box');
});

afterAll(async () => {
  await t?.stop();
});

async function create(token: string, body: Record<string, unknown> = { serverId }) {
  const res = await t.request('POST', '/api/terminals', { token, body });
  answers.push(JSON.stringify(res.body));
  return res;
}

test("another user's server or terminal is a 404, byte for byte an unknown id's; an admin may use any", async () => {
  const bobs = await create(t.tokens.bob);
  const unknown = await create(t.tokens.bob, { serverId: randomUUID() });
  expect(bobs.status).toBe(404);
  expect(bobs.body).toEqual(unknown.body);

  const mine = (await create(t.tokens.alice)).body.terminal;
  const bobSocket = await refusal(openSocket(t.url, mine.socketPath, { token: t.tokens.bob }));
  const noneSocket = await refusal(openSocket(t.url, `/api/terminals/${randomUUID()}/socket`, { token: t.tokens.bob }));
  expect(bobSocket.status).toBe(404);
  expect(bobSocket.body).toBe(noneSocket.body);
  expect((await t.request('DELETE', `/api/terminals/${mine.id}`, { token: t.tokens.bob })).status).toBe(404);

  // The admin sees it and may attach (admins all, as for servers).
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.admin })).body.terminals.map((x: { id: string }) => x.id)).toContain(mine.id);
  const admin = await openSocket(t.url, mine.socketPath, { token: t.tokens.admin });
  await admin.waitForMessage('ready');
  expect((await t.request('DELETE', `/api/terminals/${mine.id}`, { token: t.tokens.alice })).status).toBe(204);
  expect((await admin.closed).code).toBe(1000);
});

test('no credential is a 401; the session cookie counts from Tomo\'s own Origin only (403 from another); a plain GET is 426', async () => {
  const mine = (await create(t.tokens.alice)).body.terminal;
  const cookie = `tomo_session=${t.tokens.alice}`;
  expect((await refusal(openSocket(t.url, mine.socketPath))).status).toBe(401);
  expect((await refusal(openSocket(t.url, mine.socketPath, { headers: { authorization: 'Bearer not-a-token' } }))).status).toBe(401);
  // A cookie without Origin is no browser's: not a credential.
  expect((await refusal(openSocket(t.url, mine.socketPath, { headers: { cookie } }))).status).toBe(401);
  const foreign = await refusal(openSocket(t.url, mine.socketPath, { headers: { cookie, origin: 'https://evil.example' } }));
  expect(foreign.status).toBe(403);
  expect(foreign.body).toMatch(/Origin/);
  const plain = await fetch(`${t.url}${mine.socketPath}?cols=80&rows=24`, { headers: { authorization: `Bearer ${t.tokens.alice}` } });
  expect(plain.status).toBe(426);
  // The console's way: the cookie from the page's own origin.
  const own = await openSocket(t.url, mine.socketPath, { headers: { cookie, origin: t.url } });
  expect(await own.waitForMessage('ready')).toMatchObject({ resumed: false });
  expect((await t.request('DELETE', `/api/terminals/${mine.id}`, { token: t.tokens.alice })).status).toBe(204);
  await own.closed;
});

test('sizes outside 2..1000 columns and 2..500 rows are a 400 naming the field; a bad control message is an error frame', async () => {
  const mine = (await create(t.tokens.alice)).body.terminal;
  const cols = await refusal(openSocket(t.url, mine.socketPath, { token: t.tokens.alice, query: 'cols=1&rows=24' }));
  expect(cols.status).toBe(400);
  expect(JSON.parse(cols.body).error.field).toBe('cols');
  const rows = await refusal(openSocket(t.url, mine.socketPath, { token: t.tokens.alice, query: 'cols=80&rows=abc' }));
  expect(rows.status).toBe(400);
  expect(JSON.parse(rows.body).error.field).toBe('rows');
  const socket = await openSocket(t.url, mine.socketPath, { token: t.tokens.alice });
  await socket.waitForMessage('ready');
  socket.ws.send(JSON.stringify({ type: 'resize', cols: 5000, rows: 10 }));
  expect(await socket.waitForMessage('error')).toMatchObject({ code: 'invalid_message', message: expect.stringMatching(/^cols:/) });
  expect((await t.request('DELETE', `/api/terminals/${mine.id}`, { token: t.tokens.alice })).status).toBe(204);
  await socket.closed;
});

test('the per-user cap holds (429 terminal_limit naming it); closing one makes room', async () => {
  const first = (await create(t.tokens.alice)).body.terminal;
  const second = (await create(t.tokens.alice)).body.terminal;
  const third = await create(t.tokens.alice);
  expect(third.status).toBe(429);
  expect(third.body.error).toMatchObject({ code: 'terminal_limit', message: expect.stringMatching(/limit is 2 per user/) });
  // Bob's count is his own.
  const bobServer = await addTestbedServer(t, t.tokens.bob, 'bob-box');
  const bobs = await create(t.tokens.bob, { serverId: bobServer });
  expect(bobs.status).toBe(201);
  for (const id of [first.id, second.id]) expect((await t.request('DELETE', `/api/terminals/${id}`, { token: t.tokens.alice })).status).toBe(204);
  expect((await t.request('DELETE', `/api/terminals/${bobs.body.terminal.id}`, { token: t.tokens.bob })).status).toBe(204);
  const again = await create(t.tokens.alice);
  expect(again.status).toBe(201);
  expect((await t.request('DELETE', `/api/terminals/${again.body.terminal.id}`, { token: t.tokens.alice })).status).toBe(204);
});

test('an idle terminal is closed with 4408, and the activity entry says so', async () => {
  const mine = (await create(t.tokens.alice)).body.terminal;
  const socket = await openSocket(t.url, mine.socketPath, { token: t.tokens.alice });
  await socket.waitForMessage('ready');
  const started = Date.now();
  const { code } = await socket.closed;
  expect(code).toBe(4408);
  expect(Date.now() - started).toBeGreaterThan(1000);
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.alice })).body.terminals).toEqual([]);
  let detail = '';
  for (let i = 0; i < 50 && !detail; i++) {
    const entries = (await t.request('GET', '/api/activity?action=terminal.closed', { token: t.tokens.alice })).body.entries as Array<{ detail: string }>;
    detail = entries.find((e) => e.detail.includes(mine.id))?.detail ?? '';
    if (!detail) await new Promise((r) => setTimeout(r, 100));
  }
  expect(detail).toMatch(/closed: idle$/);
});

test('a socket that stays away past the grace period ends the terminal (its socket path is a 404 then)', async () => {
  const mine = (await create(t.tokens.alice)).body.terminal;
  const socket = await openSocket(t.url, mine.socketPath, { token: t.tokens.alice });
  await socket.waitForMessage('ready');
  socket.ws.terminate();
  await new Promise((r) => setTimeout(r, 1500));
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.alice })).body.terminals).toEqual([]);
  expect((await refusal(openSocket(t.url, mine.socketPath, { token: t.tokens.alice }))).status).toBe(404);
  let detail = '';
  for (let i = 0; i < 50 && !detail; i++) {
    const entries = (await t.request('GET', '/api/activity?action=terminal.closed', { token: t.tokens.alice })).body.entries as Array<{ detail: string }>;
    detail = entries.find((e) => e.detail.includes(mine.id))?.detail ?? '';
    if (!detail) await new Promise((r) => setTimeout(r, 100));
  }
  expect(detail).toMatch(/closed: grace expired$/);
});

test('secrets sweep: a password typed at a read -s prompt stays in the terminal (no log line, activity entry, answer or database file has it)', async () => {
  const secret = `Typed-Sudo-Pw-${randomUUID()}`;
  const mine = (await create(t.tokens.alice)).body.terminal;
  const socket = await openSocket(t.url, mine.socketPath, { token: t.tokens.alice });
  await socket.waitForMessage('ready');
  socket.type('read -s -p "Password: " pw; echo "got ${#pw} characters"\r');
  await socket.waitFor(/Password: $/);
  socket.type(`${secret}\r`);
  await socket.waitFor(new RegExp(`got ${secret.length} characters`));
  expect((await t.request('DELETE', `/api/terminals/${mine.id}`, { token: t.tokens.alice })).status).toBe(204);
  await socket.closed;
  // The prompt did not echo it, so not even the terminal's output holds it.
  expect(socket.output()).not.toContain(secret);

  for (const path_ of ['/api/activity', '/api/terminals', '/api/logs']) {
    const res = await t.request('GET', path_, { token: t.tokens.admin });
    answers.push(JSON.stringify(res.body));
  }
  expect(answers.filter((a) => a.includes(secret))).toEqual([]);
  expect(t.logs().filter((l) => l.includes(secret))).toEqual([]);
  // The access log names the socket's path, never its query or anything typed.
  const socketLines = t.logs().filter((l) => l.includes(`/api/terminals/${mine.id}/socket`));
  expect(socketLines.length).toBeGreaterThan(0);
  expect(socketLines.filter((l) => /cols=|rows=/.test(l))).toEqual([]);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(t.dataDir);
  expect(files.some((f) => /\.db$/.test(f))).toBe(true);
  expect(files.filter((f) => fs.readFileSync(f).includes(secret))).toEqual([]);
});

test('terminal.enabled: false refuses new terminals (403 terminal_disabled)', async () => {
  const off = await startTerminalKernel({ enabled: false });
  try {
    const server = await addTestbedServer(off, off.tokens.alice, 'alice-box');
    const res = await off.request('POST', '/api/terminals', { token: off.tokens.alice, body: { serverId: server } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('terminal_disabled');
    expect((await refusal(openSocket(off.url, `/api/terminals/${randomUUID()}/socket`, { token: off.tokens.alice }))).status).toBe(403);
  } finally {
    await off.stop();
  }
});
