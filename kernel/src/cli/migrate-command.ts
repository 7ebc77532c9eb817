import type { Command } from 'commander';
import type { TomoConfig } from '../config/config-schema';
import { createDataSource, migrationStatus } from '../db/create-data-source';
import { describeDatabase } from '../db/database-url';
import type { Distribution } from './create-cli';
import { fileLogOnly, makeKernel } from './create-cli';

/** `tomo migrate [--status]`: apply pending migrations, or list them without applying. */
export function addMigrateCommand(program: Command, dist: Distribution, getConfig: () => TomoConfig): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (Tomo also applies them at start)')
    .option('--status', 'list every migration and whether it is applied, without changing anything')
    .action(async (opts: { status?: boolean }) => {
      const config = getConfig();
      const kernel = makeKernel(dist, fileLogOnly(config));
      if (!opts.status) {
        await kernel.start({ listen: false, runReady: false });
        await kernel.stop();
        process.stdout.write(`Database ${describeDatabase(config.database)} is up to date\n`);
        return;
      }
      const { entities, migrations } = kernel.plannedSchema();
      const dataSource = createDataSource({ database: config.database, entities, migrations });
      await dataSource.initialize();
      try {
        const states = await migrationStatus(dataSource);
        for (const s of states) {
          process.stdout.write(`${s.applied ? 'applied' : 'pending'}  ${s.name}\n`);
        }
        const pending = states.filter((s) => !s.applied).length;
        process.stdout.write(`${states.length - pending} applied, ${pending} pending (${describeDatabase(config.database)})\n`);
      } finally {
        await dataSource.destroy();
      }
    });
}
