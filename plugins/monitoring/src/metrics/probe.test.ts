import { cpuPercent, parseProbe, PROBE_ARGV } from './probe';

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
  });
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
