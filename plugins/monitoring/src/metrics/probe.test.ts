import { execFileSync } from 'node:child_process';
import { containerCpuPercent, cpuPercent, parseProbe, PROBE_ARGV } from './probe';

const OUTPUT = `@stat
cpu  100 0 50 800 50 0 0 0 0 0
@meminfo
MemTotal:        2048000 kB
MemFree:          100000 kB
MemAvailable:    1024000 kB
Buffers:           10000 kB
@df
/dev/sda1 10000000 4000000 6000000 40% /
@dockerdf
/dev/sdb1 20000000 5000000 15000000 25% /var/lib/docker
@loadavg
0.52 0.40 0.31 1/234 5678
@uptime
12345.67 45678.90
`;

test('the probe is one fixed sh -c script', () => {
  expect(PROBE_ARGV.slice(0, 2)).toEqual(['sh', '-c']);
  expect(PROBE_ARGV).toHaveLength(3);
  expect(Object.isFrozen(PROBE_ARGV)).toBe(true);
});

test('parses every section', () => {
  expect(parseProbe(OUTPUT)).toEqual({
    cpu: { total: 1000, idle: 850 },
    memTotalBytes: 2048000 * 1024,
    memUsedBytes: (2048000 - 1024000) * 1024,
    diskTotalBytes: 10000000 * 1024,
    diskUsedBytes: 4000000 * 1024,
    dockerDiskTotalBytes: 20000000 * 1024,
    dockerDiskUsedBytes: 5000000 * 1024,
    load1: 0.52,
    load5: 0.4,
    load15: 0.31,
    uptimeSeconds: 12345.67,
    containers: null,
  });
});

test("one df for / and Docker's data root (header skipped); no Docker root, no Docker figures", () => {
  const both = parseProbe('@df\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 40 60 40% /\n/dev/sdb1 200 50 150 25% /var/lib/docker\n');
  expect(both).toMatchObject({ diskTotalBytes: 100 * 1024, diskUsedBytes: 40 * 1024, dockerDiskTotalBytes: 200 * 1024, dockerDiskUsedBytes: 50 * 1024 });
  const rootOnly = parseProbe('@df\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 40 60 40% /\n');
  expect(rootOnly).toMatchObject({ diskTotalBytes: 100 * 1024, dockerDiskTotalBytes: null, dockerDiskUsedBytes: null });
});

test('the probe starts one process (df) besides its shell: the rest are shell built-ins', () => {
  const script = PROBE_ARGV[2];
  expect(script.match(/\b(cat|head|tail|grep|sed|awk)\b/g)).toBeNull();
  expect(script.match(/(^|; )df /gm)).toHaveLength(1);
});

const ID_A = 'a'.repeat(64);
const ID_B = '0123456789abcdef'.repeat(4);

test('containers: cgroup v2 (µs, memory.current minus inactive_file) and v1 (ns); other folders ignored', () => {
  const r = parseProbe(
    ['@containers', `2 docker-${ID_A}.scope 1500 10485760 1048576`, `1 ${ID_B} 2000000 4096 0`, '2 buildkit 1 2 3', `1 ${'f'.repeat(63)} 1 2 3`, `3 ${ID_A} 1 2 3`, ''].join('\n'),
  );
  expect(r.containers).toEqual(
    new Map([
      [ID_A, { cpuNs: 1_500_000, memBytes: 10485760 - 1048576 }],
      [ID_B, { cpuNs: 2_000_000, memBytes: 4096 }],
    ]),
  );
  expect(parseProbe('@containers\n').containers).toEqual(new Map());
  expect(parseProbe(`@containers\n2 ${ID_A}\n`).containers?.get(ID_A)).toEqual({ cpuNs: null, memBytes: null });
});

test("a container's CPU share is its CPU time over the host's (all cores) between two polls", () => {
  // 200 jiffies of host time = 2 s of CPU over all cores; the container used 0.5 s of it.
  expect(containerCpuPercent(1e9, 1.5e9, { total: 1000, idle: 800 }, { total: 1200, idle: 900 })).toBe(25);
  expect(containerCpuPercent(undefined, 1.5e9, { total: 1000, idle: 800 }, { total: 1200, idle: 900 })).toBeNull();
  expect(containerCpuPercent(2e9, 1e9, { total: 1000, idle: 800 }, { total: 1200, idle: 900 })).toBeNull(); // restarted: counter went back
  expect(containerCpuPercent(1e9, 1.5e9, { total: 1000, idle: 800 }, { total: 1000, idle: 800 })).toBeNull();
  expect(containerCpuPercent(1e9, 9e9, null, { total: 1200, idle: 900 })).toBeNull();
});

test('the probe script runs here and lists the running containers of this machine it can see', () => {
  const out = execFileSync(PROBE_ARGV[0], PROBE_ARGV.slice(1), { encoding: 'utf8' });
  const reading = parseProbe(out);
  expect(reading.memTotalBytes).toBeGreaterThan(0);
  expect(reading.containers).toBeInstanceOf(Map);
});

test('missing or garbled parts are null; old kernels without MemAvailable use free + buffers + cached', () => {
  const r = parseProbe('@stat\nintr 1 2\n@meminfo\nMemTotal: 1000 kB\nMemFree: 100 kB\nCached: 200 kB\n@df\n@loadavg\nx y z\n');
  expect(r).toMatchObject({ cpu: null, memTotalBytes: 1000 * 1024, memUsedBytes: 700 * 1024, diskTotalBytes: null, dockerDiskUsedBytes: null, load1: null, uptimeSeconds: null });
  expect(parseProbe('')).toMatchObject({ cpu: null, memTotalBytes: null, memUsedBytes: null });
});

test('CPU percent from two readings', () => {
  expect(cpuPercent({ total: 1000, idle: 850 }, { total: 1200, idle: 950 })).toBe(50);
  expect(cpuPercent(null, { total: 1, idle: 1 })).toBeNull();
  expect(cpuPercent({ total: 1000, idle: 850 }, { total: 1000, idle: 850 })).toBeNull();
  expect(cpuPercent({ total: 1000, idle: 850 }, { total: 900, idle: 800 })).toBeNull();
});
