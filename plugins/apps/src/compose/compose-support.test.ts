import { appOf } from '../install/test-fixtures';
import type { AppDefinition } from '../catalog/definition-schema';
import { chooseDeployment, composeProgramOf } from './compose-support';

const single = appOf();
const multi: AppDefinition = { ...appOf(), name: 'Stack', services: [] };
const v2 = { available: true as const, version: '2.26.1', command: ['docker', 'compose'] };
const none = { available: false as const, reason: 'Debian 12 ships only Compose v1 (docker-compose 1.29)' };

test('a server with Compose v2 deploys every app as a Compose project, with the recorded program', () => {
  expect(chooseDeployment(single, v2, 's1')).toEqual({ kind: 'compose', program: 'docker compose' });
  expect(chooseDeployment(multi, { ...v2, command: ['docker-compose'] }, 's1')).toEqual({ kind: 'compose', program: 'docker-compose' });
});

test('without Compose v2, a single-container app keeps the Engine API path', () => {
  expect(chooseDeployment(single, none, 's1')).toEqual({ kind: 'engine' });
  expect(chooseDeployment(single, null, 's1')).toEqual({ kind: 'engine' });
});

test('without Compose v2, a multi-service app is refused with the reason preparation recorded', () => {
  expect(chooseDeployment(multi, none, 'pi')).toEqual({ kind: 'refused', reason: expect.stringMatching(/Stack has several services and needs Docker Compose v2, which server "pi" does not have \(Debian 12 ships only Compose v1/) });
  expect(chooseDeployment(multi, null, 'pi')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/did not check for Docker Compose: prepare it again/) });
});

test('a recorded command Tomo does not know counts as no Compose', () => {
  expect(composeProgramOf({ ...v2, command: ['podman-compose'] })).toBeUndefined();
  expect(composeProgramOf({ ...v2, command: ['sh', '-c', 'docker compose'] })).toBeUndefined();
  expect(chooseDeployment(single, { ...v2, command: ['sh', '-c', 'x'] }, 's1')).toEqual({ kind: 'engine' });
  expect(chooseDeployment(multi, { ...v2, command: ['podman-compose'] }, 's1')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/not one Tomo runs/) });
});
