/**
 * Faults: a target's Docker engine is not answering. The shared dockerd must keep running (other
 * test files use it), so the target is a private sshd started inside a mount namespace of its own
 * where /run (what /var/run points to) is an empty folder: every SSH session of that sshd finds no
 * /var/run/docker.sock, exactly as on a server after `systemctl stop docker`. The same machine is
 * also added through the test bed's sshd (Docker visible), to install the app.
 *
 * An installed app recorded running, whose container is gone from the probe's view (stopped
 * behind Tomo's back) on the blind server: the installations list, the server's apps list and
 * the monitoring's container list say `unknown` with a message naming Docker; nothing crashes and
 * the poller records no "app crashed" event, since Docker could not be asked. The control: the
 * same installation moved back to the server whose Docker answers is an "app crashed" event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killTree, startOwnSshd, type OwnSshd } from '../../plugins/servers/test/support/own-sshd';
import { addTestbedServer, localDocker, markPrepared, testbed, waitInstalled } from '../../plugins/apps/test/support/apps-kernel';
import { startMonitoringKernel, type MonitoringKernel } from '../../plugins/monitoring/test/support/monitoring-kernel';
import { waitFor } from './support/faults';
import { freePort } from '../../test-support/ports';

jest.setTimeout(120000);

let t: MonitoringKernel;
let sshd: OwnSshd;
let blind: ChildProcess | undefined;
let emptyRun: string;
let installationId: string | undefined;

/** The real path behind /var/run (a symlink to /run on most systems): the one to hide. */
const RUN_DIR = fs.realpathSync('/var/run');

beforeAll(async () => {
  // Its config, host key and log; the sshd it started is replaced by the blind one below.
  sshd = await startOwnSshd();
  await sshd.kill();
  emptyRun = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-no-docker-run-'));
  fs.mkdirSync(path.join(emptyRun, 'sshd'), { mode: 0o755 }); // sshd's privilege separation folder
  const config = path.join(sshd.dir, 'sshd_config');
  blind = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind "$1" "$2" && exec /usr/sbin/sshd -D -f "$3" -E "$4"`, 'sh', emptyRun, RUN_DIR, config, sshd.logFile], { stdio: 'ignore' });
  await waitFor('the blind sshd to listen', () => fs.existsSync(sshd.logFile) && /Server listening/.test(fs.readFileSync(sshd.logFile, 'utf8')), 10000);
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 1 } } });
});

afterAll(async () => {
  if (installationId) {
    const docker = localDocker();
    for (const c of await docker.listContainers({ all: true, filters: { label: [`io.tomo.installation=${installationId}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  }
  await t?.stop();
  if (blind?.pid) await killTree(blind.pid);
  await sshd?.cleanup();
  if (emptyRun) fs.rmSync(emptyRun, { recursive: true, force: true });
});

const crashEvents = async (id: string) => ((await t.request('GET', '/api/activity?action=app.crashed', { token: t.tokens.alice })).body.entries as any[]).filter((e) => e.targetId === id);

test('Docker not answering: apps show unknown naming Docker, no crash, no "app crashed" event; the same app on a server whose Docker answers is one', async () => {
  const { ssh } = testbed();
  // The same machine twice: through the test bed's sshd (Docker visible) and through the blind one.
  const seeing = await addTestbedServer(t, t.tokens.alice, 'docker-visible');
  await markPrepared(t, seeing);
  const added = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: { name: 'docker-stopped', host: '127.0.0.1', port: sshd.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } } });
  expect(added.status).toBe(201);
  const blindId = added.body.id as string;
  await markPrepared(t, blindId);
  const test = await t.request('POST', `/api/servers/${blindId}/test`, { token: t.tokens.alice });
  expect(test.body.ok).toBe(true); // SSH works: only Docker is missing

  // Before installing anything there: the preflight says Docker is not answering.
  const preflight = await t.request('POST', `/api/servers/${blindId}/apps/preflight`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  expect(preflight.body.ok).toBe(false);
  expect(preflight.body.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/Docker on "docker-stopped" is not answering at \/var\/run\/docker\.sock/);

  const res = await t.request('POST', `/api/servers/${seeing}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  expect(res.status).toBe(202);
  installationId = res.body.installation.id as string;
  const installed = await waitInstalled(t, t.tokens.alice, installationId);
  expect(installed.state).toBe('running');

  // The record moves to the blind server, and its container stops behind Tomo's back: what the
  // probe sees after `systemctl stop docker` (no container running, Docker not answering).
  await t.kernel.dataSource.getRepository('app_installations').update({ id: installationId }, { serverId: blindId });
  await localDocker().getContainer(installed.containerName).stop({ t: 1 });

  const view = async () => (await t.request('GET', '/api/apps/installations', { token: t.tokens.alice })).body.installations.find((i: any) => i.id === installationId);
  const expectUnknownNamingDocker = (v: { state: string; stateDetail: string | null }) => {
    expect(v.state).toBe('unknown');
    expect(v.stateDetail).toMatch(/^Docker on the server could not be asked: .*\/var\/run\/docker\.sock/);
  };
  expectUnknownNamingDocker(await view());
  const onServer = (await t.request('GET', `/api/servers/${blindId}/apps`, { token: t.tokens.alice })).body;
  expectUnknownNamingDocker(onServer.installations.find((i: any) => i.id === installationId));

  // Several polls of the blind server: the monitoring's container list says unknown, naming Docker.
  let container: any;
  await waitFor('the poller to look at the app on the blind server', async () => {
    const metrics = await t.request('GET', `/api/metrics/servers/${blindId}`, { token: t.tokens.alice });
    container = metrics.body.containers?.find((c: any) => c.installationId === installationId);
    return container !== undefined && container.state !== 'running';
  }, 30000, 500);
  await new Promise((r) => setTimeout(r, 4000));
  container = (await t.request('GET', `/api/metrics/servers/${blindId}`, { token: t.tokens.alice })).body.containers.find((c: any) => c.installationId === installationId);
  expect(container.state).toBe('unknown');
  expect(container.detail).toMatch(/Docker/);
  const summary = await t.request('GET', '/api/metrics/summary', { token: t.tokens.alice });
  expect(summary.status).toBe(200);
  expect(summary.body.apps.crashed ?? 0).toBe(0);
  expect(await crashEvents(installationId)).toEqual([]);
  expect(t.logs().filter((l) => /Unhandled/.test(l))).toEqual([]);

  // Control: on the server whose Docker answers, the same stopped container is a crash.
  await t.kernel.dataSource.getRepository('app_installations').update({ id: installationId }, { serverId: seeing });
  await waitFor('the app.crashed event on the server whose Docker answers', async () => (await crashEvents(installationId!)).length === 1, 30000, 500);
});
