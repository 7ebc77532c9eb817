import { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import type { LogTarget, TomoConfig } from '../config/config-schema';
import { ConfigError, PluginLoadError } from '../errors';
import { Kernel } from '../kernel';
import { discoverPlugins } from '../plugin/discover';
import { installSharedModuleResolution } from '../plugin/shared-modules';
import type { BootedKernel } from '../plugin/plugin-types';
import { addDoctorCommand } from './doctor/doctor-command';
import { addMcpCommand } from './mcp-command';
import { addMigrateCommand } from './migrate-command';
import { addMigrateDatabaseCommand } from './migrate-database/migrate-database-command';
import { addServeCommand } from './serve-command';

/** What a Tomo distribution tells the CLI: where its built-in plugins and console live. */
export interface Distribution {
  /** The product version: `tomo --version`, `/api/status`, the OpenAPI document. */
  version: string;
  /** Folders holding the built-in plugin packages (a broken one stops start-up). */
  builtinPluginDirs: string[];
  /** The console's built files (`ui-shell/dist`); without them the console's pages are not served (the API is). */
  uiShellDir?: string;
}

/** Reads `--config <file>` ahead of commander, because plugins (and so commands) depend on it. */
function configFileFromArgv(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return undefined;
  return argv[at].includes('=') ? argv[at].split('=').slice(1).join('=') : argv[at + 1];
}

/** Shared by commands: builds a kernel for this distribution and config. */
export function makeKernel(dist: Distribution, config: TomoConfig): Kernel {
  return new Kernel({ config, builtinPluginDirs: dist.builtinPluginDirs, uiShellDir: dist.uiShellDir, version: dist.version });
}

/** The config with JSON log lines to the file only (`log.targets` is the service's setting). */
export function fileLogOnly(config: TomoConfig): TomoConfig {
  const targets: LogTarget[] = ['file'];
  return Object.freeze({ ...config, log: { ...config.log, targets } });
}

/**
 * Builds the `tomo` program: the kernel's commands (`serve`, `migrate`, `mcp`, `doctor`) plus whatever
 * each plugin adds (`admin create` from auth, `export`/`import` from backup).
 */
export function createCli(dist: Distribution, argv: readonly string[] = process.argv): Command {
  const program = new Command('tomo')
    .description('Tomo: a self-hosted control panel for your servers, apps and AI agents')
    .version(dist.version)
    .option('--config <file>', 'configuration file (default: $TOMO_CONFIG or /etc/tomo/config.yaml)')
    .showHelpAfterError();

  const configFile = configFileFromArgv(argv);
  let config: TomoConfig | undefined;
  const getConfig = (overrides?: Record<string, unknown>): TomoConfig => {
    if (overrides) return loadConfig({ file: configFile, overrides });
    config ??= loadConfig({ file: configFile });
    return config;
  };

  addServeCommand(program, dist, getConfig);
  addMigrateCommand(program, dist, getConfig);
  addMigrateDatabaseCommand(program, dist, getConfig);
  addMcpCommand(program, getConfig);
  addDoctorCommand(program, dist, getConfig, () => configFile ?? process.env.TOMO_CONFIG ?? '/etc/tomo/config.yaml (or defaults when absent)');

  // Plugins contribute commands; discovering them needs the config (plugin folders).
  let pluginConfig: TomoConfig | undefined;
  try {
    pluginConfig = getConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Bad config: keep the kernel commands so `--help` works; `serve` will report the error.
  }
  if (pluginConfig) {
    installSharedModuleResolution(require.resolve('../index'));
    const packages = [...discoverPlugins(dist.builtinPluginDirs, true), ...discoverPlugins(pluginConfig.plugins.dirs, false)];
    for (const pkg of packages) {
      for (const plugin of pkg.plugins) {
        if (!plugin.cli || pluginConfig.plugins.disabled.includes(plugin.id)) continue;
        plugin.cli(program, async (): Promise<BootedKernel> => {
          // A one-shot command's stdout is its answer to the user: its log lines go to the file only.
          const kernel = makeKernel(dist, fileLogOnly(pluginConfig));
          // A one-shot command next to a possibly running service: plugins' `ready` steps stay out.
          await kernel.start({ listen: false, runReady: false });
          return { resolve: (token) => kernel.resolve(token), logger: kernel.logger, stop: () => kernel.stop() };
        });
      }
    }
  }
  return program;
}

/** Runs the CLI and turns start-up errors into one clear line and exit code 1. */
export async function runCli(dist: Distribution, argv: string[] = process.argv): Promise<void> {
  try {
    await createCli(dist, argv).parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PluginLoadError) {
      process.stderr.write(`tomo: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
