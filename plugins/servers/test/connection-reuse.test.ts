import net from 'node:net';
/**
 * The pool against a real sshd of its own, counting the logins the sshd accepted: a connection
 * test logs in once, commands share the pooled connection, channels are capped per connection,
 * and a connection test does not cut commands that are running.
 */
import { startOwnSshd, type OwnSshd } from './support/own-sshd';
import { startServersKernel, type ServersKernel } from './support/servers-kernel';
import { connectionPortOf, execOn, passwordServerAt, serviceOf, tcpConnectionOpen, waitUntil } from './support/ssh-helpers';

// Real sshd round trips (and PAM's ~2 s delay on a wrong password) need more than jest's 5 s under load.
jest.setTimeout(20000);

const MAX_CHANNELS = 3;
let t: ServersKernel;
let sshd: OwnSshd;

beforeAll(async () => {
  [t, sshd] = await Promise.all([startServersKernel({ servers: { ssh: { maxChannelsPerConnection: MAX_CHANNELS } } }), startOwnSshd()]);
});
afterAll(async () => {
  await sshd?.cleanup();
  await t?.stop();
});

async function addServer(name: string): Promise<string> {
  const res = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServerAt(name, sshd.port) });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The sshd writes its log line right after the login; give it a moment. */
async function loginsSettled(expected: number): Promise<void> {
  await waitUntil(() => sshd.acceptedLogins() >= expected, `${expected} logins in the sshd log`, 3000);
  await new Promise((r) => setTimeout(r, 100));
  expect(sshd.acceptedLogins()).toBe(expected);
}

test('a first connection test logs in once, and the commands after it reuse that connection', async () => {
  const id = await addServer('once');
  const logins = sshd.acceptedLogins();
  const res = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(res.body).toMatchObject({ ok: true, hostKey: { firstSeen: true } });
  await loginsSettled(logins + 1);

  const service = serviceOf(t);
  const port = await connectionPortOf(service, id);
  for (let i = 0; i < 10; i++) expect((await execOn(t, id, ['true'])).exitCode).toBe(0);
  expect(await connectionPortOf(service, id)).toBe(port);
  await loginsSettled(logins + 1);

  // A second test connects afresh (it proves the credentials still work): one more login.
  expect((await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice })).body.ok).toBe(true);
  await loginsSettled(logins + 2);
});

test('the pooled connection turns Nagle off, so a command is one round trip (no delayed-ACK wait)', async () => {
  // With Nagle on, each small command write waits for the server's delayed ACK (>= 40 ms on
  // Linux). A wall-clock threshold is flaky on a loaded machine, so the socket option itself is
  // checked: every new pooled connection sets TCP_NODELAY on its socket.
  const spy = jest.spyOn(net.Socket.prototype, 'setNoDelay');
  try {
    const id = await addServer('quick');
    await execOn(t, id, ['true']);
    expect(spy.mock.calls.some((args) => args.length === 0 || args[0] === true)).toBe(true);
    // And the connection is reused: ten more commands open no new socket.
    const calls = spy.mock.calls.length;
    for (let i = 0; i < 10; i++) await execOn(t, id, ['true']);
    expect(spy.mock.calls.length).toBe(calls);
  } finally {
    spy.mockRestore();
  }
});

test('commands beyond the channel limit wait their turn on the same connection', async () => {
  const id = await addServer('busy');
  await execOn(t, id, ['true']);
  const logins = sshd.acceptedLogins();
  const started = Date.now();
  const runs = await Promise.all(Array.from({ length: MAX_CHANNELS * 2 }, (_, i) => execOn(t, id, ['sh', '-c', `sleep 0.3; echo ${i} $SSH_CONNECTION`])));
  const elapsed = Date.now() - started;
  expect(runs.map((r) => r.exitCode)).toEqual(Array(MAX_CHANNELS * 2).fill(0));
  expect(new Set(runs.map((r) => r.stdout.split(' ')[2])).size).toBe(1); // one connection
  // Two waves of 0.3 s: the cap held (all at once would take ~0.3 s).
  expect(elapsed).toBeGreaterThanOrEqual(600);
  await loginsSettled(logins);
});

test('a connection test does not cut a command that is running on the pooled connection', async () => {
  const id = await addServer('running');
  const service = serviceOf(t);
  const oldPort = await connectionPortOf(service, id);
  const running = execOn(t, id, ['sh', '-c', 'sleep 1; echo finished']);
  await new Promise((r) => setTimeout(r, 200));
  const res = await t.request('POST', `/api/servers/${id}/test`, { token: t.tokens.alice });
  expect(res.body.ok).toBe(true);
  await expect(running).resolves.toMatchObject({ exitCode: 0, stdout: 'finished\n' });
  // The old connection is closed once its command is done; the test's new connection is pooled.
  await waitUntil(() => !tcpConnectionOpen(oldPort, sshd.port), 'the old connection to close');
  const newPort = await connectionPortOf(service, id);
  expect(newPort).not.toBe(oldPort);
  expect(tcpConnectionOpen(newPort, sshd.port)).toBe(true);
});
