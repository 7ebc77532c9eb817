/**
 * Server terminals against the test bed's real sshd, through the kernel's WebSocket route and a
 * real `ws` client: a command's output, resize, DELETE ending the shell on the server, reconnect
 * within the grace period with the output printed meanwhile, and the activity entries.
 */
import fs from 'node:fs';
import { addTestbedServer } from '../../apps/test/support/apps-kernel';
import { openSocket, startTerminalKernel, type TerminalKernel } from './support/terminal-kernel';

jest.setTimeout(60000);

let t: TerminalKernel;
let serverId: string;

beforeAll(async () => {
  t = await startTerminalKernel({ reconnectGraceSeconds: 20 });
  serverId = await addTestbedServer(t, t.tokens.alice, 'alice-box');
});

afterAll(async () => {
  await t?.stop();
});

async function newTerminal(token = t.tokens.alice): Promise<{ id: string; socketPath: string }> {
  const res = await t.request('POST', '/api/terminals', { token, body: { serverId } });
  expect(res.status).toBe(201);
  return res.body.terminal;
}

/** Whether a process runs on this machine (the test bed's sshd is local). */
const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

async function waitUntil(check: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a server shell: echo $((6*7)) prints 42; a resize changes tput cols; DELETE ends the shell on the server', async () => {
  const terminal = await newTerminal();
  expect(terminal.socketPath).toBe(`/api/terminals/${terminal.id}/socket`);
  const listed = await t.request('GET', '/api/terminals', { token: t.tokens.alice });
  expect(listed.body.terminals.map((x: { id: string }) => x.id)).toContain(terminal.id);
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.bob })).body.terminals).toEqual([]);

  const socket = await openSocket(t.url, terminal.socketPath, { token: t.tokens.alice, cols: 80, rows: 24 });
  const ready = await socket.waitForMessage('ready');
  expect(ready).toMatchObject({ type: 'ready', terminalId: terminal.id, resumed: false });
  expect(typeof ready.shell).toBe('string');

  socket.type('echo $((6*7))\r');
  await socket.waitFor(/[\r\n]42\r\n/);
  let from = socket.output().length;
  socket.type('tput cols\r');
  await socket.waitFor(/[\r\n]80\r\n/, from);
  socket.ws.send(JSON.stringify({ type: 'resize', cols: 132, rows: 40 }));
  from = socket.output().length;
  // The shell gets SIGWINCH asynchronously: ask until the new width shows.
  socket.type('tput cols; tput lines\r');
  await socket.waitFor(/[\r\n]132\r\n40\r\n/, from);

  from = socket.output().length;
  socket.type('echo "pid=$$"\r');
  const pid = Number(/pid=(\d+)/.exec(await socket.waitFor(/pid=\d+\r\n/, from))![1]);
  expect(alive(pid)).toBe(true);

  const deleted = await t.request('DELETE', `/api/terminals/${terminal.id}`, { token: t.tokens.alice });
  expect(deleted.status).toBe(204);
  expect((await socket.closed).code).toBe(1000);
  // The shell (and the sshd session that ran it) is gone on the server.
  await waitUntil(() => !alive(pid));
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.alice })).body.terminals).toEqual([]);
  expect((await t.request('DELETE', `/api/terminals/${terminal.id}`, { token: t.tokens.alice })).status).toBe(404);
});

test('a dropped socket re-attaches within the grace period: resumed, with what the shell printed meanwhile; a second socket replaces the first (4409)', async () => {
  const terminal = await newTerminal();
  const first = await openSocket(t.url, terminal.socketPath, { token: t.tokens.alice });
  await first.waitForMessage('ready');
  first.type('sleep 1; echo "done-$((2+3))"\r');
  first.ws.terminate(); // a network blip: no close handshake, no DELETE
  await new Promise((r) => setTimeout(r, 1800));

  const second = await openSocket(t.url, terminal.socketPath, { token: t.tokens.alice, cols: 100, rows: 30 });
  expect(await second.waitForMessage('ready')).toMatchObject({ resumed: true, terminalId: terminal.id });
  await second.waitFor(/done-5/);
  second.type('tput cols\r');
  await second.waitFor(/[\r\n]100\r\n/);

  const third = await openSocket(t.url, terminal.socketPath, { token: t.tokens.alice });
  expect(await third.waitForMessage('ready')).toMatchObject({ resumed: true });
  expect((await second.closed).code).toBe(4409);
  third.type('exit\r');
  expect(await third.waitForMessage('exit')).toMatchObject({ type: 'exit', code: 0 });
  expect((await third.closed).code).toBe(1000);
});

test('the activity log has terminal.opened and terminal.closed (with the duration and how), never what was typed', async () => {
  const terminal = await newTerminal();
  const socket = await openSocket(t.url, terminal.socketPath, { token: t.tokens.alice });
  await socket.waitForMessage('ready');
  socket.type('echo typed-marker-$((1+1))\r');
  await socket.waitFor(/typed-marker-2/);
  expect((await t.request('DELETE', `/api/terminals/${terminal.id}`, { token: t.tokens.alice })).status).toBe(204);
  await socket.closed;
  const entries = async () => (await t.request('GET', '/api/activity?action=terminal', { token: t.tokens.alice })).body.entries as Array<Record<string, string>>;
  let mine: Array<Record<string, string>> = [];
  for (let i = 0; i < 50 && mine.length < 2; i++) {
    mine = (await entries()).filter((e) => String(e.detail).includes(terminal.id));
    if (mine.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  const opened = mine.find((e) => e.action === 'terminal.opened');
  const closed = mine.find((e) => e.action === 'terminal.closed');
  expect(opened).toMatchObject({ username: 'alice', targetName: 'alice-box', serverId });
  expect(closed?.detail).toMatch(/\d+ s; closed: user/);
  expect(JSON.stringify(await entries())).not.toMatch(/typed-marker/);
});
