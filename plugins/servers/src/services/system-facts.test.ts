import { parseFacts } from './system-facts';

test('parses a Debian server with Docker', () => {
  const facts = parseFacts(
    ['hostname=nas', 'os_id=debian', 'os_version=12', 'os_name=Debian GNU/Linux 12 (bookworm)', 'kernel=6.1.0-18-amd64', 'arch=x86_64', 'cpus=4', 'mem_kb=8046728', 'disk_kb=102687672', 'docker=24.0.7', ''].join('\n'),
  );
  expect(facts).toEqual({
    hostname: 'nas',
    osId: 'debian',
    osVersion: '12',
    osName: 'Debian GNU/Linux 12 (bookworm)',
    kernel: '6.1.0-18-amd64',
    architecture: 'x86_64',
    cpuCount: 4,
    memoryBytes: 8046728 * 1024,
    rootDiskBytes: 102687672 * 1024,
    dockerVersion: '24.0.7',
  });
});

test('missing facts are null; a docker client banner is reduced to its version', () => {
  const facts = parseFacts('hostname=\ncpus=abc\ndocker=Docker version 20.10.24+dfsg1, build 297e128\n');
  expect(facts.hostname).toBeNull();
  expect(facts.cpuCount).toBeNull();
  expect(facts.osId).toBeNull();
  expect(facts.dockerVersion).toBe('20.10.24+dfsg1');
});
