import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { kernelConfigSchema, type KernelConfig, type ResolvedDatabaseConfig, type TomoConfig } from './config-schema';
import { parseDatabaseUrl } from '../db/database-url';
import { lazyModule } from '../lazy/lazy-module';

/** The YAML parser: only needed when there is a config file to read. */
const yaml = lazyModule<typeof import('yaml')>(require, 'yaml');

/** Where configuration comes from, lowest precedence first: defaults < file < environment < overrides. */
export interface ConfigSources {
  /** Path of the YAML file; default `TOMO_CONFIG` or `/etc/tomo/config.yaml` (skipped when absent); `null` reads no file. */
  file?: string | null;
  /** Environment variables to read (`TOMO_*`, and `TOMO_CONFIG` for the file); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (CLI flags, tests). Deep-merged last. */
  overrides?: Record<string, unknown>;
}

const DEFAULT_CONFIG_FILE = '/etc/tomo/config.yaml';

/** Kernel keys that environment variables may set, and how their strings become values. */
const ENV_KEYS: ReadonlyArray<[string, string[], (v: string) => unknown]> = [
  ['TOMO_HOST', ['server', 'host'], (v) => v],
  ['TOMO_PORT', ['server', 'port'], (v) => v],
  ['TOMO_TRUST_PROXY', ['server', 'trustProxy'], (v) => v === 'true' || v === '1'],
  ['TOMO_PUBLIC_URL', ['server', 'publicUrl'], (v) => v],
  ['TOMO_DATA_DIR', ['dataDir'], (v) => v],
  ['TOMO_LOG_DIR', ['logDir'], (v) => v],
  ['TOMO_LOG_LEVEL', ['log', 'level'], (v) => v],
  ['TOMO_LOG_PRETTY', ['log', 'pretty'], (v) => v === 'true' || v === '1'],
  ['TOMO_LOG_TARGETS', ['log', 'targets'], (v) => v.split(',').map((t) => t.trim()).filter(Boolean)],
  ['TOMO_PLUGIN_DIRS', ['plugins', 'dirs'], (v) => v.split(path.delimiter).filter(Boolean)],
  ['TOMO_DATABASE_FILE', ['database', 'file'], (v) => v],
  ['TOMO_DATABASE_URL', ['database', 'url'], (v) => v],
  ['TOMO_VAULT_KEY_FILE', ['vault', 'keyFile'], (v) => v],
];

const KERNEL_KEYS = new Set(Object.keys(kernelConfigSchema.shape));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function readFile(file: string, explicit: boolean): Record<string, unknown> {
  if (!fs.existsSync(file)) {
    if (explicit) throw new ConfigError(`Config file ${file} does not exist`);
    return {};
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    // Under the RPM the file is readable by root and the tomo group only.
    const denied = (err as NodeJS.ErrnoException).code === 'EACCES';
    throw new ConfigError(`Config file ${file} cannot be read: ${denied ? 'permission denied (run as root or a member of the tomo group, or pass --config)' : (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch (err) {
    throw new ConfigError(`Config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (parsed == null) return {};
  if (!isPlainObject(parsed)) throw new ConfigError(`Config file ${file} must hold a mapping of keys`);
  return parsed;
}

/** Formats the first zod issue as "config key `a.b`: rule". */
export function describeConfigIssue(error: z.ZodError, prefix = ''): ConfigError {
  const issue = error.issues[0];
  const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return new ConfigError(`Invalid configuration: ${key || '(root)'}: ${issue.message}`, key);
}

/**
 * Loads and validates the configuration. Throws {@link ConfigError} naming the key at fault.
 * Relative folders are resolved against the current directory, once, here.
 */
export function loadConfig(sources: ConfigSources = {}): TomoConfig {
  const env = sources.env ?? process.env;
  const explicitFile = sources.file === null ? null : (sources.file ?? env.TOMO_CONFIG);
  let raw = explicitFile === null ? {} : readFile(explicitFile ?? DEFAULT_CONFIG_FILE, explicitFile !== undefined);
  const fromEnv: Record<string, unknown> = {};
  for (const [name, keys, convert] of ENV_KEYS) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(fromEnv, keys, convert(value));
  }
  raw = deepMerge(deepMerge(raw, fromEnv), sources.overrides ?? {});

  const kernelPart: Record<string, unknown> = {};
  const sections: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (KERNEL_KEYS.has(key)) kernelPart[key] = value;
    else sections[key] = value;
  }
  const parsed = kernelConfigSchema.safeParse(kernelPart);
  if (!parsed.success) throw describeConfigIssue(parsed.error);
  const config = parsed.data;
  const dataDir = path.resolve(config.dataDir);
  return Object.freeze({
    ...config,
    dataDir,
    logDir: path.resolve(config.logDir ?? path.join(dataDir, 'logs')),
    plugins: { ...config.plugins, dirs: config.plugins.dirs.map((d) => path.resolve(d)) },
    database: resolveDatabase(config.database, dataDir),
    vault: { keyFile: path.resolve(config.vault.keyFile ?? path.join(dataDir, 'secrets', 'vault.key')) },
    sections: Object.freeze(sections),
  });
}

/** The engine and its place: PostgreSQL when the url says so, else the SQLite file (absolute). */
function resolveDatabase(database: KernelConfig['database'], dataDir: string): ResolvedDatabaseConfig {
  const parsed = database.url === undefined ? undefined : parseDatabaseUrl(database.url);
  if (parsed?.kind === 'postgres') return { kind: 'postgres', url: parsed.url, busyTimeoutMs: database.busyTimeoutMs, poolSize: database.poolSize };
  const file = database.file ?? parsed?.file ?? path.join(dataDir, 'tomo.db');
  return { kind: 'sqlite', file: path.resolve(file), busyTimeoutMs: database.busyTimeoutMs };
}
