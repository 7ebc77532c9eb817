import type { SFTPWrapper } from 'ssh2';
import { SshError } from './ssh-errors';

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that mean something to a user. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** The default largest download, so a wrong path (a log, an image) cannot fill Tomo's memory. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 16 * 1024 * 1024;

/** An SFTP error as an SSH failure naming the path (the path is not a secret; the server's words are not copied). */
function fileError(err: unknown, remotePath: string): SshError {
  const code = (err as { code?: unknown }).code;
  if (code === NO_SUCH_FILE) return new SshError('file_not_found', remotePath);
  if (code === PERMISSION_DENIED) return new SshError('file_refused', `permission denied: ${remotePath}`);
  return new SshError('file_refused', remotePath);
}

/** ssh2's callback style as a promise, with its error mapped to {@link fileError}. */
function call<T>(remotePath: string, start: (done: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, value) => (err ? reject(fileError(err, remotePath)) : resolve(value))));
}

/**
 * Writes a whole file: opened (created or truncated) with `mode`, which is then set explicitly
 * (the server's umask would narrow it, and an existing file keeps its old mode otherwise), and
 * only then filled, so a secret is never readable under a wider mode.
 */
export async function uploadFile(sftp: SFTPWrapper, remotePath: string, data: Buffer, mode: number): Promise<void> {
  const handle = await call<Buffer>(remotePath, (done) => sftp.open(remotePath, 'w', { mode }, done));
  try {
    await call<void>(remotePath, (done) => sftp.fchmod(handle, mode, (err) => done(err, undefined)));
    if (data.length > 0) await call<void>(remotePath, (done) => sftp.write(handle, data, 0, data.length, 0, (err) => done(err, undefined)));
  } finally {
    await call<void>(remotePath, (done) => sftp.close(handle, (err) => done(err, undefined))).catch(() => undefined);
  }
}

/** Reads a whole file, refusing one larger than `maxBytes` before reading it. */
export async function downloadFile(sftp: SFTPWrapper, remotePath: string, maxBytes: number): Promise<Buffer> {
  const stats = await call<{ size: number; isFile(): boolean }>(remotePath, (done) => sftp.stat(remotePath, done));
  if (!stats.isFile()) throw new SshError('file_refused', `not a regular file: ${remotePath}`);
  if (stats.size > maxBytes) throw new SshError('file_too_large', `${remotePath} has ${stats.size} bytes, at most ${maxBytes} are read`);
  return call<Buffer>(remotePath, (done) => sftp.readFile(remotePath, (err, data) => done(err, data)));
}
