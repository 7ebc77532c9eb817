/**
 * The backup form's rules, checked in the browser for quick feedback. The server checks the
 * password again (src/routes/backup.routes.ts) and has the last word.
 */
import { checkPassword, checkPasswordRepeat, checkRequired } from '@tomo/ui-shell/kit';

/** Export: a password of at least 12 characters, typed twice the same. */
export function checkExportForm(form: { password: string; repeat: string }): { password?: string; repeat?: string } {
  return { password: checkPassword(form.password), repeat: checkPasswordRepeat(form.password, form.repeat) };
}

/** Import: a file and its password (any length: an old backup may have a shorter one). */
export function checkImportForm(form: { file: File | null; password: string }): { file?: string; password?: string } {
  return { file: form.file ? undefined : 'Choose a backup file', password: checkRequired(form.password, "the backup's password") };
}

/** The server's field messages are lower-case fragments ("must be at least 12 characters"). */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
