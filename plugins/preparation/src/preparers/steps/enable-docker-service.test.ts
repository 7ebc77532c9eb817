import { StepFailure } from '../../step-failure';
import { FakeStepContext, fail, loadOs, ok, runStep } from '../__fixtures__/fake-step-context';
import { enableDockerServiceStep } from './enable-docker-service';

const step = enableDockerServiceStep();
const context = () => new FakeStepContext(loadOs('debian-12'));

test('id and title', () => {
  expect([step.id, step.title]).toEqual(['enable-docker-service', 'Start and enable the Docker service']);
  expect(step.rollback).toBeUndefined();
});

test('check: enabled and active (as the SSH user) means satisfied, and apply is not called', async () => {
  const ctx = context();
  const apply = jest.spyOn(step, 'apply');
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(apply).not.toHaveBeenCalled();
  apply.mockRestore();
  expect(ctx.commands).toEqual([
    ['user', ['systemctl', 'is-enabled', 'docker']],
    ['user', ['systemctl', 'is-active', 'docker']],
  ]);
});

test.each([
  ['not enabled', [fail(1, 'disabled')], [ok('active')]],
  ['enabled but not running', [ok('enabled')], [fail(3, 'inactive')]],
])('check: %s means apply', async (_name, enabled, active) => {
  const ctx = context()
    .on(['systemctl', 'is-enabled', 'docker'], ...enabled)
    .on(['systemctl', 'is-active', 'docker'], ...active);
  await expect(step.check(ctx)).resolves.toBe(false);
});

test('apply: requires systemd (as the user), then enables and starts docker as root', async () => {
  const ctx = context().on(['systemctl', 'is-enabled', 'docker'], fail(1));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  expect(ctx.commands).toEqual([
    ['user', ['systemctl', 'is-enabled', 'docker']],
    ['user', ['test', '-d', '/run/systemd/system']],
    ['root', ['systemctl', 'enable', '--now', 'docker']],
  ]);
  expect(ctx.calls[2].must).toBe(true);
  expect(ctx.logLines).toEqual(['The Docker service is enabled and running']);
});

test('apply without systemd: a StepFailure that says so, and nothing runs as root', async () => {
  const ctx = context().on(['test', '-d', '/run/systemd/system'], fail(1));
  const error = await step.apply(ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StepFailure);
  expect((error as StepFailure).message).toBe('This server does not run systemd; Tomo needs systemd to manage the Docker service');
  expect(ctx.calls.filter((c) => c.as === 'root')).toEqual([]);
});

test('apply: a failing systemctl is a StepFailure pointing at the journal', async () => {
  const ctx = context().onRoot(['systemctl', 'enable', '--now', 'docker'], fail(1, 'Job for docker.service failed'));
  await expect(step.apply(ctx)).rejects.toThrow(
    new StepFailure('systemd could not enable and start the Docker service (see `journalctl -u docker` on the server)'),
  );
});
