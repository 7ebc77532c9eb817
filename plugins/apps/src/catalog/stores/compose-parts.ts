/*
 * Small readers of Compose values the importer needs: command lines, durations, port and volume
 * strings. Each returns undefined (or a reason) for what it cannot read, never a guess.
 */

/** Splits a Compose string `command:` into arguments the way Compose does (POSIX shell words, no expansion). */
export function splitCommand(line: string): string[] | undefined {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) args.push(current);
  return args;
}

/** Compose durations ("1m30s", "10s", "500ms", "1h") in whole seconds (at least 1); a number is seconds. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.max(1, Math.round(value));
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/.test(value.trim())) return undefined;
  const factor: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
  let total = 0;
  for (const [, n, , unit] of value.trim().matchAll(/(\d+(\.\d+)?)(h|ms|us|ns|m|s)/g)) total += Number(n) * factor[unit];
  return Math.max(1, Math.round(total));
}

export interface ComposePort {
  container: number;
  host?: number;
  protocol: 'tcp' | 'udp';
}

/** `"8080:80"`, `"80"`, `"8080:80/udp"`, or the long form; a host IP or a range is a reason, not a port. */
export function readPort(value: unknown): ComposePort | string {
  if (typeof value === 'number') return { container: value, protocol: 'tcp' };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o.host_ip !== undefined) return 'binding to one host address (host_ip) is not supported: Tomo publishes on every address';
    const container = Number(o.target);
    const host = o.published === undefined ? undefined : Number(o.published);
    const protocol = o.protocol === undefined ? 'tcp' : o.protocol;
    if (!Number.isInteger(container) || (host !== undefined && !Number.isInteger(host))) return 'a port range or a port that is not a number is not supported';
    if (protocol !== 'tcp' && protocol !== 'udp') return `protocol ${String(protocol)} is not supported (tcp or udp)`;
    return { container, ...(host !== undefined ? { host } : {}), protocol };
  }
  if (typeof value !== 'string') return 'must be a port like "8080:80"';
  const m = /^(?:(?:([^:]*):)?(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(value.trim());
  if (!m) return /-/.test(value) ? 'port ranges are not supported: list each port' : `"${value}" is not a port Tomo can publish (tcp or udp, HOST:CONTAINER)`;
  if (m[1] !== undefined && m[1] !== '' && m[1] !== '0.0.0.0') return 'binding to one host address is not supported: Tomo publishes on every address';
  return { container: Number(m[3]), ...(m[2] !== undefined ? { host: Number(m[2]) } : {}), protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

export interface ComposeMount {
  /** Absent for an anonymous volume. */
  source?: string;
  target: string;
  readOnly: boolean;
  /** A bind mount (a path) or a volume (a name); tmpfs and others are reasons. */
  type: 'bind' | 'volume';
}

/** `"src:/target[:ro]"`, `"/target"` or the long form; anything else is a reason. */
export function readMount(value: unknown): ComposeMount | string {
  if (typeof value === 'string') {
    const parts = value.split(':');
    if (parts.length === 1) return { target: parts[0], readOnly: false, type: 'volume' };
    if (parts.length > 3) return 'must be "SOURCE:TARGET[:MODE]"';
    const [source, target, mode = 'rw'] = parts;
    const modes = mode.split(',');
    if (modes.some((m) => !['ro', 'rw', 'z', 'Z', 'cached', 'delegated', 'consistent', 'nocopy'].includes(m))) return `mount mode "${mode}" is not supported`;
    const isPath = source.startsWith('/') || source.startsWith('.') || source.startsWith('~') || source.startsWith('${DATA_ROOT}');
    return { source, target, readOnly: modes.includes('ro'), type: isPath ? 'bind' : 'volume' };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o.type !== 'bind' && o.type !== 'volume') return `mounts of type ${String(o.type)} are not supported (bind or volume)`;
    if (typeof o.target !== 'string') return 'target: must be a path';
    if (o.source !== undefined && typeof o.source !== 'string') return 'source: must be a path or a volume name';
    return { ...(o.source !== undefined ? { source: o.source as string } : {}), target: o.target, readOnly: o.read_only === true, type: o.type };
  }
  return 'must be "SOURCE:TARGET" or a mapping with type:, source:, target:';
}
