import { AppError } from '@tomo/kernel';

/** Why a backup was refused. Each has its own code so scripts (and tests) can tell them apart. */
export type BackupErrorCode = 'wrong_password' | 'damaged' | 'not_a_backup' | 'newer_version' | 'invalid_content' | 'busy';

/** A backup could not be read, or made. The message says what to do and never holds a secret. */
export class BackupError extends AppError {
  constructor(
    readonly reason: BackupErrorCode,
    message: string,
    field?: string,
  ) {
    super(reason === 'busy' ? 409 : 400, `backup_${reason}`, message, field);
    this.name = 'BackupError';
  }
}
