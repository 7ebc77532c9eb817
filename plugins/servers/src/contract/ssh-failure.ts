/**
 * How an SSH failure looks to other plugins: a code and a sentence, no class to import. The
 * servers plugin raises these as HTTP 502 errors (the fault is between Tomo and the server).
 */

/** Every reason an SSH operation can fail, in the order the messages are listed. */
export const SSH_ERROR_CODES = [
  'auth_failed',
  'connection_refused',
  'host_unreachable',
  'host_not_found',
  'timed_out',
  'host_key_changed',
  'connection_lost',
  'command_timed_out',
  'key_invalid',
  'forward_refused',
  'file_not_found',
  'file_refused',
  'file_too_large',
  'ssh_failed',
] as const;

/** Why an SSH operation failed. */
export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

/** An SSH failure as thrown by the servers plugin: HTTP 502 with one of {@link SshErrorCode}. */
export interface SshFailure extends Error {
  readonly status: 502;
  readonly code: SshErrorCode;
}

const CODES: ReadonlySet<string> = new Set(SSH_ERROR_CODES);

/** True for an error the servers plugin raised about SSH (so callers need not import a class). */
export function isSshError(err: unknown): err is SshFailure {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<SshFailure> & { sshCode?: unknown };
  return e.status === 502 && typeof e.code === 'string' && CODES.has(e.code) && e.sshCode === e.code;
}
