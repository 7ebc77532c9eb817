/**
 * Container shells on the test bed's real Docker engine, reached over the real sshd: an
 * installation's container (the test bed's busybox image: no bash, so `sh` after bash's "not
 * found") shows its id in /etc/hostname; an image with no shell at all (FROM scratch, one static
 * binary) gets `no_shell`; a stopped container is a 409.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { addTestbedServer, testbed } from '../../apps/test/support/apps-kernel';
import { openSocket, startTerminalKernel, type TerminalKernel } from './support/terminal-kernel';

jest.setTimeout(90000);

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const NO_SHELL_IMAGE = 'tomo-test/no-shell:1';
let t: TerminalKernel;
let serverId: string;
const containers: string[] = [];

/** An image with one static binary and nothing else: no /bin/sh, no bash. */
function ensureNoShellImage(): void {
  const known = execFileSync('docker', ['images', '-q', NO_SHELL_IMAGE]).toString().trim();
  if (known) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-no-shell-'));
  fs.copyFileSync('/bin/busybox', path.join(dir, 'busybox'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /busybox\nCMD ["/busybox", "sleep", "3600"]\n');
  execFileSync('docker', ['build', '-q', '-t', NO_SHELL_IMAGE, dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** An installation of Alice's recorded as Tomo records one, with a running container labelled as Tomo labels them. */
async function installation(image: string, cmd: string[]): Promise<{ id: string; containerId: string }> {
  const id = randomUUID();
  const name = `tomo-terminal-test-${id.slice(0, 8)}`;
  const container = await docker.createContainer({ Image: image, name, Cmd: cmd, Labels: { 'io.tomo.installation': id } });
  containers.push(container.id);
  await container.start();
  const now = new Date().toISOString();
  await t.kernel.dataSource.query(
    `INSERT INTO app_installations (id, serverId, ownerId, appId, appName, image, containerName, containerId, state, error, portsJson, settingsJson, secretNamesJson, secretsSealed, capabilitiesJson, definitionJson, dataDir, progressJson, createdBy, createdAt, updatedAt)
     VALUES (?, ?, ?, 'shell-test', 'Shell Test', ?, ?, ?, 'running', NULL, '[]', '{}', '[]', NULL, '{}', '{}', ?, '[]', ?, ?, ?)`,
    [id, serverId, t.ids.alice, image, name, container.id, `/tmp/${name}`, t.ids.alice, now, now],
  );
  return { id, containerId: container.id };
}

beforeAll(async () => {
  ensureNoShellImage();
  t = await startTerminalKernel();
  serverId = await addTestbedServer(t, t.tokens.alice, 'alice-box');
});

afterAll(async () => {
  await t?.stop();
  for (const id of containers) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
});

test('a shell in an app container: sh (the image has no bash), /etc/hostname is the container id, resize reaches the tty, DELETE ends it', async () => {
  const app = await installation(testbed().docker.images.busybox, ['sleep', '3600']);
  const res = await t.request('POST', '/api/terminals', { token: t.tokens.alice, body: { installationId: app.id } });
  expect(res.status).toBe(201);
  expect(res.body.terminal).toMatchObject({ kind: 'container', serverId, installationId: app.id, service: 'shell-test' });
  // Bob may not: the installation is Alice's (404, as an unknown id).
  const bobs = await t.request('POST', '/api/terminals', { token: t.tokens.bob, body: { installationId: app.id } });
  expect(bobs.status).toBe(404);
  expect((await t.request('POST', '/api/terminals', { token: t.tokens.bob, body: { installationId: randomUUID() } })).body).toEqual(bobs.body);

  const socket = await openSocket(t.url, res.body.terminal.socketPath, { token: t.tokens.alice, cols: 90, rows: 20 });
  expect(await socket.waitForMessage('ready')).toMatchObject({ shell: 'sh', resumed: false });
  socket.type('cat /etc/hostname\r');
  await socket.waitFor(new RegExp(`[\\r\\n]${app.containerId.slice(0, 12)}\\r\\n`));
  let from = socket.output().length;
  socket.type('stty size\r');
  await socket.waitFor(/[\r\n]20 90\r\n/, from);
  socket.ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 33 }));
  from = socket.output().length;
  await new Promise((r) => setTimeout(r, 300));
  socket.type('stty size\r');
  await socket.waitFor(/[\r\n]33 120\r\n/, from);
  const shells = async () => ((await docker.getContainer(app.containerId).top()).Processes ?? []).filter((p: string[]) => /(^|\/)sh$/.test(p[p.length - 1])).length;
  expect(await shells()).toBe(1);
  expect((await t.request('DELETE', `/api/terminals/${res.body.terminal.id}`, { token: t.tokens.alice })).status).toBe(204);
  expect((await socket.closed).code).toBe(1000);
  // The shell ends in the container (its stdin closed with the attached stream).
  for (let i = 0; i < 100 && (await shells()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await shells()).toBe(0);
});

test('an image without any shell: the socket says no_shell with the sentence, and closes', async () => {
  const app = await installation(NO_SHELL_IMAGE, ['/busybox', 'sleep', '3600']);
  const res = await t.request('POST', '/api/terminals', { token: t.tokens.alice, body: { installationId: app.id } });
  expect(res.status).toBe(201);
  const socket = await openSocket(t.url, res.body.terminal.socketPath, { token: t.tokens.alice });
  expect(await socket.waitForMessage('error')).toEqual({ type: 'error', code: 'no_shell', message: "This container's image has no shell (neither bash nor sh)" });
  expect((await socket.closed).code).toBe(1000);
  expect((await t.request('GET', '/api/terminals', { token: t.tokens.alice })).body.terminals).toEqual([]);
});

test('a stopped container: 409 container_not_running; an unknown service: 400 naming service', async () => {
  const app = await installation(testbed().docker.images.busybox, ['sleep', '3600']);
  const unknown = await t.request('POST', '/api/terminals', { token: t.tokens.alice, body: { installationId: app.id, service: 'nope' } });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.field).toBe('service');
  await docker.getContainer(app.containerId).stop({ t: 0 });
  const stopped = await t.request('POST', '/api/terminals', { token: t.tokens.alice, body: { installationId: app.id } });
  expect(stopped.status).toBe(409);
  expect(stopped.body.error.code).toBe('container_not_running');
});
