/**
 * The one command a poll runs on a server, and the parsing of its output. The script is a
 * constant: nothing from a request, a record or a server's name goes into it.
 */

/**
 * Every running container's CPU time and memory, read from its cgroup: cheaper than asking
 * Docker (no extra channel, no daemon round trip) and readable without root. A container has a
 * cgroup only while it runs, so presence doubles as "running". Covers cgroup v2 and v1, with
 * Docker's systemd and cgroupfs drivers. Shell built-ins only (`read`, `${d##*\/}`): no process
 * per container. Lines: `2 <dir name> <usage µs> <memory bytes> <inactive file bytes>` (v2) or
 * `1 <dir name> <usage ns> <memory bytes> <inactive file bytes>` (v1).
 */
const CONTAINERS_SCRIPT = [
  'echo @containers',
  'for d in /sys/fs/cgroup/system.slice/docker-*.scope /sys/fs/cgroup/docker/*; do',
  '[ -r "$d/cpu.stat" ] || continue; u=; m=; f=',
  'while read -r k v; do [ "$k" = usage_usec ] && u=$v; done < "$d/cpu.stat"',
  'read -r m < "$d/memory.current"',
  'while read -r k v; do [ "$k" = inactive_file ] && f=$v; done < "$d/memory.stat"',
  'echo "2 ${d##*/} $u $m $f"',
  'done 2>/dev/null',
  'for d in /sys/fs/cgroup/cpuacct/system.slice/docker-*.scope /sys/fs/cgroup/cpuacct/docker/*; do',
  '[ -r "$d/cpuacct.usage" ] || continue; u=; m=; f=; r=/sys/fs/cgroup/memory/${d#/sys/fs/cgroup/cpuacct/}',
  'read -r u < "$d/cpuacct.usage"',
  'read -r m < "$r/memory.usage_in_bytes"',
  'while read -r k v; do [ "$k" = total_inactive_file ] && f=$v; done < "$r/memory.stat"',
  'echo "1 ${d##*/} $u $m $f"',
  'done 2>/dev/null',
  'true',
].join('\n');
export const PROBE_ARGV: readonly string[] = Object.freeze([
  'sh',
  '-c',
  [
    // Built-ins only, but for one `df` for both file systems: starting a process is the dearest
    // part of a poll on a small server (about 10 ms of CPU each on the benchmark's machine).
    'echo @stat; read -r l < /proc/stat; echo "$l"',
    'echo @meminfo; while read -r l; do case $l in MemTotal:*|MemFree:*|MemAvailable:*|Buffers:*|Cached:*) echo "$l";; esac; done < /proc/meminfo',
    // `/` first, then Docker's data root when it exists (df skips a missing path, on stderr).
    'echo @df; df -P -k / /var/lib/docker 2>/dev/null',
    'echo @loadavg; read -r l < /proc/loadavg; echo "$l"',
    'echo @uptime; read -r l < /proc/uptime; echo "$l"',
    CONTAINERS_SCRIPT,
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
  /** Running containers by full id; null when the probe's output had no container section. */
  containers: Map<string, ContainerReading> | null;
}

/** One running container, from its cgroup. */
export interface ContainerReading {
  /** CPU time used since the container started, in nanoseconds. */
  cpuNs: number | null;
  /** Memory in use, without the page cache that could be dropped (as `docker stats` counts it). */
  memBytes: number | null;
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
  // One `df` for `/` and Docker's root (its header line skipped); older probes had a section each.
  const dfLines = (s.get('df') ?? []).filter((line) => !/^Filesystem\s/.test(line));
  const disk = parseDf(dfLines.slice(0, 1));
  const docker = parseDf(s.has('dockerdf') ? s.get('dockerdf') : dfLines.slice(1, 2));
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
    containers: s.has('containers') ? parseContainers(s.get('containers') ?? []) : null,
  };
}

/** `<v> <dir> <cpu> <mem> <inactive>` lines; the directory name holds the 64-hex container id. */
function parseContainers(lines: string[]): Map<string, ContainerReading> {
  const out = new Map<string, ContainerReading>();
  for (const line of lines) {
    const [version, dir, cpu, mem, inactive] = line.trim().split(/\s+/);
    const id = /^(?:docker-)?([0-9a-f]{64})(?:\.scope)?$/.exec(dir ?? '')?.[1];
    if (!id || (version !== '1' && version !== '2')) continue;
    const usage = num(cpu);
    const memory = num(mem);
    out.set(id, {
      cpuNs: usage === null ? null : version === '2' ? usage * 1000 : usage,
      memBytes: memory === null ? null : Math.max(0, memory - (num(inactive) ?? 0)),
    });
  }
  return out;
}

/** Jiffies per second in /proc/stat (USER_HZ): 100 on every Linux architecture Docker runs on. */
const USER_HZ = 100;

/**
 * A container's share of the whole machine's CPU between two polls, in percent (the same scale
 * as the server's figure): its CPU time over the host's CPU time (all cores) in that interval.
 */
export function containerCpuPercent(previousNs: number | null | undefined, currentNs: number | null, hostPrevious: CpuTimes | null, hostCurrent: CpuTimes | null): number | null {
  if (previousNs === null || previousNs === undefined || currentNs === null || !hostPrevious || !hostCurrent) return null;
  const used = currentNs - previousNs;
  const hostNs = ((hostCurrent.total - hostPrevious.total) / USER_HZ) * 1e9;
  if (used < 0 || hostNs <= 0) return null;
  return Math.round(Math.min(100, (used / hostNs) * 100) * 10) / 10;
}

/** Busy share of the CPU between two readings, in percent (null without a usable delta). */
export function cpuPercent(previous: CpuTimes | null, current: CpuTimes | null): number | null {
  if (!previous || !current) return null;
  const total = current.total - previous.total;
  const idle = current.idle - previous.idle;
  if (total <= 0 || idle < 0) return null;
  return Math.round(((total - idle) / total) * 1000) / 10;
}
