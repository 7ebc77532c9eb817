import type { Duplex } from 'node:stream';
import { AppError } from '@tomo/kernel';
import { isSshError, type PtySize, type ServerHandle } from '@tomo/plugin-servers/api';
import type { ContainerShellTarget } from '@tomo/plugin-apps/api';

/** A running shell, whatever it runs in: raw terminal bytes both ways, a size, an end. */
export interface ShellBackend {
  stream: Duplex;
  /** What the `ready` frame names: `bash`, `sh`, or the login shell's name. */
  shell: string;
  resize(size: PtySize): void;
  /** Ends the shell and frees its SSH channel. */
  close(): void;
  /** The shell's exit code once its stream ended (null when unknown). */
  exitCode(): Promise<number | null>;
}

/** Starts the shell of a terminal when its socket first attaches. */
export type ShellOpener = (size: PtySize) => Promise<ShellBackend>;

/** A terminal refused while starting, said in the `error` frame: a code and a sentence. */
export interface ShellStartError {
  code: string;
  message: string;
}

/** The login shell of the server's SSH user as a name (`bash`), from `$SHELL`; `shell` when it does not say. */
export function loginShellName(printed: string): string {
  const path = printed.trim();
  return path ? (path.split('/').pop() ?? 'shell') : 'shell';
}

/** The login shell on a server: an ssh2 shell channel with a pty, on the server's pooled connection. */
export function serverShell(handle: ServerHandle, loginShell: string): ShellOpener {
  return async (size) => {
    const channel = await handle.openShell(size);
    let exit: number | null = null;
    channel.on('exit', (code: number | null) => (exit = typeof code === 'number' ? code : null));
    return {
      stream: channel,
      shell: loginShell,
      resize: ({ cols, rows }) => channel.setWindow(rows, cols, 0, 0),
      close: () => {
        channel.close();
        channel.destroy();
      },
      exitCode: async () => exit,
    };
  };
}

/** A shell in a container: a Docker exec with a tty (bash, else sh) over the same SSH connection. */
export function containerShell(target: ContainerShellTarget): ShellOpener {
  return async (size) => {
    const shell = await target.open(size);
    return {
      stream: shell.stream,
      shell: shell.shell,
      resize: (next) => void shell.resize(next).catch(() => undefined),
      close: () => shell.close(),
      exitCode: () => shell.exitCode(),
    };
  };
}

/** What a failed start says in the `error` frame (never a credential: SSH and engine errors are already worded for users). */
export function startError(err: unknown): ShellStartError {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  if (isSshError(err)) return { code: 'ssh_failed', message: (err as Error).message };
  return { code: 'start_failed', message: 'The shell could not be started' };
}
