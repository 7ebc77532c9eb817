import { createArgv, downArgv, programArgv, startArgv, stopArgv, upArgv } from './compose-argv';

const target = { program: 'docker compose' as const, project: 'tomo-web-3f2a1c', file: '/home/u/.tomo/apps/tomo-web-3f2a1c/compose.yaml' };
const base = ['docker', 'compose', '--project-name', 'tomo-web-3f2a1c', '--file', '/home/u/.tomo/apps/tomo-web-3f2a1c/compose.yaml'];

test('every command is a fixed vector naming the project and its file', () => {
  expect(createArgv(target)).toEqual([...base, 'up', '--no-start', '--remove-orphans']);
  expect(upArgv(target, 90)).toEqual([...base, 'up', '--detach', '--wait', '--wait-timeout', '90']);
  expect(startArgv(target)).toEqual([...base, 'start']);
  expect(stopArgv(target, 10)).toEqual([...base, 'stop', '--timeout', '10']);
  expect(downArgv(target, { volumes: false, timeoutSeconds: 5 })).toEqual([...base, 'down', '--remove-orphans', '--timeout', '5']);
  expect(downArgv(target, { volumes: true, timeoutSeconds: 5 })).toEqual([...base, 'down', '--remove-orphans', '--timeout', '5', '--volumes']);
});

test('the standalone v2 binary is called as docker-compose', () => {
  expect(startArgv({ ...target, program: 'docker-compose' }).slice(0, 2)).toEqual(['docker-compose', '--project-name']);
});

test('only the two known programs are run', () => {
  expect(() => programArgv('sh -c "rm -rf /"')).toThrow(/not a Compose program/);
  expect(() => startArgv({ ...target, program: 'podman-compose' as never })).toThrow(/not a Compose program/);
});

test.each([['Upper'], ['-dash-first'], ['a b'], ['a;b'], ['']])('project name %j is refused', (project) => {
  expect(() => startArgv({ ...target, project })).toThrow(/not a Compose project name/);
});

test.each([['relative/compose.yaml'], ['/a/../b/compose.yaml'], ['/a/compose.yaml\n--volumes']])('compose file %j is refused', (file) => {
  expect(() => startArgv({ ...target, file })).toThrow(/normalised absolute path/);
});
