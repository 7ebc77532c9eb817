import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { PtySize } from '@tomo/plugin-servers/api';
import { OutputBuffer } from './output-buffer';
import { startError, type ShellBackend, type ShellOpener } from './shell-backend';
import { parseControl } from './control-messages';

/** How a terminal ended, as the activity entry says it. */
export type CloseReason = 'user' | 'idle' | 'exit' | 'grace expired' | 'never attached' | 'error' | 'shutdown';

/** Close codes of the contract. */
export const CLOSE = { normal: 1000, goingAway: 1001, internal: 1011, idle: 4408, replaced: 4409 } as const;

/** Output kept while detached, replayed on reconnect. */
const REPLAY_BYTES = 64 * 1024;
/** The shell is paused while this much output waits in the socket, resumed below {@link LOW_WATER}. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/** Timings of one terminal (from the config). */
export interface SessionTimings {
  idleMs: number;
  graceMs: number;
  /** A terminal whose socket never attached within this is dropped. */
  attachMs: number;
}

/** What a session tells its owner: it started (for the activity log), it ended. */
export interface SessionEvents {
  opened(): void;
  closed(reason: CloseReason): void;
}

/**
 * One terminal: its shell (started when the first socket attaches), the socket attached now (the
 * last one wins: an older one is closed 4409), the reconnect grace with the output kept
 * meanwhile, the idle timeout, and back-pressure both ways. Bytes only pass through: nothing
 * typed or printed is logged or kept beyond the replay buffer.
 */
export class TerminalSession {
  private backend: ShellBackend | undefined;
  private starting: Promise<ShellBackend | undefined> | undefined;
  private socket: WebSocket | undefined;
  private readonly replay = new OutputBuffer(REPLAY_BYTES);
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private attachTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private outputPaused = false;

  constructor(
    private readonly open: ShellOpener,
    private readonly timings: SessionTimings,
    private readonly events: SessionEvents,
    private readonly log: Logger,
  ) {
    this.attachTimer = setTimeout(() => this.close('never attached'), timings.attachMs);
    this.attachTimer.unref();
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Whether a socket is attached now. */
  get attached(): boolean {
    return this.socket !== undefined;
  }

  /** Takes `socket` (starting the shell on the first attach, re-attaching later ones). */
  attach(socket: WebSocket, size: PtySize, terminalId: string): void {
    if (this.ended) {
      socket.close(CLOSE.normal, 'terminal closed');
      return;
    }
    clearTimeout(this.attachTimer);
    clearTimeout(this.graceTimer);
    const previous = this.socket;
    this.socket = socket;
    if (previous) {
      previous.removeAllListeners('close');
      previous.removeAllListeners('message');
      previous.close(CLOSE.replaced, 'another socket attached to this terminal');
    }
    socket.on('error', () => undefined);
    socket.on('close', () => this.detached(socket));
    socket.on('message', (data, isBinary) => this.fromSocket(socket, data as Buffer, isBinary));
    const resumed = this.backend !== undefined || this.starting !== undefined;
    void this.ensureStarted(size).then((backend) => {
      if (!backend || this.socket !== socket) return;
      if (resumed) backend.resize(size);
      socket.send(JSON.stringify({ type: 'ready', terminalId, shell: backend.shell, resumed }));
      const kept = this.replay.take();
      if (kept.length) this.send(kept);
      this.resumeOutput();
      this.touch();
    });
  }

  private ensureStarted(size: PtySize): Promise<ShellBackend | undefined> {
    this.starting ??= this.open(size).then(
      (backend) => {
        if (this.ended) {
          backend.close();
          return undefined;
        }
        this.backend = backend;
        this.wire(backend);
        this.events.opened();
        return backend;
      },
      (err: unknown) => {
        const { code, message } = startError(err);
        this.log.warn({ code }, 'A terminal could not start its shell');
        this.socket?.send(JSON.stringify({ type: 'error', code, message }));
        this.close('error', CLOSE.normal);
        return undefined;
      },
    );
    return this.starting;
  }

  private wire(backend: ShellBackend): void {
    const { stream } = backend;
    // Until a socket is ready for it, output waits in the stream (paused) rather than the replay.
    stream.pause();
    stream.on('data', (chunk: Buffer) => {
      this.touch();
      if (this.socket) this.send(chunk);
      else this.replay.push(chunk);
    });
    stream.on('error', () => undefined);
    stream.once('close', () => void this.shellEnded(backend));
  }

  /** Output to the socket; the shell is paused while the socket is behind by more than {@link HIGH_WATER}. */
  private send(chunk: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== socket.OPEN) {
      this.replay.push(chunk);
      return;
    }
    socket.send(chunk, { binary: true }, () => {
      if (this.outputPaused && socket.bufferedAmount < LOW_WATER) this.resumeOutput();
    });
    if (socket.bufferedAmount > HIGH_WATER && this.backend) {
      this.outputPaused = true;
      this.backend.stream.pause();
    }
  }

  private resumeOutput(): void {
    this.outputPaused = false;
    this.backend?.stream.resume();
  }

  /** Keystrokes (binary) to the shell, stopping the socket while the shell's input is full; JSON control messages. */
  private fromSocket(socket: WebSocket, data: Buffer, isBinary: boolean): void {
    if (socket !== this.socket) return;
    const backend = this.backend;
    if (isBinary) {
      if (!backend) return;
      this.touch();
      if (!backend.stream.write(data)) {
        socket.pause();
        backend.stream.once('drain', () => socket.resume());
      }
      return;
    }
    const control = parseControl(data.toString('utf8'));
    if ('error' in control) {
      socket.send(JSON.stringify({ type: 'error', code: 'invalid_message', message: control.error }));
      return;
    }
    backend?.resize({ cols: control.cols, rows: control.rows });
  }

  /** The socket dropped without a DELETE: the shell stays for the grace period, its output kept. */
  private detached(socket: WebSocket): void {
    if (socket !== this.socket || this.ended) return;
    this.socket = undefined;
    // Output goes to the replay buffer now, never blocked by a socket that is gone.
    this.resumeOutput();
    this.graceTimer = setTimeout(() => this.close('grace expired'), this.timings.graceMs);
    this.graceTimer.unref();
  }

  private async shellEnded(backend: ShellBackend): Promise<void> {
    if (this.ended) return;
    const code = await backend.exitCode();
    this.socket?.send(JSON.stringify({ type: 'exit', code, reason: 'The shell ended' }));
    this.close('exit', CLOSE.normal);
  }

  /** Restarts the idle timeout: a keystroke or output. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close('idle', CLOSE.idle), this.timings.idleMs);
    this.idleTimer.unref();
  }

  /** Ends the terminal: the shell and its channel, the socket (with `code`), the timers. Once. */
  close(reason: CloseReason, code: number = CLOSE.normal): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
    clearTimeout(this.attachTimer);
    this.backend?.close();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners('message');
      socket.close(code, reason === 'idle' ? 'idle timeout' : reason);
    }
    this.events.closed(reason);
  }
}
