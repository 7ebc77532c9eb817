/**
 * The logs of an installation with several services, on the test bed's real engine: containers
 * labelled as Compose labels them (service name) and as Tomo labels them (installation id), one
 * with a terminal (its log is not multiplexed). The containers are listed per service, the tail
 * merges every service's lines in time order, `service` keeps one, and masking applies to all.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type Docker from 'dockerode';
import { installationContainers } from '../src/logs/installation-containers';
import { InstallationLogs } from '../src/logs/logs-service';
import { MASK, secretMasker } from '../src/logs/secret-mask';
import { localDocker, testbed } from './support/apps-kernel';

const installationId = randomUUID();
const SECRET = 'generated-Secret-0123456789';
const made: Docker.Container[] = [];

/** A container printing `lines` (one every 50 ms, the secret in the second), then waiting. */
async function service(name: string, tty: boolean, stderr = false): Promise<void> {
  const script = `for i in 1 2 3; do echo "${name} line $i $([ $i = 2 ] && echo ${SECRET})" ${stderr ? '>&2' : ''}; sleep 0.05; done; sleep 120`;
  const container = await localDocker().createContainer({
    Image: testbed().docker.images.busybox,
    Cmd: ['sh', '-c', script],
    Tty: tty,
    Labels: { 'io.tomo.installation': installationId, 'com.docker.compose.service': name },
  });
  made.push(container);
  await container.start();
}

beforeAll(async () => {
  await Promise.all([service('web', false), service('db', false, true), service('console', true)]);
  // Every container has printed its three lines.
  await new Promise((r) => setTimeout(r, 1500));
});
afterAll(async () => {
  await Promise.all(made.map((c) => c.remove({ force: true }).catch(() => undefined)));
});

test('each service is listed once, the one with a terminal marked', async () => {
  const containers = await installationContainers(localDocker(), { id: installationId, appId: 'stack' });
  expect(containers.map((c) => [c.service, c.tty])).toEqual([
    ['console', true],
    ['db', false],
    ['web', false],
  ]);
});

test('the tail merges every service in time order, masks the secret everywhere, and filters by service', async () => {
  const docker = localDocker();
  const containers = await installationContainers(docker, { id: installationId, appId: 'stack' });
  const engine = { docker, openSocket: () => Promise.resolve(connect(testbed().docker.socket)), timeoutMs: 30000 };
  const logs = new InstallationLogs(installationId, containers.map((c) => c.service), engine, containers, secretMasker([SECRET]));
  const all = await logs.tail({ tail: 100 });
  expect(all.lines).toHaveLength(9);
  expect(all.lines.map((l) => l.time)).toEqual([...all.lines.map((l) => l.time)].sort());
  expect(all.lines.filter((l) => l.service === 'db').map((l) => [l.stream, l.text])).toEqual([
    ['stderr', 'db line 1 '],
    ['stderr', `db line 2 ${MASK}`],
    ['stderr', 'db line 3 '],
  ]);
  // A terminal's output is raw ("\r\n" line ends) and all of it is stdout.
  expect(all.lines.filter((l) => l.service === 'console').map((l) => [l.stream, l.text])).toEqual([
    ['stdout', 'console line 1 '],
    ['stdout', `console line 2 ${MASK}`],
    ['stdout', 'console line 3 '],
  ]);
  expect(JSON.stringify(all)).not.toContain(SECRET);

  const web = await logs.tail({ tail: 2, service: 'web' });
  expect(web.services).toEqual(['console', 'db', 'web']);
  expect(web.lines.map((l) => l.text)).toEqual([`web line 2 ${MASK}`, 'web line 3 ']);
});
