import { APT_COMPOSE_PACKAGES } from '../debian-family';
import { DNF_COMPOSE_PACKAGES } from '../rhel-family';
import { FakeStepContext, fail, loadOs, ok, runStep } from '../__fixtures__/fake-step-context';
import { composeVersionOf, dockerComposeStep } from './docker-compose';

const PLUGIN = ['docker', 'compose', 'version', '--short'];
const STANDALONE = ['docker-compose', 'version', '--short'];
const policy = (name: string) => ['apt-cache', 'policy', name];
const aptInstall = (name: string) => ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', name];
const candidate = (name: string, version: string) => ok(`${name}:\n  Installed: (none)\n  Candidate: ${version}\n  Version table:\n     ${version} 500\n`);

const step = dockerComposeStep(APT_COMPOSE_PACKAGES);

/** A Debian/Ubuntu server where neither `docker compose` nor `docker-compose` runs yet, and apt knows none of the candidates. */
const noCompose = (fixture: string) =>
  new FakeStepContext(loadOs(fixture), { username: 'tomo-op' })
    .on(PLUGIN, fail(125, "docker: 'compose' is not a docker command."))
    .on(STANDALONE, fail(127, 'sh: docker-compose: not found'))
    .on(policy('docker-compose-plugin'), ok(''))
    .on(policy('docker-compose-v2'), ok(''))
    .on(policy('docker-compose'), ok(''));

test('id and title (the stepper shows "Install Docker Compose v2"); no rollback', () => {
  expect([step.id, step.title]).toEqual(['install-docker-compose', 'Install Docker Compose v2']);
  expect(step.rollback).toBeUndefined();
});

test.each([
  ['2.26.1-4', '2.26.1', 2],
  ['v2.29.1', '2.29.1', 2],
  ['2.24.6+ds1-0ubuntu1~24.04.1', '2.24.6', 2],
  ['1:2.20.2-1', '2.20.2', 2],
  ['1.29.2', '1.29.2', 1],
  ['1.29.2-3\n', '1.29.2', 1],
])('composeVersionOf(%j) is %s', (text, version, major) => {
  expect(composeVersionOf(text)).toEqual({ version, major });
});

test('composeVersionOf refuses what is not a version', () => {
  expect(composeVersionOf('')).toBeNull();
  expect(composeVersionOf('docker: unknown command')).toBeNull();
});

test('the CLI plugin reporting v2: satisfied, recorded with `docker compose`, nothing else asked', async () => {
  const ctx = noCompose('debian-13').on(PLUGIN, ok('2.26.1-4\n'));
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(ctx.commands).toEqual([['user', PLUGIN]]);
  expect(ctx.composeRecords).toEqual([{ available: true, version: '2.26.1', command: ['docker', 'compose'] }]);
  expect(ctx.logLines).toEqual(['Docker Compose 2.26.1 answers tomo-op as `docker compose`']);
});

test('only a standalone v2 binary: recorded with `docker-compose`', async () => {
  const ctx = noCompose('ubuntu-22.04').on(STANDALONE, ok('v2.27.0\n'));
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(ctx.composeRecords).toEqual([{ available: true, version: '2.27.0', command: ['docker-compose'] }]);
});

test("Debian 13 with Debian's docker.io: installs Debian's docker-compose (2.26) and verifies it as the SSH user", async () => {
  const ctx = noCompose('debian-13').on(policy('docker-compose'), candidate('docker-compose', '2.26.1-4'));
  // Not there before the install, there after.
  ctx.on(PLUGIN, fail(125), ok('2.26.1-4\n'));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  expect(ctx.commands).toEqual([
    // check: nothing runs yet, but a v2 package can be installed
    ['user', PLUGIN],
    ['user', STANDALONE],
    ['user', policy('docker-compose-plugin')],
    ['user', policy('docker-compose-v2')],
    ['user', policy('docker-compose')],
    // apply
    ['user', policy('docker-compose-plugin')],
    ['user', policy('docker-compose-v2')],
    ['user', policy('docker-compose')],
    ['root', aptInstall('docker-compose')],
    ['user', PLUGIN],
  ]);
  expect(ctx.composeRecords).toEqual([{ available: true, version: '2.26.1', command: ['docker', 'compose'] }]);
  expect(ctx.logLines).toEqual(['Installed docker-compose 2.26.1-4', 'Docker Compose 2.26.1 answers tomo-op as `docker compose`']);
  expect(ctx.warnings).toEqual([]);
});

test("Ubuntu 24.04: docker-compose-v2 is chosen; its docker-compose (1.29, v1) is not", async () => {
  const ctx = noCompose('ubuntu-24.04')
    .on(policy('docker-compose-v2'), candidate('docker-compose-v2', '2.24.6+ds1-0ubuntu1~24.04.1'))
    .on(policy('docker-compose'), candidate('docker-compose', '1.29.2-6ubuntu1'))
    .on(PLUGIN, fail(125), ok('2.24.6+ds1-0ubuntu1~24.04.1\n'));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  const installs = ctx.commands.filter(([as]) => as === 'root');
  expect(installs).toEqual([['root', aptInstall('docker-compose-v2')]]);
  expect(ctx.composeRecords).toEqual([{ available: true, version: '2.24.6', command: ['docker', 'compose'] }]);
});

test("Debian 12 from Debian's packages: only v1 to be had, so it is satisfied (nothing to do), nothing runs as root, and the reason is recorded", async () => {
  const ctx = noCompose('debian-12').on(policy('docker-compose'), candidate('docker-compose', '1.29.2-3'));
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(ctx.calls.filter((c) => c.as === 'root')).toEqual([]);
  const reason =
    "no Compose v2 package in this server's repositories (docker-compose-plugin: not available; docker-compose-v2: not available; docker-compose: 1.29.2-3, Compose v1); " +
    'Docker\'s own repository has it as docker-compose-plugin (prepare again with the Docker source "official")';
  expect(ctx.composeRecords).toEqual([{ available: false, reason }]);
  expect(ctx.warnings).toEqual([`WARNING: Docker Compose v2 is unavailable, so multi-container apps cannot be installed here: ${reason}`]);
});

test('an installed Compose v1 is named in the reason', async () => {
  const ctx = noCompose('debian-12').on(STANDALONE, ok('1.29.2\n')).on(policy('docker-compose'), candidate('docker-compose', '1.29.2-3'));
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(ctx.composeRecords).toHaveLength(1);
  expect(ctx.composeRecords[0]).toMatchObject({ available: false, reason: expect.stringContaining('and the installed docker-compose 1.29.2 is Compose v1;') });
});

test('a failing install does not fail the preparation: Compose is recorded unavailable with the output', async () => {
  const ctx = noCompose('debian-13')
    .on(policy('docker-compose'), candidate('docker-compose', '2.26.1-4'))
    .onRoot(aptInstall('docker-compose'), fail(100, 'E: Failed to fetch http://deb.debian.org/debian/pool/main/d/docker-compose/docker-compose_2.26.1-4_amd64.deb  404  Not Found'));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  expect(ctx.composeRecords).toEqual([
    {
      available: false,
      reason:
        'installing docker-compose 2.26.1-4 failed (E: Failed to fetch http://deb.debian.org/debian/pool/main/d/docker-compose/docker-compose_2.26.1-4_amd64.deb  404  Not Found); retry the preparation once the package manager works',
    },
  ]);
  expect(ctx.warnings).toHaveLength(1);
});

test('installed, but the SSH user still runs no v2: recorded unavailable, saying so', async () => {
  const ctx = noCompose('debian-13').on(policy('docker-compose'), candidate('docker-compose', '2.26.1-4'));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  expect(ctx.composeRecords).toEqual([
    { available: false, reason: 'docker-compose 2.26.1-4 was installed, but neither `docker compose version` nor `docker-compose version` reports v2 for tomo-op' },
  ]);
});

test('apt-cache printing `(none)` means not installable', async () => {
  const ctx = noCompose('debian-12').on(policy('docker-compose-plugin'), candidate('docker-compose-plugin', '(none)'));
  await expect(APT_COMPOSE_PACKAGES.candidateVersion(ctx, 'docker-compose-plugin')).resolves.toBeNull();
  await expect(APT_COMPOSE_PACKAGES.candidateVersion(ctx, 'docker-compose-v2')).resolves.toBeNull();
});

describe('dnf', () => {
  const query = (name: string) => ['dnf', '-q', 'repoquery', '--latest-limit=1', '--qf', '%{version} ', name];
  const rhelStep = dockerComposeStep(DNF_COMPOSE_PACKAGES);

  test("Fedora with moby-engine: Fedora's docker-compose (v2) is installed with dnf, the query made as root", async () => {
    const ctx = new FakeStepContext(loadOs('fedora-40'), { username: 'tomo-op' })
      .on(PLUGIN, fail(125), ok('2.29.7\n'))
      .on(STANDALONE, fail(127))
      .onRoot(query('docker-compose-plugin'), ok(''))
      .onRoot(query('docker-compose'), ok('2.29.7 2.29.7 '));
    await expect(runStep(rhelStep, ctx)).resolves.toBe('applied');
    expect(ctx.commands.filter(([as]) => as === 'root')).toEqual([
      ['root', query('docker-compose-plugin')],
      ['root', query('docker-compose')],
      ['root', query('docker-compose-plugin')],
      ['root', query('docker-compose')],
      ['root', ['dnf', '-y', 'install', 'docker-compose']],
    ]);
    expect(ctx.composeRecords).toEqual([{ available: true, version: '2.29.7', command: ['docker', 'compose'] }]);
  });

  test('a failing repoquery counts as not available', async () => {
    const ctx = new FakeStepContext(loadOs('rocky-9')).onRoot(query('docker-compose'), fail(1, 'Error: Failed to download metadata'));
    await expect(DNF_COMPOSE_PACKAGES.candidateVersion(ctx, 'docker-compose')).resolves.toBeNull();
  });
});
