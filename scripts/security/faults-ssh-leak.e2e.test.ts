/**
 * Faults: a target's sshd dies and comes back, again and again, while the metrics poller polls it
 * every second. Offline/online and their activity entries are covered by
 * plugins/monitoring/test/metrics-poller.e2e.test.ts; this file checks what they cannot see from
 * inside a test kernel: the built `tomo serve` (a child process) neither crashes nor leaks. After
 * a warm-up cycle and again after several kill/restart cycles, with the server answering again,
 * the process's open sockets (/proc/<pid>/fd entries that are sockets), all its open file
 * descriptors, and its active handles and timers (`process.getActiveResourcesInfo()`, reported by
 * a preloaded hook on SIGUSR2) must not have grown beyond a small tolerance.
 */
import fs from 'node:fs';
import { assertBuilt } from '../../plugins/auth/test/support/tomo-cli';
import { startOwnSshd, type OwnSshd } from '../../plugins/servers/test/support/own-sshd';
import { testbed } from '../../plugins/apps/test/support/apps-kernel';
import { createInstance, installProbe, socketCount, waitFor, type Instance } from './support/faults';

jest.setTimeout(120000);

const CYCLES = 5;

let t: Instance | undefined;
let sshd: OwnSshd | undefined;

beforeAll(() => assertBuilt());
afterAll(async () => {
  await t?.served?.kill();
  await sshd?.cleanup();
  if (t) fs.rmSync(t.dir, { recursive: true, force: true });
});

test(`${CYCLES} kill/restart cycles of a polled server's sshd: no crash, sockets, descriptors, handles and timers do not grow`, async () => {
  sshd = await startOwnSshd();
  t = await createInstance({ config: 'monitoring:\n  intervalSeconds: 1\nservers:\n  ssh:\n    keepaliveIntervalMs: 1000\n    handshakeTimeoutMs: 2000\n' });
  const probe = installProbe(t);
  const served = await t.serve();
  const token = await t.login();
  const { ssh } = testbed();
  const add = async (name: string, port: number) => {
    const res = await t!.call('POST', '/api/servers', token, { name, host: '127.0.0.1', port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const flaky = await add('flaky', sshd.port);
  await add('steady', ssh.port);

  const latest = async () => ((await t!.call('GET', '/api/metrics/servers', token)).body.servers as any[]).find((s) => s.serverId === flaky);
  /** A poll of the flaky server succeeded after `since` (it is back, its connection open again). */
  let seen: unknown;
  const polledSince = (since: number) =>
    waitFor('a successful poll of the flaky server', async () => {
      const s = (seen = await latest());
      return s?.status === 'online' && s.latest != null && Date.parse(s.latest.at) > since;
    }, 30000, 250).catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${JSON.stringify(seen)}`);
    });
  const resources = async () => (await probe.read(served.pid)).resources;
  const snapshot = async () => {
    // Between two polls, both servers answering: the steady state.
    await polledSince(Date.now());
    await new Promise((r) => setTimeout(r, 300));
    return { sockets: socketCount(served.pid), fds: fs.readdirSync(`/proc/${served.pid}/fd`).length, resources: await resources() };
  };
  let failedPolls = 0;
  const cycle = async () => {
    await sshd!.kill();
    // At least one poll fails against the dead sshd (connection refused or the pooled one dropped).
    const since = Date.now();
    let failed = false;
    await waitFor('a failed poll', async () => (failed = ((await latest())?.consecutiveFailures ?? 0) > 0) || Date.now() - since > 4000, 10000, 200);
    if (failed) failedPolls++;
    await sshd!.start();
    await polledSince(Date.now());
  };

  await polledSince(0);
  await cycle(); // warm-up: the first reconnect allocates what a reconnect needs
  const before = await snapshot();
  for (let i = 0; i < CYCLES; i++) await cycle();
  const after = await snapshot();
  const timers = (r: Record<string, number>) => (r.Timeout ?? 0) + (r.Immediate ?? 0);
  const handles = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  console.log(`ssh leak check: ${CYCLES} cycles (${failedPolls + 0} saw failed polls); sockets ${before.sockets} -> ${after.sockets}, fds ${before.fds} -> ${after.fds}, timers ${timers(before.resources)} -> ${timers(after.resources)}, handles ${handles(before.resources)} -> ${handles(after.resources)} (${JSON.stringify(after.resources)})`);

  expect((await t.call('GET', '/health')).status).toBe(200);
  // Tolerance 2: a poll or an SSH keepalive may be in flight at either reading. A leak of one
  // connection or timer per cycle would be 5 more.
  expect(after.sockets).toBeLessThanOrEqual(before.sockets + 2);
  expect(after.fds).toBeLessThanOrEqual(before.fds + 2);
  expect(timers(after.resources)).toBeLessThanOrEqual(timers(before.resources) + 2);
  expect(handles(after.resources)).toBeLessThanOrEqual(handles(before.resources) + 3);
  // The kills were seen: polls failed while the sshd was down.
  expect(failedPolls).toBeGreaterThanOrEqual(CYCLES / 2);
});
