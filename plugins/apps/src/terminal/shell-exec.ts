import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { AppError } from '@tomo/kernel';
import type { PtySize } from '@tomo/plugin-servers/api';
import type { ContainerShell } from './container-shell-types';

/** The shells tried, in order. */
const SHELLS = ['bash', 'sh'] as const;
/** What the engine says (into the attached stream, then exit 126/127) when the image lacks the program. */
const NOT_FOUND = /executable file not found|no such file or directory/i;
/** Without output for this long, an exec the engine calls running is taken to run. */
const QUIET_MS = 1500;
/** How long an exec may take to be seen running (or ended) after its start. */
const START_DEADLINE_MS = 10000;

export const NO_SHELL_MESSAGE = "This container's image has no shell (neither bash nor sh)";

interface ShellExecDeps {
  /** The engine client with its per-request timeout: create, inspect, resize. */
  docker: Docker;
  /** A client without that timeout: carries the attached stream for the shell's life. */
  attach: Docker;
  containerId: string;
  size: PtySize;
  /** Reads a file on the server (argv over SSH): how the shell's pid inside the container is found to end it. */
  readServerFile(path: string): Promise<string>;
}

/**
 * Starts `bash` in the container, else `sh`, as an exec with a tty, stdin attached. Which one the
 * image has is found by starting it (no probe command: an image may have no shell at all to run
 * one with): the engine reports a missing program as "executable file not found". Neither: a
 * 409 `no_shell`.
 */
export async function startShellExec(deps: ShellExecDeps): Promise<ContainerShell> {
  for (const shell of SHELLS) {
    const started = await tryShell(deps, shell);
    if (started) return started;
  }
  throw new AppError(409, 'no_shell', NO_SHELL_MESSAGE);
}

async function tryShell(deps: ShellExecDeps, shell: (typeof SHELLS)[number]): Promise<ContainerShell | null> {
  const exec = await deps.docker.getContainer(deps.containerId).exec({
    Cmd: [shell],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color'],
  });
  const stream = (await deps.attach.getExec(exec.id).start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  // What the exec prints before it is known to run: the engine's "not found", or the shell's prompt (kept for the terminal).
  const early: Buffer[] = [];
  let ended = false;
  const onData = (chunk: Buffer) => early.push(chunk);
  const onEnd = () => (ended = true);
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('close', onEnd);
  stream.on('error', () => undefined);
  const outcome = await startOutcome(deps.docker.getExec(exec.id), () => Buffer.concat(early).toString('utf8'), () => ended);
  stream.pause();
  stream.removeListener('data', onData);
  const printed = Buffer.concat(early);
  if (outcome === 'missing') {
    stream.destroy();
    return null;
  }
  if (printed.length) stream.unshift(printed);
  const execHandle = deps.docker.getExec(exec.id);
  await execHandle.resize({ h: deps.size.rows, w: deps.size.cols }).catch(() => undefined);
  return {
    stream,
    shell,
    resize: async (size) => {
      await execHandle.resize({ h: size.rows, w: size.cols });
    },
    close: () => void hangUp(deps, execHandle, shell).finally(() => stream.destroy()),
    exitCode: async () => {
      try {
        const info = await execHandle.inspect();
        return info.Running ? null : (info.ExitCode ?? null);
      } catch {
        return null;
      }
    },
  };
}

/**
 * Whether the started exec runs its program: the engine writes "executable file not found" into
 * the attached stream (and ends it, exit 126/127) when the image lacks it; a program that runs
 * prints something else first (a prompt), or stays running and quiet. Polled every 50 ms within
 * {@link START_DEADLINE_MS}.
 */
async function startOutcome(exec: Docker.Exec, printed: () => string, streamEnded: () => boolean): Promise<'running' | 'missing'> {
  const deadline = Date.now() + START_DEADLINE_MS;
  const quietUntil = Date.now() + QUIET_MS;
  for (;;) {
    const text = printed();
    if (NOT_FOUND.test(text)) return 'missing';
    if (text.length > 0) return 'running';
    const info = await exec.inspect();
    // The engine reports a failing exec as running for a moment before its "not found": trusted
    // only after a quiet while (a shell that prints no prompt).
    if (info.Running && Date.now() > quietUntil) return 'running';
    if (streamEnded() || Date.now() > deadline) return info.ExitCode === 126 || info.ExitCode === 127 || NOT_FOUND.test(printed()) ? 'missing' : 'running';
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Ends the shell in the container. The engine keeps an exec running when its attached stream goes
 * away (and a tty passes no end of input on), so the shell is sent SIGHUP, as a terminal's hang-up
 * does: its pid inside the container is read from the server's /proc (`NSpid` of the exec's pid),
 * and a second exec of the same shell runs `kill -HUP` with that pid in its environment (never in
 * the command text). Best effort: a failure leaves the shell to the container's life.
 */
async function hangUp(deps: ShellExecDeps, exec: Docker.Exec, shell: string): Promise<void> {
  try {
    const info = await exec.inspect();
    if (!info.Running || !info.Pid) return;
    const status = await deps.readServerFile(`/proc/${info.Pid}/status`);
    const inner = /^NSpid:\s+([\d\s]+)$/m.exec(status)?.[1].trim().split(/\s+/).pop();
    if (!inner || !/^\d+$/.test(inner)) return;
    const kill = await deps.docker.getContainer(deps.containerId).exec({ Cmd: [shell, '-c', 'kill -HUP "$HANGUP_PID"'], Env: [`HANGUP_PID=${inner}`] });
    await kill.start({ Detach: true });
  } catch {
    // The container or the server went away: nothing left to end.
  }
}
