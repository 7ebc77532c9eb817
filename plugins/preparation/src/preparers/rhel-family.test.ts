import { StepFailure } from '../step-failure';
import type { DetectedOs, DockerSource } from '../preparer-types';
import { DNF_METADATA_FRESH_SCRIPT, rhelFamilyPreparer } from './rhel-family';
import { FakeStepContext, fail, loadOs, ok, runPlan, runStep, stepOf, type As } from './__fixtures__/fake-step-context';

const DNF_FRESH = ['sh', '-c', 'find /var/cache/dnf /var/cache/libdnf5 -name repomd.xml -mmin -1440 2>/dev/null | grep -q .'];
const RPM_QUERY = ['rpm', '-q', '--whatprovides', '/usr/bin/curl', 'ca-certificates'];
const COMMAND_V_DOCKER = ['sh', '-c', 'command -v docker'];
const VERSION = ['docker', 'version', '--format', '{{.Server.Version}}'];
const IMAGES = ['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'];
const COMPOSE_VERSION = ['docker', 'compose', 'version', '--short'];
const MAKECACHE = ['dnf', '-y', '-q', 'makecache'];
const DOCKER_MAKECACHE = ['dnf', '-y', '-q', '--repo=docker-ce-stable', 'makecache'];
const INSTALL_DOCKER_CE = ['dnf', '-y', 'install', 'docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin'];
const INSTALL_MOBY = ['dnf', '-y', 'install', 'moby-engine'];
const REMOVE_REPO_FILE = ['rm', '-f', '/etc/yum.repos.d/docker-ce.repo'];
const repoDownload = (flavour: string) => ['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${flavour}/docker-ce.repo`, '-o', '/etc/yum.repos.d/docker-ce.repo'];

const RELEASES = [
  ['rocky-9', 'centos'],
  ['rocky-8', 'centos'],
  ['almalinux-9', 'centos'],
  ['rhel-9', 'rhel'],
  ['fedora-40', 'fedora'],
] as const;
const ENTERPRISE = RELEASES.filter(([fixture]) => !fixture.startsWith('fedora'));

/** Nothing done yet: every check fails; ca-certificates is there, curl is not. */
function freshServer(fixture: string | DetectedOs, dockerSource: DockerSource = 'official') {
  return new FakeStepContext(typeof fixture === 'string' ? loadOs(fixture) : fixture, { username: 'tomo-op', dockerSource })
    .on(DNF_FRESH, fail(1))
    .on(RPM_QUERY, { exitCode: 1, stdout: 'no package provides /usr/bin/curl\nca-certificates-2024.2.69_v8.0.303-91.4.el9_4.noarch\n' })
    .on(COMMAND_V_DOCKER, fail(1))
    .on(['systemctl', 'is-enabled', 'docker'], fail(1))
    .on(['id', '-nG', 'tomo-op'], ok('tomo-op wheel\n'))
    .on(VERSION, ok('27.3.1\n'))
    .on(IMAGES, ok(''))
    .on(COMPOSE_VERSION, ok('2.29.1\n'));
}

function preparedServer(fixture: string) {
  return new FakeStepContext(loadOs(fixture), { username: 'tomo-op', dockerSource: 'auto' })
    .on(DNF_FRESH, ok())
    .on(RPM_QUERY, ok('curl-minimal-7.76.1-29.el9_4.x86_64\nca-certificates-2024.2.69_v8.0.303-91.4.el9_4.noarch\n'))
    .on(COMMAND_V_DOCKER, ok('/usr/bin/docker\n'))
    .on(['test', '-x', '/usr/bin/dockerd'], ok())
    .on(['systemctl', 'is-enabled', 'docker'], ok('enabled\n'))
    .on(['systemctl', 'is-active', 'docker'], ok('active\n'))
    .on(['id', '-nG', 'tomo-op'], ok('tomo-op wheel docker\n'))
    .on(VERSION, ok('27.3.1\n'))
    .on(IMAGES, ok(''))
    .on(COMPOSE_VERSION, ok('2.29.1\n'));
}

const PLAN = [
  ['update-package-index', 'Update the package index'],
  ['install-dependencies', 'Install dependencies (curl, ca-certificates)'],
  ['install-docker', 'Install Docker'],
  ['enable-docker-service', 'Start and enable the Docker service'],
  ['add-user-to-docker-group', 'Add the SSH user to the docker group'],
  ['verify-docker', 'Verify the Docker installation'],
  ['install-docker-compose', 'Install Docker Compose v2'],
];

describe.each(RELEASES)('%s', (fixture, flavour) => {
  const os = loadOs(fixture);

  test('is supported, and the plan has these steps in this order', () => {
    expect(rhelFamilyPreparer.supports(os)).toBe(true);
    expect(rhelFamilyPreparer.plan(os).map((step) => [step.id, step.title])).toEqual(PLAN);
  });

  test("a fresh server, Docker's official repository: the exact argv of every check and apply", async () => {
    const ctx = freshServer(fixture, 'official');
    await expect(runPlan(rhelFamilyPreparer.plan(os), ctx)).resolves.toEqual({
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
      ['user', ['sh', '-c', 'find /var/cache/dnf /var/cache/libdnf5 -name repomd.xml -mmin -1440 2>/dev/null | grep -q .']],
      ['root', ['dnf', '-y', '-q', 'makecache']],
      // install-dependencies: check, then apply asks again what is missing
      ['user', ['rpm', '-q', '--whatprovides', '/usr/bin/curl', 'ca-certificates']],
      ['user', ['rpm', '-q', '--whatprovides', '/usr/bin/curl', 'ca-certificates']],
      ['root', ['dnf', '-y', 'install', 'curl']],
      // install-docker
      ['user', ['sh', '-c', 'command -v docker']],
      ['root', ['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${flavour}/docker-ce.repo`, '-o', '/etc/yum.repos.d/docker-ce.repo']],
      ['root', ['dnf', '-y', '-q', '--repo=docker-ce-stable', 'makecache']],
      ['root', ['dnf', '-y', 'install', 'docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin']],
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
    expect(ctx.reconnectedAfter).toEqual([expected.length - 3]);
    expect(ctx.warnings).toEqual([]);
  });

  test('a prepared server: every check holds, so only the checks run, and nothing as root', async () => {
    const ctx = preparedServer(fixture);
    const plan = rhelFamilyPreparer.plan(os);
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
      ['user', DNF_FRESH],
      ['user', RPM_QUERY],
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

  test("official, Docker's repository unreachable: fails loudly and removes the .repo file", async () => {
    const ctx = freshServer(fixture, 'official').onRoot(repoDownload(flavour), fail(6, 'curl: (6) Could not resolve host: download.docker.com'));
    const error = (await runStep(stepOf(rhelFamilyPreparer.plan(os), 'install-docker'), ctx).catch((e: unknown) => e)) as StepFailure;
    expect(error).toBeInstanceOf(StepFailure);
    expect(error.message).toBe(
      `Docker's repository https://download.docker.com/linux/${flavour}/docker-ce.repo could not be reached (downloading its .repo file failed): check that the server can reach download.docker.com (DNS, proxy, firewall)` +
        (flavour === 'fedora' ? ", or choose the distribution's Docker package" : ''),
    );
    expect(error.detail).toBe('curl: (6) Could not resolve host: download.docker.com');
    expect(ctx.commands.slice(-2)).toEqual([
      ['root', repoDownload(flavour)],
      ['root', REMOVE_REPO_FILE],
    ]);
    expect(ctx.commands).not.toContainEqual(['root', INSTALL_MOBY]);
  });
});

describe.each(ENTERPRISE)('%s has no Docker package of its own', (fixture, flavour) => {
  const os = loadOs(fixture);
  const installDocker = () => stepOf(rhelFamilyPreparer.plan(os), 'install-docker');

  test('distribution is refused with a clear message, and nothing is installed', async () => {
    const ctx = freshServer(fixture, 'distribution');
    await expect(runStep(installDocker(), ctx)).rejects.toThrow(
      new StepFailure(
        "RHEL, Rocky Linux and AlmaLinux have no Docker package of their own (podman-docker is not Docker): choose Docker's official repository as the Docker source",
      ),
    );
    expect(ctx.calls.filter((call) => call.as === 'root')).toEqual([]);
  });

  test("auto, Docker's repository unreachable: fails with the reason there is no fallback", async () => {
    const ctx = freshServer(fixture, 'auto').onRoot(repoDownload(flavour), fail(7));
    await expect(runStep(installDocker(), ctx)).rejects.toThrow(
      new StepFailure(
        "Docker's repository could not be reached and RHEL/Rocky/Alma have no Docker package of their own: check that the server can reach download.docker.com (DNS, proxy, firewall)",
      ),
    );
    expect(ctx.commands.at(-1)).toEqual(['root', REMOVE_REPO_FILE]);
    expect(ctx.warnings).toEqual([]);
  });

  test("auto, Docker's metadata unreadable (dnf makecache of its repository fails): the same failure", async () => {
    const ctx = freshServer(fixture, 'auto').onRoot(DOCKER_MAKECACHE, fail(1, "Errors during downloading metadata for repository 'docker-ce-stable'"));
    await expect(runStep(installDocker(), ctx)).rejects.toThrow("Docker's repository could not be reached and RHEL/Rocky/Alma have no Docker package of their own");
  });

  test("auto, reachable: Docker's packages", async () => {
    const ctx = freshServer(fixture, 'auto');
    await runStep(installDocker(), ctx);
    expect(ctx.commands.at(-1)).toEqual(['root', INSTALL_DOCKER_CE]);
  });
});

describe('Fedora', () => {
  const os = loadOs('fedora-40');
  const installDocker = () => stepOf(rhelFamilyPreparer.plan(os), 'install-docker');

  test('distribution: moby-engine, Fedora’s own Docker', async () => {
    const ctx = freshServer('fedora-40', 'distribution');
    await runStep(installDocker(), ctx);
    expect(ctx.commands).toEqual([
      ['user', COMMAND_V_DOCKER],
      ['root', ['dnf', '-y', 'install', 'moby-engine']],
    ]);
    expect(ctx.logLines).toEqual(["Installed Fedora's Docker package (moby-engine)"]);
  });

  test("auto, Docker's repository unreachable: a warning, the .repo file removed, moby-engine installed", async () => {
    const ctx = freshServer('fedora-40', 'auto').onRoot(repoDownload('fedora'), fail(6, 'curl: (6) Could not resolve host'));
    await expect(runStep(installDocker(), ctx)).resolves.toBe('applied');
    expect(ctx.commands).toEqual([
      ['user', COMMAND_V_DOCKER],
      ['root', repoDownload('fedora')],
      ['root', ['rm', '-f', '/etc/yum.repos.d/docker-ce.repo']],
      ['root', ['dnf', '-y', 'install', 'moby-engine']],
    ]);
    expect(ctx.warnings).toEqual([
      "WARNING: Docker's repository https://download.docker.com/linux/fedora/docker-ce.repo was unreachable (downloading its .repo file failed); using Fedora's package moby-engine instead",
    ]);
  });

  test('auto, Docker has no packages for this Fedora yet (its metadata fails): the same fallback', async () => {
    const fedora42 = { ...os, versionId: '42', prettyName: 'Fedora Linux 42' };
    const ctx = freshServer(fedora42, 'auto').onRoot(DOCKER_MAKECACHE, fail(1, 'Status code: 404'));
    await runStep(stepOf(rhelFamilyPreparer.plan(fedora42), 'install-docker'), ctx);
    expect(ctx.commands.slice(-3)).toEqual([
      ['root', DOCKER_MAKECACHE],
      ['root', REMOVE_REPO_FILE],
      ['root', INSTALL_MOBY],
    ]);
    expect(ctx.warnings).toHaveLength(1);
  });

  test('a failing moby-engine install is a StepFailure', async () => {
    const ctx = freshServer('fedora-40', 'distribution').onRoot(INSTALL_MOBY, fail(1));
    await expect(runStep(installDocker(), ctx)).rejects.toThrow(new StepFailure("dnf could not install Fedora's Docker package (moby-engine)"));
  });
});

describe('the checks that make each step idempotent', () => {
  const os = loadOs('rocky-9');
  const step = (id: string) => stepOf(rhelFamilyPreparer.plan(os), id);

  test.each([
    ['update-package-index', [DNF_FRESH, ok()], [DNF_FRESH, fail(1)]],
    [
      'install-dependencies',
      // curl-minimal provides /usr/bin/curl: satisfied (installing `curl` would conflict with it).
      [RPM_QUERY, ok('curl-minimal-7.76.1-29.el9_4.x86_64\nca-certificates-2024.2.69_v8.0.303-91.4.el9_4.noarch\n')],
      [RPM_QUERY, { exitCode: 1, stdout: 'curl-minimal-7.76.1-29.el9_4.x86_64\nno package provides ca-certificates\n' }],
    ],
  ] as const)('%s: check true → apply not called; check false → apply called', async (id, satisfied, unsatisfied) => {
    const s = step(id);
    const apply = jest.spyOn(s, 'apply');
    await expect(runStep(s, new FakeStepContext(os).on(satisfied[0], satisfied[1]))).resolves.toBe('satisfied');
    expect(apply).not.toHaveBeenCalled();
    await expect(runStep(s, new FakeStepContext(os).on(unsatisfied[0], unsatisfied[1]))).resolves.toBe('applied');
    expect(apply).toHaveBeenCalledTimes(1);
  });

  test('install-dependencies installs only what is missing (never curl over curl-minimal)', async () => {
    const ctx = new FakeStepContext(os).on(RPM_QUERY, { exitCode: 1, stdout: 'curl-minimal-7.76.1-29.el9_4.x86_64\nno package provides ca-certificates\n' });
    await step('install-dependencies').apply(ctx);
    expect(ctx.commands).toEqual([
      ['user', RPM_QUERY],
      ['root', ['dnf', '-y', 'install', 'ca-certificates']],
    ]);
  });

  test('install-dependencies: rpm failing without naming what is missing installs both', async () => {
    const ctx = new FakeStepContext(os).on(RPM_QUERY, fail(1, 'error: rpmdb open failed'));
    await step('install-dependencies').apply(ctx);
    expect(ctx.commands.at(-1)).toEqual(['root', ['dnf', '-y', 'install', 'curl', 'ca-certificates']]);
  });

  test('install-dependencies: apply with nothing missing does nothing', async () => {
    const ctx = new FakeStepContext(os).on(RPM_QUERY, ok('curl-7.61.1\nca-certificates-2023\n'));
    await step('install-dependencies').apply(ctx);
    expect(ctx.calls.filter((call) => call.as === 'root')).toEqual([]);
  });
});

describe('failures of the dnf steps', () => {
  const os = loadOs('rocky-8');

  test('dnf makecache failing is a StepFailure naming the repositories', async () => {
    const ctx = new FakeStepContext(os).on(DNF_FRESH, fail(1)).onRoot(MAKECACHE, fail(1));
    await expect(runStep(stepOf(rhelFamilyPreparer.plan(os), 'update-package-index'), ctx)).rejects.toThrow(
      new StepFailure("dnf could not refresh its repository metadata: check the server's repositories (/etc/yum.repos.d) and its network access"),
    );
  });

  test('installing curl failing is a StepFailure naming it', async () => {
    const ctx = freshServer('rocky-8').onRoot(['dnf', '-y', 'install', 'curl'], fail(1));
    await expect(runStep(stepOf(rhelFamilyPreparer.plan(os), 'install-dependencies'), ctx)).rejects.toThrow(new StepFailure('dnf could not install curl'));
  });

  test("installing Docker's packages failing (podman/runc conflict on EL 8) says what to remove, and rolls the .repo file back", async () => {
    const ctx = freshServer('rocky-8').onRoot(INSTALL_DOCKER_CE, fail(1, 'package containerd.io conflicts with runc'));
    const error = (await runStep(stepOf(rhelFamilyPreparer.plan(os), 'install-docker'), ctx).catch((e: unknown) => e)) as StepFailure;
    expect(error.message).toBe(
      "dnf could not install Docker's packages. If podman-docker, podman or runc are installed they conflict with them: remove them (dnf remove podman-docker podman runc) and retry",
    );
    expect(error.detail).toBe('package containerd.io conflicts with runc');
    expect(ctx.commands.at(-1)).toEqual(['root', REMOVE_REPO_FILE]);
  });

  test('rollback before any apply does nothing', async () => {
    const ctx = new FakeStepContext(os);
    await stepOf(rhelFamilyPreparer.plan(os), 'install-docker').rollback!(ctx);
    expect(ctx.calls).toEqual([]);
  });

  test('package commands get a long deadline; the download a shorter one', async () => {
    const ctx = freshServer('rocky-9');
    await runPlan(rhelFamilyPreparer.plan(loadOs('rocky-9')), ctx);
    const deadline = (argv: string[]) => ctx.calls.find((call) => JSON.stringify(call.argv) === JSON.stringify(argv))!.options.timeoutMs;
    for (const argv of [MAKECACHE, ['dnf', '-y', 'install', 'curl'], DOCKER_MAKECACHE, INSTALL_DOCKER_CE]) expect(deadline(argv)).toBe(20 * 60_000);
    expect(deadline(repoDownload('centos'))).toBe(2 * 60_000);
  });
});

test('the metadata freshness script is the fixed constant', () => {
  expect(DNF_METADATA_FRESH_SCRIPT).toBe(DNF_FRESH[2]);
});
