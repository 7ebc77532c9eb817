import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../config/load-config';
import { dropTestDatabase, testDatabaseUrl } from './test-database';
import { Kernel } from '../kernel';
import type { PluginDefinition, PluginModuleDefinition } from '../plugin/plugin-types';

/** Options for {@link startTestKernel}. */
export interface TestKernelOptions {
  /** Plugin definitions to load, treated as built-in (a broken one makes the start throw). */
  plugins?: PluginDefinition[];
  /** Module definitions to load with them. */
  modules?: PluginModuleDefinition[];
  /** Folders to discover plugin packages in (as third-party plugins). */
  pluginDirs?: string[];
  /** Folders of built-in plugin packages. */
  builtinPluginDirs?: string[];
  /** Extra configuration, merged over the test defaults. */
  config?: Record<string, unknown>;
  /** Serve HTTP on a free loopback port (default true). */
  listen?: boolean;
  /** Reuse this data folder (e.g. to restart on the same database). */
  dataDir?: string;
  /** The console's built files, for tests of the console's pages; none by default. */
  uiShellDir?: string;
}

/** A running kernel on a temporary SQLite file, with a small HTTP client. */
export interface TestKernel {
  /** The started kernel: resolve services, read plugin statuses. */
  kernel: Kernel;
  /** Base URL (when listening). */
  url: string;
  /** The data folder: a fresh temporary one unless {@link TestKernelOptions.dataDir} was given. */
  dataDir: string;
  /** Every log line written so far (JSON strings). */
  logs(): string[];
  /** Sends a JSON request; `token` becomes a bearer header. */
  request(
    method: string,
    urlPath: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string>; rawBody?: string },
  ): Promise<{
    /** The HTTP status. */
    status: number;
    /** The response parsed as JSON; the text when it is not JSON; undefined when empty. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
    body: any;
    /** The response headers. */
    headers: Headers;
  }>;
  /** Stops the kernel; removes the data folder unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Boots a real kernel with the chosen plugins on a fresh temp data folder (real SQLite file,
 * real migrations, real HTTP on 127.0.0.1 with a free port). No environment variables or
 * `/etc/tomo/config.yaml` are read.
 */
export async function startTestKernel(options: TestKernelOptions = {}): Promise<TestKernel> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-test-'));
  // TOMO_TEST_DATABASE_URL: the same kernel on a PostgreSQL database of its own (unless the test
  // chose its database itself).
  const databaseUrl = options.config?.database ? undefined : await testDatabaseUrl(dataDir);
  const config = loadConfig({
    file: null,
    env: {},
    overrides: {
      dataDir,
      ...options.config,
      // Merged key by key: `config: { server: { bodyLimitBytes } }` must not drop the free port.
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1000, ...(options.config?.server as object | undefined) },
      // The file only: a test run's stdout is the test runner's.
      log: { level: 'debug', pretty: false, targets: ['file'], ...(options.config?.log as object | undefined) },
      plugins: { dirs: options.pluginDirs ?? [], ...(options.config?.plugins as object | undefined) },
      ...(databaseUrl ? { database: { url: databaseUrl, poolSize: 4 } } : {}),
    },
  });
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const kernel = new Kernel({
    config,
    plugins: options.plugins,
    modules: options.modules,
    builtinPluginDirs: options.builtinPluginDirs,
    uiShellDir: options.uiShellDir,
    logStream: stream,
    checkResponses: true,
  });
  const listen = options.listen ?? true;
  try {
    await kernel.start({ listen });
  } catch (err) {
    // A refused start may already have opened the database (or the port): release them.
    await kernel.stop().catch(() => undefined);
    if (!options.dataDir) {
      await dropTestDatabase(dataDir).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    throw err;
  }
  const url = kernel.url ?? '';
  return {
    kernel,
    url,
    dataDir,
    logs: () => [...lines],
    async request(method, urlPath, req = {}) {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      if (req.token) headers.authorization = `Bearer ${req.token}`;
      let body: string | undefined = req.rawBody;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${urlPath}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stop(stopOptions = {}) {
      await kernel.stop();
      if (!stopOptions.keepData && !options.dataDir) {
        await dropTestDatabase(dataDir);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
