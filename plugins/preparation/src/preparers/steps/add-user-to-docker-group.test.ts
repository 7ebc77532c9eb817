import { StepFailure } from '../../step-failure';
import { FakeStepContext, fail, loadOs, ok, runStep } from '../__fixtures__/fake-step-context';
import { addUserToDockerGroupStep } from './add-user-to-docker-group';

const step = addUserToDockerGroupStep();
const context = (username = 'tomo-op') => new FakeStepContext(loadOs('ubuntu-22.04'), { username });

test('id and title; no rollback', () => {
  expect([step.id, step.title]).toEqual(['add-user-to-docker-group', 'Add the SSH user to the docker group']);
  expect(step.rollback).toBeUndefined();
});

test('check: id -nG <user> listing docker means satisfied, and apply is not called', async () => {
  const ctx = context().on(['id', '-nG', 'tomo-op'], ok('tomo-op adm sudo docker\n'));
  const apply = jest.spyOn(step, 'apply');
  await expect(runStep(step, ctx)).resolves.toBe('satisfied');
  expect(apply).not.toHaveBeenCalled();
  apply.mockRestore();
  expect(ctx.commands).toEqual([['user', ['id', '-nG', 'tomo-op']]]);
});

test.each([
  ['not in the group', ok('tomo-op adm sudo\n')],
  ['a group that only contains the word', ok('tomo-op docker-users dockerd\n')],
  ['id failed', fail(1, "id: 'tomo-op': no such user")],
])('check: %s means apply', async (_name, result) => {
  await expect(step.check(context().on(['id', '-nG', 'tomo-op'], result))).resolves.toBe(false);
});

test('apply: usermod as root with the name as its own argv element, then a reconnect', async () => {
  const ctx = context().on(['id', '-nG', 'tomo-op'], ok('tomo-op sudo'));
  await expect(runStep(step, ctx)).resolves.toBe('applied');
  expect(ctx.commands).toEqual([
    ['user', ['id', '-nG', 'tomo-op']],
    ['root', ['usermod', '-aG', 'docker', 'tomo-op']],
  ]);
  expect(ctx.calls[1].must).toBe(true);
  // The reconnect comes after usermod, so the next login has the group.
  expect(ctx.reconnectedAfter).toEqual([2]);
  expect(ctx.logLines).toEqual(['Added tomo-op to the docker group; reconnecting so the new membership applies']);
});

test('apply: a usermod failure is a StepFailure and there is no reconnect', async () => {
  const ctx = context().onRoot(['usermod', '-aG', 'docker', 'tomo-op'], fail(6, "usermod: group 'docker' does not exist"));
  await expect(step.apply(ctx)).rejects.toThrow(StepFailure);
  await expect(step.apply(ctx)).rejects.toThrow(/Could not add tomo-op to the docker group/);
  expect(ctx.reconnectedAfter).toEqual([]);
});

test('a name with shell characters is still one argv element (no shell reads it)', async () => {
  const ctx = context('o$(reboot)`id`');
  await step.apply(ctx);
  expect(ctx.commands).toEqual([['root', ['usermod', '-aG', 'docker', 'o$(reboot)`id`']]]);
});

test.each(['-o', '--help', '', 'two words', 'a:b', 'a/b', 'line\nbreak'])('a user name that would be an option or is no user name (%j) is refused', async (name) => {
  const ctx = context(name);
  await expect(step.check(ctx)).rejects.toThrow(new StepFailure(`The SSH username ${JSON.stringify(name)} is not a valid Linux user name`));
  await expect(step.apply(ctx)).rejects.toThrow(StepFailure);
  expect(ctx.calls).toEqual([]);
});
