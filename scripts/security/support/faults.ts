/**
 * Helpers of the fault and load tests (scripts/security/faults-*.e2e.test.ts, load.e2e.test.ts):
 * a `tomo serve` child process on a data folder of its own, its JSON API, and looks at its SQLite
 * file from outside (integrity check, a digest of every table).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runTomo, serveTomo } from '../../../plugins/auth/test/support/tomo-cli';
import { freePort } from '../../../test-support/ports';

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const BACKUP_PASSWORD = 'backup-pass-Xq7-correct-horse';

export type Served = Awaited<ReturnType<typeof serveTomo>>;

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of every shape
  body: any;
  text: string;
}

/** One JSON call to a running Tomo. */
export async function api(base: string, method: string, url: string, token?: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** A Tomo data folder (under `parent`, or a fresh temp folder) with a config file and an admin. */
export interface Instance {
  dir: string;
  dataDir: string;
  dbFile: string;
  env: Record<string, string>;
  port: number;
  served?: Served;
  /** `tomo serve` on the instance's port (the previous process, if any, must be gone). */
  serve(): Promise<Served>;
  login(who?: { username: string; password: string }): Promise<string>;
  call(method: string, url: string, token?: string, body?: unknown): Promise<ApiAnswer>;
}

/**
 * `copyDatabase`: start from a copy of another instance's (closed) database file instead of
 * running `tomo admin create` (about 4 s of start-up and bcrypt on a loaded machine).
 */
export async function createInstance(options: { config?: string; dataDir?: string; env?: Record<string, string>; copyDatabase?: string } = {}): Promise<Instance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-faults-'));
  const dataDir = options.dataDir ?? path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dir, 'config.yaml');
  fs.writeFileSync(configFile, options.config ?? 'backup:\n  scryptWorkFactor: 10\n');
  const env = { TOMO_DATA_DIR: dataDir, TOMO_CONFIG: configFile, ...options.env };
  if (options.copyDatabase) {
    fs.copyFileSync(options.copyDatabase, path.join(dataDir, 'tomo.db'));
  } else {
    const created = runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'admin@example.com', '--password-stdin'], env, ADMIN.password);
    if (created.status !== 0) throw new Error(`tomo admin create: ${created.stderr}`);
  }
  const port = await freePort();
  const instance: Instance = {
    dir,
    dataDir,
    dbFile: path.join(dataDir, 'tomo.db'),
    env,
    port,
    async serve() {
      instance.served = await serveTomo(env, port);
      return instance.served;
    },
    async login(who = ADMIN) {
      const res = await instance.call('POST', '/api/auth/login', undefined, who);
      if (res.status !== 200) throw new Error(`login ${who.username}: ${res.status} ${res.text}`);
      return res.body.token as string;
    },
    call: (method, url, token, body) => api(`http://127.0.0.1:${port}`, method, url, token, body),
  };
  return instance;
}

/** `PRAGMA integrity_check` of the file, opened from outside Tomo (WAL recovery included). */
export function integrityCheck(dbFile: string): string {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Row count and a SHA-256 of every row of every table, in primary-key order. */
export function tableDigests(dbFile: string): Record<string, { rows: number; sha256: string }> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const table of tables) {
      const pk = (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as { name: string }[]).map((c) => `"${c.name}"`);
      const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY ${pk.length ? pk.join(', ') : 'rowid'}`).raw().all();
      const hash = crypto.createHash('sha256');
      for (const row of rows) hash.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v)) + '\n');
      out[table] = { rows: rows.length, sha256: hash.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}

/** Resolves once `check` is true, polling every `everyMs`; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Open file descriptors of a process that are sockets. */
export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Resident memory of a process, in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * A hook preloaded into `tomo serve` (NODE_OPTIONS=--require, test only): on SIGUSR2 it writes
 * the process's active resources (`process.getActiveResourcesInfo()`, counted by kind) and, when
 * `--expose-gc` is on too, its memory after a full collection, to $TOMO_TEST_PROBE.
 */
const PROBE_HOOK = `
const fs = require('node:fs');
process.on('SIGUSR2', () => {
  const resources = {};
  for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] || 0) + 1;
  if (typeof global.gc === 'function') { global.gc(); global.gc(); }
  const m = process.memoryUsage();
  const out = process.env.TOMO_TEST_PROBE;
  fs.writeFileSync(out + '.tmp', JSON.stringify({ resources, rss: m.rss, heapUsed: m.heapUsed, external: m.external, gc: typeof global.gc === 'function' }));
  fs.renameSync(out + '.tmp', out);
});
`;

export interface ProbeReport {
  resources: Record<string, number>;
  rss: number;
  heapUsed: number;
  external: number;
  gc: boolean;
}

/** Adds the probe hook to the instance's environment (before `serve()`); `read(pid)` asks for a report. */
export function installProbe(t: Instance, options: { exposeGc?: boolean } = {}): { read(pid: number): Promise<ProbeReport> } {
  const hook = path.join(t.dir, 'probe-hook.js');
  const file = path.join(t.dir, 'probe.json');
  fs.writeFileSync(hook, PROBE_HOOK);
  Object.assign(t.env, { NODE_OPTIONS: `--require ${hook}${options.exposeGc ? ' --expose-gc' : ''}`, TOMO_TEST_PROBE: file });
  return {
    async read(pid) {
      fs.rmSync(file, { force: true });
      process.kill(pid, 'SIGUSR2');
      await waitFor('the probe report', () => fs.existsSync(file), 10000, 20);
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    },
  };
}
