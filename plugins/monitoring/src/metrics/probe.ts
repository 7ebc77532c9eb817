/**
 * The one command a poll runs on a server, and the parsing of its output. The script is a
 * constant: nothing from a request, a record or a server's name goes into it.
 */
export const PROBE_ARGV: readonly string[] = Object.freeze([
  'sh',
  '-c',
  [
    'echo @stat; head -n 1 /proc/stat',
    'echo @meminfo; cat /proc/meminfo',
    'echo @df; df -P -k / 2>/dev/null | tail -n +2',
    'echo @dockerdf; if [ -d /var/lib/docker ]; then df -P -k /var/lib/docker 2>/dev/null | tail -n +2; fi',
    'echo @loadavg; cat /proc/loadavg',
    'echo @uptime; cat /proc/uptime',
  ].join('; '),
]);

/** CPU counters from the first line of /proc/stat (jiffies since boot). */
export interface CpuTimes {
  total: number;
  idle: number;
}

export interface ProbeReading {
  cpu: CpuTimes | null;
  memTotalBytes: number | null;
  memUsedBytes: number | null;
  diskTotalBytes: number | null;
  diskUsedBytes: number | null;
  dockerDiskTotalBytes: number | null;
  dockerDiskUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSeconds: number | null;
}

function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const header = /^@(\w+)$/.exec(line.trim());
    if (header) {
      current = [];
      out.set(header[1], current);
    } else if (current && line.trim()) current.push(line);
  }
  return out;
}

const num = (text: string | undefined): number | null => {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

/** `df -P -k` data line: size and used, in bytes. */
function parseDf(lines: string[] | undefined): { total: number | null; used: number | null } {
  const fields = lines?.[0]?.trim().split(/\s+/) ?? [];
  const total = num(fields[1]);
  const used = num(fields[2]);
  return { total: total === null ? null : total * 1024, used: used === null ? null : used * 1024 };
}

/** Reads the probe's output; a missing or garbled part is null, never an exception. */
export function parseProbe(stdout: string): ProbeReading {
  const s = sections(stdout);
  const cpuFields = (s.get('stat')?.[0] ?? '').trim().split(/\s+/);
  let cpu: CpuTimes | null = null;
  if (cpuFields[0] === 'cpu') {
    const values = cpuFields.slice(1, 9).map(Number);
    if (values.length >= 4 && values.every(Number.isFinite)) {
      // user nice system idle iowait irq softirq steal: idle time is idle + iowait.
      cpu = { total: values.reduce((a, b) => a + b, 0), idle: values[3] + (values[4] ?? 0) };
    }
  }
  const mem = new Map<string, number>();
  for (const line of s.get('meminfo') ?? []) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(line);
    if (m) mem.set(m[1], Number(m[2]) * 1024);
  }
  const memTotal = mem.get('MemTotal') ?? null;
  const available = mem.get('MemAvailable') ?? (mem.has('MemFree') ? (mem.get('MemFree') ?? 0) + (mem.get('Buffers') ?? 0) + (mem.get('Cached') ?? 0) : null);
  const disk = parseDf(s.get('df'));
  const docker = parseDf(s.get('dockerdf'));
  const load = (s.get('loadavg')?.[0] ?? '').trim().split(/\s+/);
  const uptime = (s.get('uptime')?.[0] ?? '').trim().split(/\s+/);
  return {
    cpu,
    memTotalBytes: memTotal,
    memUsedBytes: memTotal !== null && available !== null ? Math.max(0, memTotal - available) : null,
    diskTotalBytes: disk.total,
    diskUsedBytes: disk.used,
    dockerDiskTotalBytes: docker.total,
    dockerDiskUsedBytes: docker.used,
    load1: num(load[0]),
    load5: num(load[1]),
    load15: num(load[2]),
    uptimeSeconds: num(uptime[0]),
  };
}

/** Busy share of the CPU between two readings, in percent (null without a usable delta). */
export function cpuPercent(previous: CpuTimes | null, current: CpuTimes | null): number | null {
  if (!previous || !current) return null;
  const total = current.total - previous.total;
  const idle = current.idle - previous.idle;
  if (total <= 0 || idle < 0) return null;
  return Math.round(((total - idle) / total) * 1000) / 10;
}
