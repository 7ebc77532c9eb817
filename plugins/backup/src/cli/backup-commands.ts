import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError, type BootedKernel, type CallContext, type CliContribution } from '@tomo/kernel';
import { BackupTokens, type OnConflict } from '../api';
import { formatSummary } from './format-summary';
import { PASSWORD_ENV, readBackupPassword } from './read-backup-password';

const PASSWORD_HELP = `read the password from this file (else $${PASSWORD_ENV}, else a prompt; never an argument)`;

/** Progress on stderr: a line redrawn in place on a terminal, a line per 10% otherwise. */
function progressPrinter(verb: string): { update(done: number, total: number): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total) {
      if (total <= 0) return;
      const pct = Math.min(100, Math.floor((done / total) * 100));
      if (tty) {
        process.stderr.write(`\r${verb}: ${done}/${total} rows (${pct}%)`);
        drawn = true;
      } else if (Math.floor(pct / 10) > lastTenth && total >= 10000) {
        lastTenth = Math.floor(pct / 10);
        process.stderr.write(`${verb}: ${done}/${total} rows (${pct}%)\n`);
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

function fail(command: string, err: unknown): void {
  process.stderr.write(`tomo ${command}: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}

/** The command line as a door: the operator at the machine (root or the service account). */
const cliCall = (kernel: BootedKernel): CallContext => ({ transport: 'cli', clientIp: 'local', requestId: randomUUID(), log: kernel.logger });

/** The file's message without Node's `open '<path>'` tail: the path is said once, by us. */
const outputError = (err: Error, file: string) => new Error(`--output: cannot write ${file}: ${err.message.replace(/, open '.*$/s, '')}`);

/** Says which tables no plugin declares for backups, and what became of them in this one. */
export function undeclaredNote(tables: readonly string[], includeHistory: boolean): string {
  return includeHistory
    ? `Note: no plugin declares ${tables.join(', ')} for backups; carried row for row, without matching rules.\n`
    : `Note: no plugin declares ${tables.join(', ')} for backups; not in this backup (--include-history carries them row for row).\n`;
}

/** `tomo export --output <file>` and `tomo import <file>`. */

export const backupCli: CliContribution = (program, boot) => {
  program
    .command('export')
    .description('Write an encrypted backup of this Tomo (users, servers with credentials, apps, catalogs) to a file')
    .requiredOption('--output <file>', 'the backup file to write (age format, password-protected)')
    .option('--include-history', 'also carry the activity log and metrics history')
    .option('--password-file <file>', PASSWORD_HELP)
    .option('--force', 'replace the output file if it exists')
    .action(async (opts: { output: string; includeHistory?: boolean; passwordFile?: string; force?: boolean }) => {
      let kernel: BootedKernel | undefined;
      const output = path.resolve(opts.output);
      const partial = `${output}.partial`;
      let fd: number | undefined;
      let created = false;
      try {
        if (fs.existsSync(output) && !opts.force) throw new Error(`--output: ${output} exists (use --force to replace it)`);
        // Opened first, so an output that cannot be written (no such folder, name too long, no
        // permission) is one clear line before the password is even asked for.
        try {
          fd = fs.openSync(partial, 'w', 0o600);
          created = true;
        } catch (err) {
          throw outputError(err as Error, output);
        }
        const password = await readBackupPassword({ passwordFile: opts.passwordFile, confirm: true });
        kernel = await boot();
        const started = Date.now();
        const progress = progressPrinter('Exporting');
        // Written next to the target and renamed at the end: a failed export leaves no half file.
        const file = fs.createWriteStream('', { fd });
        fd = undefined; // the stream closes it
        const result = await kernel.resolve(BackupTokens.BackupService).export(file, {
          password,
          includeHistory: Boolean(opts.includeHistory),
          onProgress: (p) => progress.update(p.done, p.total),
          call: cliCall(kernel),
        });
        progress.end();
        fs.renameSync(partial, output);
        const counts = Object.entries(result.counts).map(([k, v]) => `${v} ${k}`).join(', ');
        process.stdout.write(`Exported ${counts} to ${output} (${(result.bytes / 1048576).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        if (result.undeclared.length) process.stdout.write(undeclaredNote(result.undeclared, Boolean(opts.includeHistory)));
      } catch (err) {
        if (fd !== undefined) fs.closeSync(fd);
        if (created) fs.rmSync(partial, { force: true });
        fail('export', err);
      } finally {
        await kernel?.stop();
      }
    });

  program
    .command('import')
    .description('Import a backup made by `tomo export`: everything is checked before anything is written, then applied at once')
    .argument('<file>', 'the backup file')
    .option('--on-conflict <mode>', 'a user, server or app this Tomo already has: keep it (skip) or replace it (overwrite)', 'skip')
    .option('--dry-run', 'check the backup and show what would change; write nothing')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (file: string, opts: { onConflict: OnConflict; dryRun?: boolean; passwordFile?: string }) => {
      let kernel: BootedKernel | undefined;
      try {
        if (opts.onConflict !== 'skip' && opts.onConflict !== 'overwrite') throw new Error(`--on-conflict: must be skip or overwrite, not "${String(opts.onConflict)}"`);
        const input = path.resolve(file);
        if (!fs.statSync(input, { throwIfNoEntry: false })?.isFile()) throw new Error(`<file>: ${input} is not a file`);
        const password = await readBackupPassword({ passwordFile: opts.passwordFile, confirm: false });
        kernel = await boot();
        const progress = progressPrinter('Importing');
        const summary = await kernel.resolve(BackupTokens.BackupService).import(() => fs.createReadStream(input), {
          password,
          onConflict: opts.onConflict,
          apply: !opts.dryRun,
          onProgress: (p) => (p.phase === 'applying' ? progress.update(p.done, p.total) : undefined),
          call: cliCall(kernel),
        });
        progress.end();
        process.stdout.write(formatSummary(summary));
      } catch (err) {
        fail('import', err);
      } finally {
        await kernel?.stop();
      }
    });
};
