import type { Command } from 'commander';
import type { TomoConfig } from '../config/config-schema';
import type { Distribution } from './create-cli';
import { makeKernel } from './create-cli';
import { compactHeapAfterStartup } from './compact-heap';

/** How long after listening the heap is compacted once (start-up's background work is done by then). */
const COMPACT_AFTER_MS = 1000;

/** `tomo serve`: start the service in the foreground until SIGTERM/SIGINT. */
export function addServeCommand(program: Command, dist: Distribution, getConfig: (overrides?: Record<string, unknown>) => TomoConfig): void {
  program
    .command('serve')
    .description('Start Tomo (HTTP console, JSON API and MCP endpoint) in the foreground')
    .option('--host <address>', 'address to listen on (default 127.0.0.1, or TOMO_HOST)')
    .option('--port <port>', 'port to listen on (default 8080, or TOMO_PORT)')
    .option('--data-dir <dir>', 'data folder (default ./data, or TOMO_DATA_DIR)')
    .action(async (opts: { host?: string; port?: string; dataDir?: string }) => {
      const overrides: Record<string, unknown> = {};
      if (opts.host || opts.port) overrides.server = { ...(opts.host ? { host: opts.host } : {}), ...(opts.port ? { port: opts.port } : {}) };
      if (opts.dataDir) overrides.dataDir = opts.dataDir;
      if (process.stdout.isTTY && process.env.TOMO_LOG_PRETTY === undefined) overrides.log = { pretty: true };
      // In a terminal, stdout shows readable lines; otherwise (systemd, Docker) the stdout target
      // gets the JSON lines, so the journal holds them, the first-run setup code included.
      const config = getConfig(overrides);
      const kernel = makeKernel(dist, config);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        kernel.logger.info(`Received ${signal}; shutting down`);
        kernel.stop().then(
          () => process.exit(0),
          (err: Error) => {
            process.stderr.write(`tomo: shutdown failed: ${err.message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      await kernel.start({ listen: true });
      process.stdout.write(`Tomo ${dist.version} listening on ${kernel.url} (data: ${config.dataDir})\n`);
      // Once start-up's own work (plugins' first rounds, the catalog) has settled: see compactHeapAfterStartup.
      setTimeout(() => {
        const started = performance.now();
        if (compactHeapAfterStartup()) kernel.logger.debug({ ms: Math.round(performance.now() - started) }, 'Heap compacted after start-up');
      }, COMPACT_AFTER_MS).unref();
    });
}
