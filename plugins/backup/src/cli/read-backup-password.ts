import fs from 'node:fs';
import { promptHidden } from '@tomo/kernel';

/** The environment variable automation sets instead of a prompt (never an argument: `ps` shows those). */
export const PASSWORD_ENV = 'TOMO_BACKUP_PASSWORD';

/**
 * The backup password, from `--password-file`, then `$TOMO_BACKUP_PASSWORD`, then a prompt
 * (twice when it protects a new backup). Never from an argument.
 */
export async function readBackupPassword(opts: { passwordFile?: string; confirm: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (opts.passwordFile) {
    let text: string;
    try {
      text = fs.readFileSync(opts.passwordFile, 'utf8');
    } catch (err) {
      throw new Error(`--password-file: cannot read ${opts.passwordFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new Error(`No terminal to ask for the backup password: use --password-file <file> or set ${PASSWORD_ENV}`);
  const first = await promptHidden('Backup password: ');
  if (opts.confirm && (await promptHidden('Backup password again: ')) !== first) throw new Error('The two passwords differ');
  return first;
}
