/** Small formatting helpers of the servers panels. */
import type { PublicServer, SystemFacts } from './api';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday"; `fallback` for no date. */
export function relativeTime(value: string | null | undefined, now: number = Date.now(), fallback = 'Never'): string {
  if (!value) return fallback;
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return value;
  const seconds = Math.round((time - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60) || Math.sign(seconds), 'minute');
}

/** "Debian GNU/Linux 12 (bookworm)", else "debian 12", else `fallback`. */
export function osLabel(facts: SystemFacts | null | undefined, fallback = '—'): string {
  if (!facts) return fallback;
  if (facts.osName) return facts.osName;
  const parts = [facts.osId, facts.osVersion].filter(Boolean);
  return parts.length ? parts.join(' ') : fallback;
}

/** `host:port`, with brackets around an IPv6 address: `[fd00::2]:22`. */
export function address(server: Pick<PublicServer, 'host' | 'port'>): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** Milliseconds for people: "12 ms", "1.3 s". */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * The file holding the server's public host key of this type, for `ssh-keygen -lf <file>`
 * (OpenSSH's default locations; ed25519 when the type is unknown).
 */
export function hostKeyFile(algorithm: string | null | undefined): string {
  const type = /rsa/i.test(algorithm ?? '') ? 'rsa' : /ecdsa/i.test(algorithm ?? '') ? 'ecdsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${type}_key.pub`;
}
