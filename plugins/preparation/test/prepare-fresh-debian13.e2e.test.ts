import { connectMcp, resultText } from '../../auth/test/support/mcp-client';
import { addFreshServer, startFreshServer, startPreparationKernel, waitForPreparation, type FreshServer, type PreparationKernel } from './support/preparation-kernel';

/* eslint-disable @typescript-eslint/no-require-imports -- the test bed helpers are plain CommonJS */
const { imageRef, registryDigest } = require('../../../scripts/testbed/registry.js');
/* eslint-enable @typescript-eslint/no-require-imports */

// Issue 17 on a REAL fresh Debian 13 machine (systemd, sshd, Debian's mirror): Tomo's preparation
// installs Docker 26 and Compose v2 from Debian's own packages, verifies and records Compose, shows
// it in the API, the live stream and MCP; then the prepared server pulls a test image from the test
// bed registry (the same reference the main test bed engine pulls) and records the registry's
// digest. One prepared server serves every assertion (a Debian 13 preparation takes ~20-60 s).
jest.setTimeout(600000);

let t: PreparationKernel;
let fresh: FreshServer;
let serverId: string;
let done: any;
let stream = '';

/** A command as the SSH user on the fresh server (through su, so with the user's own groups). */
const asUser = (command: string) => fresh.exec(['su', '-', fresh.username, '-c', command]);

beforeAll(async () => {
  // registry: true writes daemon.json's insecure-registries before Docker exists, as a user would.
  fresh = await startFreshServer({ sudo: 'password', debian: 13, registry: true });
  t = await startPreparationKernel();
  serverId = await addFreshServer(t, fresh, 'trixie');
  const started = await t.request('POST', `/api/servers/${serverId}/preparation`, { token: t.token, body: {} });
  expect(started.status).toBe(202);
  const live = fetch(`${t.url}/api/servers/${serverId}/preparation/events`, { headers: { authorization: `Bearer ${t.token}` } }).then((res) => res.text());
  done = await waitForPreparation(t, serverId);
  stream = await live;
});

afterAll(async () => {
  await t?.stop();
  await fresh?.remove();
});

test('a fresh Debian 13 server is prepared to completed: Docker 26 and Compose v2, verified and recorded', async () => {
  expect(done.error).toBeNull();
  expect(done.status).toBe('completed');
  expect(done.os).toMatchObject({ id: 'debian', versionId: '13', codename: 'trixie' });
  expect(done.steps.map((s: { id: string; state: string }) => `${s.id}:${s.state}`)).toEqual([
    'detect-os:applied',
    'update-package-index:applied',
    'install-dependencies:applied',
    'install-docker:applied',
    'enable-docker-service:satisfied', // Debian's docker.io enables and starts it on install
    'add-user-to-docker-group:applied',
    'verify-docker:satisfied',
    'install-docker-compose:applied',
  ]);
  expect(done.compose).toEqual({ available: true, version: '2.26.1', command: ['docker', 'compose'] });

  // Independently of Tomo, as the SSH user: Docker 26 answers, Compose v2 runs, from Debian's packages.
  expect((await asUser("docker version --format '{{.Server.Version}}'")).stdout.trim()).toMatch(/^26\./);
  expect((await asUser('docker compose version --short')).stdout.trim()).toMatch(/^2\.26\.1/);
  expect((await fresh.exec(['dpkg-query', '-W', '-f=${Package} ${Version}\\n', 'docker.io', 'docker-compose'])).stdout).toMatch(
    /^docker-compose 2\.26\.1-4\ndocker\.io 26\.[^\n]+\n$/, // dpkg-query lists by name
  );

  // The progress the console follows: the step's states and its log lines, live.
  expect(stream).toContain('"id":"install-docker-compose","title":"Install Docker Compose v2","state":"running"');
  expect(stream).toContain('Installed docker-compose 2.26.1-4');
  expect(stream).toContain('Docker Compose 2.26.1 answers tomo as `docker compose`');
  expect(stream).toContain('Preparation completed: Docker is installed, running and usable by the SSH user; Docker Compose 2.26.1');
  // A `state` event carries the recorded Compose as soon as its step ends.
  expect(stream).toMatch(/"compose":\{"available":true,"version":"2\.26\.1","command":\["docker","compose"\]\}/);
});

test('MCP get_preparation_status and a second prepare_server include Compose; the second run changes nothing', async () => {
  const mcp = await connectMcp(t.url, t.token);
  try {
    const status = resultText(await mcp.callTool({ name: 'get_preparation_status', arguments: { server_id: serverId } }));
    expect(status.isError).toBe(false);
    expect(JSON.parse(status.text).compose).toEqual({ available: true, version: '2.26.1', command: ['docker', 'compose'] });

    const again = resultText(await mcp.callTool({ name: 'prepare_server', arguments: { server_id: serverId } }));
    expect(again.isError).toBe(false);
    // A new run forgets the previous run's findings until it has checked again.
    expect(JSON.parse(again.text)).toMatchObject({ status: 'in_progress', compose: null });
    const second = await waitForPreparation(t, serverId, 120000);
    expect(second.status).toBe('completed');
    expect(second.steps.filter((s: { id: string }) => s.id !== 'detect-os').every((s: { state: string }) => s.state === 'satisfied')).toBe(true);
    expect(second.compose).toEqual({ available: true, version: '2.26.1', command: ['docker', 'compose'] });
  } finally {
    await mcp.close();
  }
});

test("the prepared server pulls webapp:1 from the test bed registry and records the registry's digest", async () => {
  const ref = imageRef('webapp', '1');
  expect(fresh.registry).toBe('tomo-registry.test:5000');
  const pull = await asUser(`docker pull ${ref}`);
  expect(pull.code).toBe(0);
  const digest = await registryDigest('webapp', '1');
  expect(pull.stdout).toContain(`Digest: ${digest}`);
  expect(pull.stdout).toContain('Downloaded newer image'); // a real pull: this engine had nothing
  const repoDigests = JSON.parse((await asUser(`docker image inspect --format '{{json .RepoDigests}}' ${ref}`)).stdout);
  expect(repoDigests).toEqual([`tomo-registry.test:5000/tomo-test/webapp@${digest}`]);
});
