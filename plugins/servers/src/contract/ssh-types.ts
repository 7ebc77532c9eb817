/** Plain data of SSH work: what a command gets and gives, where a stream goes. */
import type { Duplex } from 'node:stream';

/** Options of one command. */
export interface ExecOptions {
  /** Written to the command's standard input, then closed (how secrets reach a command: never argv). */
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Output kept per stream; the rest is dropped and `truncated` set. */
  maxOutputBytes?: number;
}

/** What a command did. */
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

/** Where a forwarded stream goes, as seen from the server. */
export type StreamDestination = { socketPath: string } | { host: string; port: number };

/** Options of a file upload over SFTP. */
export interface UploadOptions {
  /** Permission bits of the file (e.g. `0o600`), set before any byte is written; default `0o644`. */
  mode?: number;
}

/** Options of a file download over SFTP. */
export interface DownloadOptions {
  /** A larger file is refused (`file_too_large`) instead of filling Tomo's memory; default 16 MiB. */
  maxBytes?: number;
}

/** A server's public host key as the user compares it with `ssh-keygen -lf`. */
export interface HostKeyInfo {
  /** `SHA256:<base64 without padding>`, the OpenSSH format. */
  fingerprint: string;
  /** The key type from the key blob, e.g. `ssh-ed25519`. */
  algorithm: string;
}

/** The size of a terminal, in character cells. */
export interface PtySize {
  cols: number;
  rows: number;
}

/**
 * An interactive login shell on the server with a pty (`xterm-256color`): bytes in are keystrokes,
 * bytes out are what the terminal shows (stderr is merged by the pty). It holds one of the
 * connection's channel slots until it closes; `close` (or `destroy`) ends it on the server.
 */
export interface ShellChannel extends Duplex {
  /** Tells the pty its new size (the shell gets SIGWINCH). */
  setWindow(rows: number, cols: number, height: number, width: number): void;
  /** Closes the channel: the server ends the session (its sshd child exits). */
  close(): void;
  on(event: 'exit', listener: (code: number | null, signal?: string) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Duplex's own signature
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}
