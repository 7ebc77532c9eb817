import type { Duplex } from 'node:stream';
import type { Principal } from '@tomo/kernel';
import type { PublicServer } from '../schemas';
import type { DownloadOptions, ExecOptions, ExecResult, PtySize, ShellChannel, StreamDestination, UploadOptions } from './ssh-types';

/**
 * On whose behalf a handle works: a user whose access was checked when the handle was made, or
 * Tomo itself (the monitoring poller and other background work). The system is nobody: it has no
 * principal, so nothing it does can be mistaken for an admin's action.
 */
export type ServerActor = { kind: 'user'; principal: Principal } | { kind: 'system' };

/** What a background check found about a server (see {@link ServerHandle.reportReachability}). */
export type ReachabilityOutcome = { ok: true } | { ok: false; error: unknown };

/**
 * One operation's access to one server. Holding a handle is the proof of access: ownership was
 * checked once when it was made (`forCaller`), or it is the system's (`forSystem`). The server's
 * credentials are decrypted when the first SSH call needs them, at most once, and re-used for
 * the handle's life; take a handle per operation (an install, a preparation run, a poll) and
 * pass it down instead of the server's id.
 */
export interface ServerHandle {
  /** The server as it was when the handle was made (never the credentials). */
  readonly info: PublicServer;
  readonly actor: ServerActor;
  /**
   * Runs `argv` on the server (each argument quoted: nothing is interpreted by the remote shell).
   * A non-zero exit is a result, not an error; SSH failures and deadlines throw an SSH failure
   * (`isSshError`).
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * A byte stream to a Unix socket or TCP address on the server, through its pooled SSH
   * connection (apps speak the Docker Engine API and probe app ports this way). Close it when
   * done: it holds a channel slot.
   */
  openStream(destination: StreamDestination): Promise<Duplex>;
  /**
   * An interactive login shell of the SSH user with a pty of `size` (the browser terminal): as
   * powerful as the SSH login itself, so only for a caller's own handle (`forCaller`). The
   * channel holds a slot of the pooled connection until it closes.
   */
  openShell(size: PtySize): Promise<ShellChannel>;
  /** Writes `data` to `remotePath` over SFTP (the path is data, never a shell word), with `mode` set before any byte. */
  upload(remotePath: string, data: string | Buffer, options?: UploadOptions): Promise<void>;
  /** Reads `remotePath` over SFTP; a missing file is the SSH failure `file_not_found`. */
  download(remotePath: string, options?: DownloadOptions): Promise<Buffer>;
  /**
   * The SSH login password, or null for key logins. Only for feeding `sudo -S` on stdin
   * (preparation); never log, store or return it.
   */
  loginPassword(): Promise<string | null>;
  /** Closes the server's pooled connection, so the next command logs in afresh (e.g. after a group change). */
  reconnect(): void;
  /**
   * Records what a background check found on the server's record (online, offline, or error for
   * a refused login), writing and announcing `serverStatusChanged` only on a change.
   */
  reportReachability(outcome: ReachabilityOutcome): Promise<void>;
}
