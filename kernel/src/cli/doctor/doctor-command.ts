import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { TomoConfig } from '../../config/config-schema';
import { ConfigError } from '../../errors';
import { discoverPlugins } from '../../plugin/discover';
import { planLoad } from '../../plugin/load-plan';
import type { BootedKernel, DoctorFinding } from '../../plugin/plugin-types';
import type { Distribution } from '../create-cli';
import { fileLogOnly, makeKernel } from '../create-cli';
import { configFindings } from './config-checks';
import { databaseFindings } from './database-checks';
import { folderFindings, vaultKeyFinding, type ServiceUser } from './file-checks';

/** Renders the findings as aligned lines, problems marked so they stand out in a terminal and a log. */
export function formatReport(header: string, findings: readonly DoctorFinding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length));
  const lines = findings.map((f) => `  ${f.ok ? 'ok     ' : 'PROBLEM'}  ${f.check.padEnd(width)}  ${f.detail}`);
  const problems = findings.filter((f) => !f.ok).length;
  const summary = problems ? `${problems} problem(s) found.` : 'No problems found.';
  return `${header}\n${lines.join('\n')}\n${summary}\n`;
}

function serviceUser(): ServiceUser {
  const uid = process.getuid?.() ?? -1;
  let name = String(uid);
  try {
    name = os.userInfo().username;
  } catch {
    // A uid without a passwd entry (a container): the number is the name.
  }
  return { uid, name };
}

/**
 * `tomo doctor`: checks an installation without changing it and prints a report; exit code 1
 * when anything is wrong. The kernel checks the config, the folders, the vault key and the
 * database; then, on a database that is sound and fully migrated, it starts without HTTP and
 * runs the plugins' checks (the servers plugin: each server's reachability and host key).
 */
export function addDoctorCommand(program: Command, dist: Distribution, getConfig: () => TomoConfig, configSource: () => string): void {
  program
    .command('doctor')
    .description('Check the configuration, folders, vault key, database and servers, and print a report (exit code 1 on a problem)')
    .action(async () => {
      const user = serviceUser();
      const header = `Tomo ${dist.version} doctor (Node.js ${process.version}, running as ${user.name})`;
      const findings: DoctorFinding[] = [];
      const done = () => {
        process.stdout.write(formatReport(header, findings));
        if (findings.some((f) => !f.ok)) process.exitCode = 1;
      };

      let config: TomoConfig;
      try {
        config = getConfig();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        findings.push({ check: 'config', ok: false, detail: err.message });
        return done();
      }
      const plan = planLoad([...discoverPlugins(dist.builtinPluginDirs, true), ...discoverPlugins(config.plugins.dirs, false)], config.plugins.disabled);
      findings.push(...configFindings(config, plan, configSource()));
      findings.push(...folderFindings(config, user, path.dirname(config.vault.keyFile)));
      findings.push(vaultKeyFinding(config.vault.keyFile, user));
      const database = await databaseFindings(config, makeKernel(dist, fileLogOnly(config)).plannedSchema());
      findings.push(...database.findings);

      const contributions = plan.plugins.filter((c) => c.definition.doctor);
      if (!contributions.length) return done();
      if (!database.usable || findings.some((f) => !f.ok)) {
        findings.push({ check: 'plugins', ok: false, detail: `not checked (${contributions.map((c) => c.definition.id).join(', ')}): fix the problems above first` });
        return done();
      }
      // Migrations are all applied (checked above), so starting the kernel writes nothing to the database.
      // Its log lines go to the file only, as for every one-shot command: stdout is the report.
      const kernel = makeKernel(dist, fileLogOnly(config));
      await kernel.start({ listen: false, runReady: false });
      try {
        const booted: BootedKernel = { resolve: (token) => kernel.resolve(token), logger: kernel.logger, stop: () => kernel.stop() };
        for (const c of contributions) findings.push(...(await c.definition.doctor!(booted)));
      } finally {
        await kernel.stop();
      }
      done();
    });
}
