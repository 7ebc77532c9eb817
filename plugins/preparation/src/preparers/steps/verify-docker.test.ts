import { StepFailure } from '../../step-failure';
import { FakeStepContext, fail, loadOs, ok, runStep } from '../__fixtures__/fake-step-context';
import { verifyDockerStep } from './verify-docker';

const step = verifyDockerStep();
const VERSION = ['docker', 'version', '--format', '{{.Server.Version}}'];
const IMAGES = ['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'];
const runOf = (image: string) => ['docker', 'run', '--rm', '--pull=never', '--entrypoint', 'true', image];
const context = () => new FakeStepContext(loadOs('rocky-9'), { username: 'tomo-op' }).on(VERSION, ok('27.3.1\n'));

test('id and title; the check is the full verification, so a working Docker is "already satisfied"', async () => {
  expect([step.id, step.title]).toEqual(['verify-docker', 'Verify the Docker installation']);
  await expect(step.check(context().on(IMAGES, ok('')))).resolves.toBe(true);
});

test('no local image: the daemon is checked, the version logged, and the container check skipped (nothing pulled)', async () => {
  const ctx = context().on(IMAGES, ok(''));
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(ctx.commands).toEqual([
    ['user', VERSION],
    ['user', IMAGES],
  ]);
  expect(ctx.logLines).toEqual([
    'Docker 27.3.1 answers tomo-op without sudo',
    'Skipped the container check: this server has no local image (Tomo pulls images when it deploys an app, not here)',
  ]);
});

test('everything runs as the SSH user, never as root', async () => {
  const ctx = context().on(IMAGES, ok('alpine:3.20\n'));
  await step.apply(ctx);
  expect(ctx.calls.every((call) => call.as === 'user')).toBe(true);
});

test('a local image: the first one that is not <none>:<none> runs `true` and is removed', async () => {
  const ctx = context().on(IMAGES, ok('<none>:<none>\nnginx:<none>\nalpine:3.20\nnginx:1.27\n'));
  await step.apply(ctx);
  expect(ctx.commands).toEqual([
    ['user', VERSION],
    ['user', IMAGES],
    ['user', runOf('alpine:3.20')],
  ]);
  expect(ctx.logLines).toEqual(['Docker 27.3.1 answers tomo-op without sudo', 'Started and removed a container from alpine:3.20']);
});

test('an image without a `true` command (exit 126/127) makes it try the next, up to three', async () => {
  const ctx = context()
    .on(IMAGES, ok('hello-world:latest\ngcr.io/distroless/static:nonroot\nbusybox:1.36\nalpine:3.20\n'))
    .on(runOf('hello-world:latest'), fail(127, 'exec: "true": executable file not found in $PATH'))
    .on(runOf('gcr.io/distroless/static:nonroot'), fail(126));
  await step.apply(ctx);
  expect(ctx.commands.slice(2)).toEqual([
    ['user', runOf('hello-world:latest')],
    ['user', runOf('gcr.io/distroless/static:nonroot')],
    ['user', runOf('busybox:1.36')],
  ]);
  expect(ctx.logLines.at(-1)).toBe('Started and removed a container from busybox:1.36');
});

test('at most three images are tried', async () => {
  const ctx = context().on(IMAGES, ok('a:1\nb:1\nc:1\nd:1\n'));
  for (const image of ['a:1', 'b:1', 'c:1', 'd:1']) ctx.on(runOf(image), fail(127));
  await step.apply(ctx);
  expect(ctx.commands.slice(2).map(([, argv]) => argv.at(-1))).toEqual(['a:1', 'b:1', 'c:1']);
});

test('when none of the tried images has `true`, the container check is skipped and says why', async () => {
  const ctx = context().on(IMAGES, ok('hello-world:latest\n')).on(runOf('hello-world:latest'), fail(127));
  await step.apply(ctx);
  expect(ctx.logLines.slice(1)).toEqual([
    'hello-world:latest has no `true` command to run; trying another local image',
    'Skipped the container check: no local image has a `true` command to run (Tomo pulls images when it deploys an app, not here)',
  ]);
});

test('the daemon unreachable without sudo: a StepFailure naming the group membership and the daemon', async () => {
  const ctx = context().on(VERSION, fail(1, 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock'));
  const error = (await step.apply(ctx).catch((e: unknown) => e)) as StepFailure;
  expect(error).toBeInstanceOf(StepFailure);
  expect(error.message).toBe(
    'tomo-op cannot reach the Docker daemon without sudo: either the docker group membership has not taken effect (a new login is needed) or the Docker daemon is not running (systemctl status docker)',
  );
  expect(error.detail).toBe('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock');
  expect(ctx.commands).toEqual([['user', VERSION]]);
});

test('a client that prints no server version counts as unreachable', async () => {
  const ctx = context().on(VERSION, ok('\n'));
  await expect(step.apply(ctx)).rejects.toThrow(/cannot reach the Docker daemon without sudo/);
});

test('docker image ls failing is a StepFailure', async () => {
  const ctx = context().on(IMAGES, fail(1, 'Error response from daemon'));
  await expect(step.apply(ctx)).rejects.toThrow(new StepFailure('Docker answered but could not list its images (docker image ls failed)'));
});

test('a container that cannot start (exit 125): a StepFailure saying the daemon cannot start containers', async () => {
  const ctx = context().on(IMAGES, ok('alpine:3.20\n')).on(runOf('alpine:3.20'), fail(125, 'OCI runtime create failed'));
  const error = (await step.apply(ctx).catch((e: unknown) => e)) as StepFailure;
  expect(error.message).toBe(
    'Docker could not run a container (docker run --rm alpine:3.20 ended with exit code 125): the daemon answers but cannot start containers',
  );
  expect(error.detail).toBe('OCI runtime create failed');
});

test('a container killed by a signal (timeout) is a failure too', async () => {
  const ctx = context().on(IMAGES, ok('alpine:3.20\n')).on(runOf('alpine:3.20'), { exitCode: null, signal: 'SIGKILL' });
  await expect(step.apply(ctx)).rejects.toThrow('Docker could not run a container (docker run --rm alpine:3.20 ended with signal SIGKILL)');
});

test('the container run gets its own deadline', async () => {
  const ctx = context().on(IMAGES, ok('alpine:3.20\n'));
  await step.apply(ctx);
  expect(ctx.calls[2].options.timeoutMs).toBe(120_000);
});
