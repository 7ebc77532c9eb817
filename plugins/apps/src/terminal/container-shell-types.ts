import type { Duplex } from 'node:stream';
import type { PtySize } from '@tomo/plugin-servers/api';

/** A shell running in a container (a Docker exec with a tty): raw terminal bytes both ways. */
export interface ContainerShell {
  /** Keystrokes in, what the terminal shows out (a tty merges stderr). */
  stream: Duplex;
  /** Which shell the image had. */
  shell: 'bash' | 'sh';
  /** Tells the exec's tty its new size. */
  resize(size: PtySize): Promise<void>;
  /** Ends the shell: closes its stdin and the attached stream (and so its SSH channel). */
  close(): void;
  /** The shell's exit code once the stream ended (null when the engine cannot say). */
  exitCode(): Promise<number | null>;
}

/** The container a shell would run in, access and state already checked (see `AppsApi.containerShell`). */
export interface ContainerShellTarget {
  installationId: string;
  serverId: string;
  /** The installation's owner (for the activity entry). */
  ownerId: string;
  appName: string;
  service: string;
  containerId: string;
  /**
   * Starts the shell: `bash` when the image has it, else `sh`; an image with neither is an
   * AppError 409 `no_shell`.
   */
  open(size: PtySize): Promise<ContainerShell>;
}
