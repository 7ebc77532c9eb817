/**
 * No step builds a shell string from a value: every `sh -c` script is one of the fixed
 * constants, none holds the username or an os-release value, and data travels as separate
 * argv elements or on stdin. Checked over every plan, Docker source and failure path.
 */
import type { DetectedOs, DockerSource } from '../preparer-types';
import { APT_LISTS_FRESH_SCRIPT } from './debian-family';
import { DNF_METADATA_FRESH_SCRIPT } from './rhel-family';
import { builtInPreparers, COMMAND_V_DOCKER_SCRIPT, selectPreparer } from './index';
import { FakeStepContext, fail, loadOs, ok, runPlan, type RecordedCall } from './__fixtures__/fake-step-context';

const SUPPORTED = ['ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04', 'debian-11', 'debian-12', 'debian-13', 'rocky-8', 'rocky-9', 'almalinux-9', 'rhel-9', 'fedora-40'];
const SOURCES: DockerSource[] = ['auto', 'official', 'distribution'];
const USERNAMES = ['zz-operator', "o'p$(touch /tmp/pwned)`id`"];
const FIXED_SCRIPTS = [APT_LISTS_FRESH_SCRIPT, DNF_METADATA_FRESH_SCRIPT, COMMAND_V_DOCKER_SCRIPT];
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'busybox']);

type Scenario = 'fresh' | 'repository unreachable' | 'prepared' | 'local image';

/** Scripts a server so the run takes the scenario's path (every check and apply branch is reached by some scenario). */
function scripted(os: DetectedOs, username: string, dockerSource: DockerSource, scenario: Scenario): FakeStepContext {
  const ctx = new FakeStepContext(os, { username, dockerSource })
    .on(['docker', 'version', '--format', '{{.Server.Version}}'], ok('27.3.1\n'))
    .on(['dpkg', '--print-architecture'], ok('amd64\n'));
  if (scenario === 'prepared') return ctx.on(['id', '-nG', username], ok(`${username} docker`));
  for (const script of FIXED_SCRIPTS) ctx.on(['sh', '-c', script], fail(1));
  ctx.on(['systemctl', 'is-enabled', 'docker'], fail(1)).on(['id', '-nG', username], ok(username));
  ctx.on(['dpkg-query', '-W', '-f=${Package} ${Status}\\n', 'curl', 'ca-certificates', 'gnupg'], fail(1));
  ctx.on(['rpm', '-q', '--whatprovides', '/usr/bin/curl', 'ca-certificates'], { exitCode: 1, stdout: 'no package provides /usr/bin/curl\n' });
  if (scenario === 'local image') ctx.on(['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], ok(`${os.id}:${os.versionId}\n`));
  if (scenario === 'repository unreachable') {
    for (const call of ['ubuntu', 'debian']) {
      ctx.onRoot(['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${call}/gpg`, '-o', '/etc/apt/keyrings/docker.asc'], fail(6));
    }
    for (const flavour of ['centos', 'rhel', 'fedora']) {
      ctx.onRoot(['curl', '-fsSL', '--connect-timeout', '20', `https://download.docker.com/linux/${flavour}/docker-ce.repo`, '-o', '/etc/yum.repos.d/docker-ce.repo'], fail(6));
    }
  }
  return ctx;
}

/** Every command of every plan, source, username and scenario, with the OS and username it ran for. */
async function everyCall(): Promise<Array<{ call: RecordedCall; os: DetectedOs; username: string }>> {
  const all: Array<{ call: RecordedCall; os: DetectedOs; username: string }> = [];
  for (const fixture of SUPPORTED) {
    const os = loadOs(fixture, 'aarch64');
    for (const username of USERNAMES) {
      for (const source of SOURCES) {
        for (const scenario of ['fresh', 'repository unreachable', 'prepared', 'local image'] as const) {
          const ctx = scripted(os, username, source, scenario);
          // Some paths fail by design (RHEL without Docker's repository); what ran until then counts.
          await runPlan(selectPreparer(builtInPreparers, os).plan(os), ctx).catch(() => undefined);
          all.push(...ctx.calls.map((call) => ({ call, os, username })));
        }
      }
    }
  }
  return all;
}

/** `value` appears in `text` as a whole word (so `40` is not found inside `1440`). */
const containsWord = (text: string, value: string) =>
  new RegExp(`(^|[^A-Za-z0-9._-])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9._-]|$)`).test(text);

let calls: Awaited<ReturnType<typeof everyCall>>;
beforeAll(async () => {
  calls = await everyCall();
});

test('the runs reach every kind of command (the scan below is not vacuous)', () => {
  const programs = new Set(calls.map(({ call }) => call.argv[0]));
  for (const program of ['sh', 'env', 'dpkg-query', 'rpm', 'dnf', 'curl', 'tee', 'rm', 'id', 'usermod', 'systemctl', 'docker']) expect(programs).toContain(program);
  expect(calls.some(({ call }) => call.argv.includes('moby-engine'))).toBe(true);
  expect(calls.some(({ call }) => call.argv.includes('docker.io'))).toBe(true);
  expect(calls.some(({ call }) => call.argv[0] === 'docker' && call.argv[1] === 'run')).toBe(true);
});

test('every shell invocation is `sh -c <one of the fixed scripts>`', () => {
  const shells = calls.filter(({ call }) => SHELLS.has(call.argv[0]) || (call.argv.includes('-c') && SHELLS.has(call.argv[call.argv.indexOf('-c') - 1])));
  expect(shells.length).toBeGreaterThan(0);
  const others = shells.filter(({ call }) => !(call.argv.length === 3 && call.argv[0] === 'sh' && call.argv[1] === '-c' && FIXED_SCRIPTS.includes(call.argv[2])));
  expect(others.map(({ call }) => call.argv)).toEqual([]);
});

test('no `sh -c` script holds the username or any os-release value', () => {
  const leaks: string[] = [];
  for (const { call, os, username } of calls.filter(({ call }) => call.argv[0] === 'sh')) {
    const script = call.argv[2];
    if (script.includes(username)) leaks.push(`${script} holds the username`);
    for (const value of [os.prettyName, os.codename, os.architecture]) if (value && script.includes(value)) leaks.push(`${script} holds ${value}`);
    for (const value of [os.id, os.versionId, ...os.idLike]) if (containsWord(script, value)) leaks.push(`${script} holds ${value}`);
  }
  expect(leaks).toEqual([]);
});

test('the username reaches commands only as a whole argv element of its own', () => {
  const embedded = calls.flatMap(({ call, username }) => call.argv.filter((element) => element.includes(username) && element !== username));
  expect(embedded).toEqual([]);
  const users = new Set(calls.filter(({ call, username }) => call.argv.includes(username)).map(({ call }) => call.argv.slice(0, -1).join(' ')));
  expect([...users].sort()).toEqual(['id -nG', 'usermod -aG docker']);
});

test('no argv element carries multi-line data or the apt source line (it goes on stdin)', () => {
  const offending = calls.flatMap(({ call }) => call.argv.filter((element) => /[\n\r\0]/.test(element) || element.includes('signed-by=')));
  expect(offending).toEqual([]);
  const tees = calls.filter(({ call }) => call.argv[0] === 'tee');
  expect(tees.length).toBeGreaterThan(0);
  for (const { call, os } of tees) {
    expect(call.argv).toEqual(['tee', '/etc/apt/sources.list.d/docker.list']);
    expect(call.options.stdin).toContain(` ${os.codename} stable\n`);
  }
});

test('`env` only sets DEBIAN_FRONTEND', () => {
  const envs = calls.filter(({ call }) => call.argv[0] === 'env');
  expect(envs.length).toBeGreaterThan(0);
  const others = envs.filter(({ call }) => call.argv[1] !== 'DEBIAN_FRONTEND=noninteractive' || call.argv.slice(2).some((element) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(element)));
  expect(others.map(({ call }) => call.argv)).toEqual([]);
});
