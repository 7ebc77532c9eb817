import { StepFailure } from '../step-failure';
import type { DockerSource } from '../preparer-types';
import { APT_LISTS_FRESH_SCRIPT, debianFamilyPreparer } from './debian-family';
import { FakeStepContext, fail, loadOs, ok, runPlan, runStep, stepOf, type As } from './__fixtures__/fake-step-context';

const APT_FRESH = ['sh', '-c', "find /var/lib/apt/lists -maxdepth 1 -type f -name '*_Packages*' -mmin -1440 | grep -q ."];
const DPKG_QUERY = ['dpkg-query', '-W', '-f=${Package} ${Status}\\n', 'curl', 'ca-certificates', 'gnupg'];
const COMMAND_V_DOCKER = ['sh', '-c', 'command -v docker'];
const VERSION = ['docker', 'version', '--format', '{{.Server.Version}}'];
const IMAGES = ['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'];
const COMPOSE_VERSION = ['docker', 'compose', 'version', '--short'];
const APT_UPDATE = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', 'update'];
const INSTALL_DEPENDENCIES = [
  'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', '--no-install-recommends', 'curl', 'ca-certificates', 'gnupg',
];
const DOCKER_ONLY_UPDATE = [
  'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q',
  '-o', 'Dir::Etc::sourcelist=sources.list.d/docker.list', '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0', 'update',
];
const INSTALL_DOCKER_CE = [
  'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q',
  'docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin',
];
const INSTALL_DOCKER_IO = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', 'docker.io'];
const REMOVE_REPOSITORY = ['rm', '-f', '/etc/apt/sources.list.d/docker.list', '/etc/apt/keyrings/docker.asc'];
const keyDownload = (distro: string) => ['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${distro}/gpg`, '-o', '/etc/apt/keyrings/docker.asc'];

const RELEASES = [
  ['ubuntu-20.04', 'ubuntu', 'focal'],
  ['ubuntu-22.04', 'ubuntu', 'jammy'],
  ['ubuntu-24.04', 'ubuntu', 'noble'],
  ['debian-11', 'debian', 'bullseye'],
  ['debian-12', 'debian', 'bookworm'],
  ['debian-13', 'debian', 'trixie'],
] as const;

/** A server with nothing done yet: every check fails (curl and ca-certificates are there, gnupg is not). */
function freshServer(fixture: string, dockerSource: DockerSource = 'official', architecture = 'amd64') {
  return new FakeStepContext(loadOs(fixture), { username: 'tomo-op', dockerSource })
    .on(APT_FRESH, fail(1))
    .on(DPKG_QUERY, { exitCode: 1, stdout: 'curl install ok installed\nca-certificates install ok installed\n', stderr: 'dpkg-query: no packages found matching gnupg' })
    .on(COMMAND_V_DOCKER, fail(1))
    .on(['dpkg', '--print-architecture'], ok(`${architecture}\n`))
    .on(['systemctl', 'is-enabled', 'docker'], fail(1))
    .on(['id', '-nG', 'tomo-op'], ok('tomo-op adm sudo\n'))
    .on(VERSION, ok('27.3.1\n'))
    .on(IMAGES, ok(''))
    .on(COMPOSE_VERSION, ok('2.29.1\n'));
}

/** A prepared server: every check holds. */
function preparedServer(fixture: string) {
  return new FakeStepContext(loadOs(fixture), { username: 'tomo-op' })
    .on(APT_FRESH, ok())
    .on(DPKG_QUERY, ok('curl install ok installed\nca-certificates install ok installed\ngnupg install ok installed\n'))
    .on(COMMAND_V_DOCKER, ok('/usr/bin/docker\n'))
    .on(['test', '-x', '/usr/bin/dockerd'], ok())
    .on(['systemctl', 'is-enabled', 'docker'], ok('enabled\n'))
    .on(['systemctl', 'is-active', 'docker'], ok('active\n'))
    .on(['id', '-nG', 'tomo-op'], ok('tomo-op adm sudo docker\n'))
    .on(VERSION, ok('27.3.1\n'))
    .on(IMAGES, ok(''))
    .on(COMPOSE_VERSION, ok('2.29.1\n'));
}

const PLAN = [
  ['update-package-index', 'Update the package index'],
  ['install-dependencies', 'Install dependencies (curl, ca-certificates, gnupg)'],
  ['install-docker', 'Install Docker'],
  ['enable-docker-service', 'Start and enable the Docker service'],
  ['add-user-to-docker-group', 'Add the SSH user to the docker group'],
  ['verify-docker', 'Verify the Docker installation'],
  ['install-docker-compose', 'Install Docker Compose v2'],
];

describe.each(RELEASES)('%s', (fixture, distro, codename) => {
  const os = loadOs(fixture);

  test('is supported, and the plan has these steps in this order', () => {
    expect(debianFamilyPreparer.supports(os)).toBe(true);
    expect(debianFamilyPreparer.plan(os).map((step) => [step.id, step.title])).toEqual(PLAN);
  });

  test("a fresh server, Docker's official repository: the exact argv of every check and apply", async () => {
    const ctx = freshServer(fixture, 'official');
    await expect(runPlan(debianFamilyPreparer.plan(os), ctx)).resolves.toEqual({
      'update-package-index': 'applied',
      'install-dependencies': 'applied',
      'install-docker': 'applied',
      'enable-docker-service': 'applied',
      'add-user-to-docker-group': 'applied',
      'verify-docker': 'satisfied',
      // docker-ce came with docker-compose-plugin
      'install-docker-compose': 'satisfied',
    });
    const expected: Array<[As, string[]]> = [
      // update-package-index
      ['user', APT_FRESH],
      ['root', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', 'update']],
      // install-dependencies
      ['user', ['dpkg-query', '-W', '-f=${Package} ${Status}\\n', 'curl', 'ca-certificates', 'gnupg']],
      ['root', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', '--no-install-recommends', 'curl', 'ca-certificates', 'gnupg']],
      // install-docker: check, then Docker's documented repository method
      ['user', ['sh', '-c', 'command -v docker']],
      ['user', ['sh', '-c', 'command -v docker']],
      ['user', ['dpkg', '--print-architecture']],
      ['root', ['install', '-m', '0755', '-d', '/etc/apt/keyrings']],
      ['root', ['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${distro}/gpg`, '-o', '/etc/apt/keyrings/docker.asc']],
      ['root', ['chmod', 'a+r', '/etc/apt/keyrings/docker.asc']],
      ['root', ['tee', '/etc/apt/sources.list.d/docker.list']],
      ['root', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', '-o', 'Dir::Etc::sourcelist=sources.list.d/docker.list', '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0', 'update']],
      ['root', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', 'docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin']],
      // enable-docker-service
      ['user', ['systemctl', 'is-enabled', 'docker']],
      ['user', ['test', '-d', '/run/systemd/system']],
      ['root', ['systemctl', 'enable', '--now', 'docker']],
      // add-user-to-docker-group
      ['user', ['id', '-nG', 'tomo-op']],
      ['root', ['usermod', '-aG', 'docker', 'tomo-op']],
      // verify-docker: its check is the full verification, which passes
      ['user', ['docker', 'version', '--format', '{{.Server.Version}}']],
      ['user', ['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']],
      // install-docker-compose: the SSH user runs Compose v2 already
      ['user', ['docker', 'compose', 'version', '--short']],
    ];
    expect(ctx.commands).toEqual(expected);
    expect(ctx.composeRecords).toEqual([{ available: true, version: '2.29.1', command: ['docker', 'compose'] }]);
    // The apt source line (OS values in it) goes on stdin, built from os-release's codename and dpkg's architecture.
    const tee = ctx.calls.find((call) => call.argv[0] === 'tee')!;
    expect(tee.options.stdin).toBe(`deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/${distro} ${codename} stable\n`);
    expect(ctx.reconnectedAfter).toEqual([expected.length - 3]);
    expect(ctx.warnings).toEqual([]);
  });

  test('a prepared server: every check holds, so only the checks run, and nothing as root', async () => {
    const ctx = preparedServer(fixture);
    const plan = debianFamilyPreparer.plan(os);
    const applies = plan.map((step) => jest.spyOn(step, 'apply'));
    await expect(runPlan(plan, ctx)).resolves.toEqual({
      'update-package-index': 'satisfied',
      'install-dependencies': 'satisfied',
      'install-docker': 'satisfied',
      'enable-docker-service': 'satisfied',
      'add-user-to-docker-group': 'satisfied',
      'verify-docker': 'satisfied',
      'install-docker-compose': 'satisfied',
    });
    expect(applies.map((apply) => apply.mock.calls.length)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(ctx.commands).toEqual([
      ['user', APT_FRESH],
      ['user', DPKG_QUERY],
      ['user', COMMAND_V_DOCKER],
      ['user', ['test', '-x', '/usr/bin/dockerd']],
      ['user', ['systemctl', 'is-enabled', 'docker']],
      ['user', ['systemctl', 'is-active', 'docker']],
      ['user', ['id', '-nG', 'tomo-op']],
      ['user', VERSION],
      ['user', IMAGES],
      ['user', COMPOSE_VERSION],
    ]);
  });
});

describe('the checks that make each step idempotent', () => {
  const os = loadOs('debian-12');
  const step = (id: string) => stepOf(debianFamilyPreparer.plan(os), id);

  test.each([
    ['update-package-index', [APT_FRESH, ok()], [APT_FRESH, fail(1)]],
    [
      'install-dependencies',
      [DPKG_QUERY, ok('curl install ok installed\nca-certificates install ok installed\ngnupg install ok installed\n')],
      [DPKG_QUERY, { exitCode: 0, stdout: 'curl install ok installed\nca-certificates install ok installed\ngnupg deinstall ok config-files\n' }],
    ],
  ] as const)('%s: check true → apply not called; check false → apply called', async (id, satisfied, unsatisfied) => {
    const s = step(id);
    const apply = jest.spyOn(s, 'apply');
    await expect(runStep(s, new FakeStepContext(os).on(satisfied[0], satisfied[1]))).resolves.toBe('satisfied');
    expect(apply).not.toHaveBeenCalled();
    await expect(runStep(s, new FakeStepContext(os).on(unsatisfied[0], unsatisfied[1]))).resolves.toBe('applied');
    expect(apply).toHaveBeenCalledTimes(1);
  });

  test('install-docker: docker on the PATH and dockerd in /usr/bin or /usr/sbin → satisfied', async () => {
    const s = step('install-docker');
    const apply = jest.spyOn(s, 'apply');
    const debianDockerIo = new FakeStepContext(os).on(['test', '-x', '/usr/bin/dockerd'], fail(1)).on(['test', '-x', '/usr/sbin/dockerd'], ok());
    await expect(runStep(s, debianDockerIo)).resolves.toBe('satisfied');
    expect(debianDockerIo.commands).toEqual([
      ['user', COMMAND_V_DOCKER],
      ['user', ['test', '-x', '/usr/bin/dockerd']],
      ['user', ['test', '-x', '/usr/sbin/dockerd']],
    ]);
    expect(apply).not.toHaveBeenCalled();
  });

  test('install-docker: a docker command without a daemon (podman-docker) is not Docker', async () => {
    const ctx = new FakeStepContext(loadOs('debian-12')).on(['test', '-x', '/usr/bin/dockerd'], fail(1)).on(['test', '-x', '/usr/sbin/dockerd'], fail(1));
    await expect(step('install-docker').check(ctx)).resolves.toBe(false);
  });

  test('install-dependencies: dpkg-query failing on an unknown package means not installed', async () => {
    const ctx = new FakeStepContext(os).on(DPKG_QUERY, fail(1, 'dpkg-query: no packages found matching curl'));
    await expect(step('install-dependencies').check(ctx)).resolves.toBe(false);
  });
});

describe('install-docker by Docker source', () => {
  const installDocker = (fixture: string, dockerSource: DockerSource) => ({
    step: stepOf(debianFamilyPreparer.plan(loadOs(fixture)), 'install-docker'),
    ctx: freshServer(fixture, dockerSource),
  });

  test("auto, Docker's repository reachable: Docker's packages, no warning", async () => {
    const { step, ctx } = installDocker('ubuntu-22.04', 'auto');
    await runStep(step, ctx);
    expect(ctx.commands.at(-1)).toEqual(['root', INSTALL_DOCKER_CE]);
    expect(ctx.warnings).toEqual([]);
    expect(ctx.commands).not.toContainEqual(['root', INSTALL_DOCKER_IO]);
  });

  test.each(RELEASES)("auto on %s, Docker's repository unreachable (curl fails): a warning, the half-written files removed, docker.io installed", async (fixture, distro) => {
    const { step, ctx } = installDocker(fixture, 'auto');
    ctx.onRoot(keyDownload(distro), fail(6, 'curl: (6) Could not resolve host: download.docker.com'));
    await expect(runStep(step, ctx)).resolves.toBe('applied');
    expect(ctx.commands).toEqual([
      ['user', COMMAND_V_DOCKER],
      ['user', COMMAND_V_DOCKER],
      ['user', ['dpkg', '--print-architecture']],
      ['root', ['install', '-m', '0755', '-d', '/etc/apt/keyrings']],
      ['root', keyDownload(distro)],
      ['root', ['rm', '-f', '/etc/apt/sources.list.d/docker.list', '/etc/apt/keyrings/docker.asc']],
      ['root', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', 'docker.io']],
    ]);
    expect(ctx.warnings).toEqual([
      `WARNING: Docker's repository https://download.docker.com/linux/${distro} was unreachable (downloading its signing key failed); using the distribution's package docker.io instead`,
    ]);
    expect(ctx.logLines.at(-1)).toBe("Installed the distribution's Docker package (docker.io)");
  });

  test("auto, Docker's repository has no lists for the release (apt-get update of it fails): the same fallback", async () => {
    const { step, ctx } = installDocker('debian-13', 'auto');
    ctx.onRoot(DOCKER_ONLY_UPDATE, fail(100, "E: The repository 'https://download.docker.com/linux/debian trixie Release' does not have a Release file."));
    await runStep(step, ctx);
    expect(ctx.commands.slice(-3)).toEqual([
      ['root', DOCKER_ONLY_UPDATE],
      ['root', REMOVE_REPOSITORY],
      ['root', INSTALL_DOCKER_IO],
    ]);
    expect(ctx.warnings).toEqual([
      "WARNING: Docker's repository https://download.docker.com/linux/debian was unreachable (apt-get update could not read it for trixie); using the distribution's package docker.io instead",
    ]);
  });

  test("official, Docker's repository unreachable: fails loudly, the files it wrote are rolled back, docker.io is not installed", async () => {
    const { step, ctx } = installDocker('ubuntu-22.04', 'official');
    ctx.onRoot(keyDownload('ubuntu'), fail(7, 'curl: (7) Failed to connect to download.docker.com port 443'));
    const error = (await runStep(step, ctx).catch((e: unknown) => e)) as StepFailure;
    expect(error).toBeInstanceOf(StepFailure);
    expect(error.message).toBe(
      "Docker's repository https://download.docker.com/linux/ubuntu could not be reached (downloading its signing key failed): check that the server can reach download.docker.com (DNS, proxy, firewall), or choose the distribution's Docker package",
    );
    expect(error.detail).toBe('curl: (7) Failed to connect to download.docker.com port 443');
    expect(ctx.commands.slice(-2)).toEqual([
      ['root', keyDownload('ubuntu')],
      ['root', REMOVE_REPOSITORY],
    ]);
    expect(ctx.commands).not.toContainEqual(['root', INSTALL_DOCKER_IO]);
    expect(ctx.warnings).toEqual([]);
  });

  test("official, apt-get update of Docker's repository fails: fails loudly too", async () => {
    const { step, ctx } = installDocker('debian-12', 'official');
    ctx.onRoot(DOCKER_ONLY_UPDATE, fail(100, 'E: Failed to fetch'));
    await expect(runStep(step, ctx)).rejects.toThrow(
      "Docker's repository https://download.docker.com/linux/debian could not be reached (apt-get update could not read it for bookworm)",
    );
    expect(ctx.commands.at(-1)).toEqual(['root', REMOVE_REPOSITORY]);
  });

  test("official: a failing install of Docker's packages is a StepFailure and rolls the repository files back", async () => {
    const { step, ctx } = installDocker('debian-12', 'official');
    ctx.onRoot(INSTALL_DOCKER_CE, fail(100, 'E: Unable to locate package docker-ce'));
    await expect(runStep(step, ctx)).rejects.toThrow(new StepFailure("apt-get could not install Docker's packages from Docker's repository"));
    expect(ctx.commands.at(-1)).toEqual(['root', REMOVE_REPOSITORY]);
  });

  test('distribution: only docker.io, and a failure rolls back nothing it did not write', async () => {
    const { step, ctx } = installDocker('debian-12', 'distribution');
    await runStep(step, ctx);
    expect(ctx.commands).toEqual([
      ['user', COMMAND_V_DOCKER],
      ['user', COMMAND_V_DOCKER],
      ['root', INSTALL_DOCKER_IO],
    ]);

    const failing = installDocker('debian-12', 'distribution');
    failing.ctx.onRoot(INSTALL_DOCKER_IO, fail(100));
    await expect(runStep(failing.step, failing.ctx)).rejects.toThrow(new StepFailure("apt-get could not install the distribution's Docker package (docker.io)"));
    expect(failing.ctx.commands).not.toContainEqual(['root', REMOVE_REPOSITORY]);
  });

  test('rollback before any apply does nothing', async () => {
    const { step, ctx } = installDocker('debian-12', 'official');
    await step.rollback!(ctx);
    expect(ctx.calls).toEqual([]);
  });

  test('the architecture comes from dpkg (arm64 server)', async () => {
    const step = stepOf(debianFamilyPreparer.plan(loadOs('debian-12', 'aarch64')), 'install-docker');
    const ctx = freshServer('debian-12', 'official', 'arm64');
    await runStep(step, ctx);
    expect(ctx.calls.find((call) => call.argv[0] === 'tee')!.options.stdin).toBe(
      'deb [arch=arm64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n',
    );
  });

  test('an unusable architecture from dpkg is a StepFailure before anything is written', async () => {
    const { step, ctx } = installDocker('debian-12', 'auto');
    ctx.on(['dpkg', '--print-architecture'], ok('amd64 evil]\n'));
    await expect(step.apply(ctx)).rejects.toThrow(new StepFailure('dpkg --print-architecture did not name the architecture'));
    expect(ctx.calls.filter((call) => call.as === 'root')).toEqual([]);
  });

  test.each([
    ['no codename', null],
    ['a codename that would break the source line', 'jammy main\ndeb http://evil'],
  ])('%s: a StepFailure before anything is written, even with auto', async (_name, codename) => {
    const os = { ...loadOs('ubuntu-22.04'), codename };
    const step = stepOf(debianFamilyPreparer.plan(os), 'install-docker');
    const ctx = new FakeStepContext(os, { dockerSource: 'auto' }).on(COMMAND_V_DOCKER, fail(1));
    await expect(runStep(step, ctx)).rejects.toThrow(/gives no usable VERSION_CODENAME/);
    expect(ctx.calls.filter((call) => call.as === 'root')).toEqual([]);
  });

  test('Docker installed as a snap is refused with what to do', async () => {
    const { step, ctx } = installDocker('ubuntu-24.04', 'auto');
    ctx.on(COMMAND_V_DOCKER, ok('/snap/bin/docker\n')).on(['test', '-x', '/usr/bin/dockerd'], fail(1)).on(['test', '-x', '/usr/sbin/dockerd'], fail(1));
    await expect(runStep(step, ctx)).rejects.toThrow(
      new StepFailure('Docker is installed as a snap, which Tomo does not manage: remove it (snap remove docker) and retry'),
    );
    expect(ctx.calls.filter((call) => call.as === 'root')).toEqual([]);
  });
});

describe('failures of the apt steps', () => {
  const os = loadOs('ubuntu-22.04');

  test('apt-get update failing is a StepFailure naming the sources', async () => {
    const ctx = new FakeStepContext(os).on(APT_FRESH, fail(1)).onRoot(APT_UPDATE, fail(100, 'E: The repository ... is not signed.'));
    await expect(runStep(stepOf(debianFamilyPreparer.plan(os), 'update-package-index'), ctx)).rejects.toThrow(
      new StepFailure("apt-get update failed: check the server's package sources (/etc/apt/sources.list and /etc/apt/sources.list.d) and its network access"),
    );
  });

  test('installing the dependencies failing is a StepFailure naming them', async () => {
    const ctx = new FakeStepContext(os).on(DPKG_QUERY, fail(1)).onRoot(INSTALL_DEPENDENCIES, fail(100));
    await expect(runStep(stepOf(debianFamilyPreparer.plan(os), 'install-dependencies'), ctx)).rejects.toThrow(
      new StepFailure('apt-get could not install curl, ca-certificates, gnupg'),
    );
  });

  test('package commands get a long deadline; downloads a shorter one', async () => {
    const ctx = freshServer('debian-12', 'official');
    await runPlan(debianFamilyPreparer.plan(loadOs('debian-12')), ctx);
    const deadline = (argv: string[]) => ctx.calls.find((call) => JSON.stringify(call.argv) === JSON.stringify(argv))!.options.timeoutMs;
    for (const argv of [APT_UPDATE, INSTALL_DEPENDENCIES, DOCKER_ONLY_UPDATE, INSTALL_DOCKER_CE]) expect(deadline(argv)).toBe(20 * 60_000);
    expect(deadline(keyDownload('debian'))).toBe(2 * 60_000);
  });
});

test('the package-list freshness script is the fixed constant', () => {
  expect(APT_LISTS_FRESH_SCRIPT).toBe(APT_FRESH[2]);
});
