import type { SystemFacts } from '../schemas';

/**
 * One fixed script (no user input in it) that prints `key=value` lines about the server, so a
 * connection test is one round trip. Each probe tolerates absence (no docker, no /etc/os-release).
 */
export const FACTS_SCRIPT = [
  'echo "hostname=$(hostname 2>/dev/null)"',
  'if [ -r /etc/os-release ]; then . /etc/os-release; echo "os_id=$ID"; echo "os_version=$VERSION_ID"; echo "os_name=$PRETTY_NAME"; fi',
  'echo "kernel=$(uname -r 2>/dev/null)"',
  'echo "arch=$(uname -m 2>/dev/null)"',
  'echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"',
  "echo \"mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)\"",
  "echo \"disk_kb=$(df -Pk / 2>/dev/null | awk 'NR==2 {print $2}')\"",
  "if command -v docker >/dev/null 2>&1; then echo \"docker=$(docker version --format '{{.Server.Version}}' 2>/dev/null || docker --version 2>/dev/null)\"; fi",
].join('\n');

/** The argv that runs {@link FACTS_SCRIPT}. */
export const FACTS_ARGV = ['sh', '-c', FACTS_SCRIPT];

const text = (v: string | undefined): string | null => (v && v.trim() ? v.trim().slice(0, 200) : null);
const int = (v: string | undefined): number | null => (v && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null);

/** Parses the script's output; unknown lines are ignored, missing facts are null. */
export function parseFacts(output: string): SystemFacts {
  const values: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
  }
  const memKb = int(values.mem_kb);
  const diskKb = int(values.disk_kb);
  const docker = text(values.docker);
  return {
    hostname: text(values.hostname),
    osId: text(values.os_id),
    osVersion: text(values.os_version),
    osName: text(values.os_name),
    kernel: text(values.kernel),
    architecture: text(values.arch),
    cpuCount: int(values.cpus),
    memoryBytes: memKb === null ? null : memKb * 1024,
    rootDiskBytes: diskKb === null ? null : diskKb * 1024,
    dockerVersion: docker ? (/(\d+\.\d+\.\d+[^\s,]*)/.exec(docker)?.[1] ?? docker) : null,
  };
}
