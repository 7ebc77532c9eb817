import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ComposeAppInput, Refusal } from './compose-import';

/*
 * Small helpers the Runtipi and Umbrel readers share: reading a store's files with a size limit,
 * finding which variables a Compose file uses, and the licence a store publishes.
 */

/** Largest metadata or Compose file read (a real app's files are a few KiB). */
export const STORE_FILE_MAX_BYTES = 256 * 1024;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Trimmed non-empty text, or undefined. */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A file's text, or undefined when it does not exist; other problems (too large, unreadable) throw with a plain message. */
export async function readStoreFile(file: string, maxBytes = STORE_FILE_MAX_BYTES): Promise<string | undefined> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path.basename(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!stat.isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
  if (stat.size > maxBytes) throw new Error(`${path.basename(file)} is larger than ${maxBytes} bytes`);
  return fs.promises.readFile(file, 'utf8');
}

/** Parses YAML (one document, at most 20 aliases, so a hostile file cannot expand); throws with the parser's first line. */
export function parseStoreYaml(source: string, name: string): unknown {
  try {
    return YAML.parse(source, { maxAliasCount: 20, uniqueKeys: true });
  } catch (err) {
    throw new Error(`${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function parseStoreJson(source: string, name: string): unknown {
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`);
  }
}

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

/** Adds a `HOST:CONTAINER` port to a Compose service (kept as written when it already publishes that host port). */
export function publishPort(service: Record<string, unknown>, host: number, container: number): void {
  const ports = Array.isArray(service.ports) ? [...(service.ports as unknown[])] : [];
  const already = ports.some((p) => (typeof p === 'string' || typeof p === 'number') && String(p).split('/')[0].split(':').slice(-2)[0] === String(host));
  if (!already) ports.push(`${host}:${container}`);
  service.ports = ports;
}

/** A deep copy of parsed YAML/JSON data (plain values only). */
export function copyPlain<T>(value: T): T {
  return structuredClone(value);
}

/** The first non-empty line of the store's LICENSE file (e.g. "MIT License"), when it has one. */
export async function storeLicence(dir: string): Promise<string | undefined> {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING']) {
    let source: string | undefined;
    try {
      source = await readStoreFile(path.join(dir, name), 1024 * 1024);
    } catch {
      continue;
    }
    const first = source?.split('\n').map((l) => l.replace(/^#+\s*/, '').trim()).find((l) => l !== '');
    if (first) return first.slice(0, 200);
  }
  return undefined;
}

/** A valid TCP/UDP port number from a number or numeric text. */
export function portNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** What a store reader made of one app folder, before the shared converter (compose-import.ts) runs. */
export interface StoreAppReading {
  /** The app's id (its folder name). */
  appId: string;
  /** The file messages name (the app's metadata file). */
  file: string;
  /** The converter's input; absent when the app is skipped or broken. */
  input?: ComposeAppInput;
  /** What the reader itself could not honour, per field of the store's own files. */
  refusals: Refusal[];
  /** Why the app cannot be installed with Tomo (listed as unavailable), when the reader knows it already. */
  unavailable?: string;
  /** Why the app is left out of the catalog on purpose (e.g. Runtipi's `available: false`). */
  skipped?: { field: string; reason: string };
  /** What keeps the app out of the catalog (a missing or broken file). */
  error?: { field: string; message: string };
}
