import { isPlainObject } from '../input-parts';

/*
 * Small helpers the Runtipi and Umbrel readers share: which variables a Compose file uses, a
 * service's environment, publishing a port the store's own proxy would have served.
 */

export { isPlainObject };

/** Trimmed non-empty text, or undefined. */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** `${NAME}`, `${NAME:-default}`, `${NAME?err}`... and `$NAME`; `$$` is Compose's escaped dollar. */
const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Names of the variables Compose would interpolate anywhere in `value` (keys and strings), in order of appearance. */
export function variablesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(VARIABLE)) {
      const name = m[1] ?? m[2];
      if (name) into.add(name);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) variablesIn(item, into);
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      variablesIn(k, into);
      variablesIn(v, into);
    }
  }
  return into;
}

/** A Compose service's `environment:` as name → value (mapping or list of `NAME=value`). */
export function environmentOf(service: Record<string, unknown>): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (isPlainObject(env)) {
    for (const [k, v] of Object.entries(env)) out[k] = v === null || v === undefined ? '' : String(v);
  } else if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item !== 'string') continue;
      const eq = item.indexOf('=');
      if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
    }
  }
  return out;
}

/** Adds a `HOST:CONTAINER` port to a Compose service (unless it already publishes that host port). */
export function publishPort(service: Record<string, unknown>, host: number, container: number): void {
  const ports = Array.isArray(service.ports) ? [...(service.ports as unknown[])] : [];
  const already = ports.some((p) => (typeof p === 'string' || typeof p === 'number') && String(p).split('/')[0].split(':').slice(-2)[0] === String(host));
  if (!already) ports.push(`${host}:${container}`);
  service.ports = ports;
}

/** A valid TCP/UDP port number from a number or numeric text. */
export function portNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}
