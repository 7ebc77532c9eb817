/**
 * One terminal's life in the console, without any rendering: create it (`POST /api/terminals`),
 * attach its socket with the screen's size, pass keystrokes and output as binary frames and the
 * control messages as JSON, follow the screen's size, re-attach after a dropped connection within
 * the server's grace period, and close it (`DELETE`) when the console is done with it.
 *
 * The screen and the socket are given, so tests drive it with fakes and the real console with
 * xterm.js and the browser's WebSocket.
 */
import { isApiError } from '@tomo/ui-shell/kit';
import { terminalsApi, terminalSocketUrl, type TerminalRecord, type TerminalTarget } from './terminal-api';

/** Where a terminal is in its life. */
export type TerminalState = 'starting' | 'connecting' | 'open' | 'reconnecting' | 'ended';

/** What the console shows about a terminal beside its screen. */
export interface TerminalStatus {
  state: TerminalState;
  /** The shell the server started (`bash`, `sh`, a login shell), once open. */
  shell?: string;
  /** Why it ended, or the error the server reported, in a sentence. */
  message?: string;
  /** The server's code for an error (`terminal_limit`, `no_shell`, …), when there was one. */
  code?: string;
  terminal?: TerminalRecord;
}

/** Where the output goes and where the size comes from. */
export interface TerminalScreen {
  /** Bytes the shell printed. */
  write(data: Uint8Array): void;
  /** A line of the console's own (connection notices, errors), set apart from the shell's output. */
  notice(text: string, tone: 'info' | 'error'): void;
  size(): { cols: number; rows: number };
}

/** The part of the browser's WebSocket the connection uses. */
export interface TerminalSocket {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export interface TerminalConnectionOptions {
  target: TerminalTarget;
  screen: TerminalScreen;
  onStatus?: (status: TerminalStatus) => void;
  /** Opens the socket; the browser's WebSocket unless a test gives another. */
  openSocket?: (url: string) => TerminalSocket;
  api?: Pick<typeof terminalsApi, 'create' | 'close'>;
  /** How long after a drop re-attaching is tried: the server keeps the shell this long (`terminal.reconnectGraceSeconds`). */
  graceMs?: number;
  /** Waits between re-attach attempts; the last one repeats. */
  retryDelaysMs?: readonly number[];
}

const OPEN = 1;
/** Close codes of the contract whose ending is final: no re-attach. */
const FINAL_CLOSES: Record<number, string> = {
  1000: 'The terminal was closed.',
  4408: 'The terminal was closed after being idle too long.',
  4409: 'This terminal was opened in another window or tab.',
  1011: 'The terminal failed on the server.',
};

interface ControlMessage {
  type?: string;
  shell?: string;
  resumed?: boolean;
  code?: number | string | null;
  reason?: string;
  message?: string;
}

export class TerminalConnection {
  private status: TerminalStatus = { state: 'starting' };
  private socket: TerminalSocket | null = null;
  private disposed = false;
  /** Set once the server said the socket is attached: before that a failed socket is a refusal, not a drop. */
  private everReady = false;
  /** A final word from the server (exit or error) that the close following it must keep. */
  private finalWord: { message: string; code?: string } | null = null;
  private droppedAt = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly encoder = new TextEncoder();
  private readonly graceMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly api: Pick<typeof terminalsApi, 'create' | 'close'>;
  private readonly openSocket: (url: string) => TerminalSocket;

  constructor(private readonly options: TerminalConnectionOptions) {
    this.graceMs = options.graceMs ?? 30_000;
    this.retryDelaysMs = options.retryDelaysMs ?? [250, 500, 1000, 2000, 4000];
    this.api = options.api ?? terminalsApi;
    this.openSocket = options.openSocket ?? ((url) => new WebSocket(url));
  }

  get current(): TerminalStatus {
    return this.status;
  }

  /** Creates the terminal on the server and attaches to it. */
  async start(): Promise<void> {
    let terminal: TerminalRecord;
    try {
      terminal = await this.api.create(this.options.target);
    } catch (err) {
      if (this.disposed) return;
      const message = isApiError(err) ? err.message : 'The terminal could not be opened.';
      this.options.screen.notice(message, 'error');
      this.update({ state: 'ended', message, ...(isApiError(err) ? { code: err.code } : {}) });
      return;
    }
    if (this.disposed) {
      // The console let go while the terminal was being created: close it rather than let it expire.
      void this.api.close(terminal.id).catch(() => undefined);
      return;
    }
    this.update({ state: 'connecting', terminal });
    this.attach();
  }

  /** Keystrokes or pasted text, sent only while attached (typing during a drop is not replayed later). */
  input(data: string | Uint8Array<ArrayBuffer>): void {
    if (this.status.state !== 'open' || this.socket?.readyState !== OPEN) return;
    this.socket.send(typeof data === 'string' ? this.encoder.encode(data) : data);
  }

  /** The screen's new size in character cells. */
  resize(cols: number, rows: number): void {
    if (this.status.state !== 'open' || this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /**
   * Closes the shell: the socket, then `DELETE` so the server ends it at once. `unloading` when the
   * page goes away (closed, reloaded): the request is sent with keepalive so it still leaves, and the
   * shell does not wait out the grace period holding one of the user's terminals.
   */
  dispose(unloading = false): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) this.detach(socket);
    const id = this.status.terminal?.id;
    if (id && this.status.state !== 'ended') void this.api.close(id, unloading).catch(() => undefined);
  }

  private attach(): void {
    const terminal = this.status.terminal;
    if (!terminal || this.disposed) return;
    const { cols, rows } = this.options.screen.size();
    const socket = this.openSocket(terminalSocketUrl(terminal.socketPath, cols, rows));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (event) => {
      if (socket === this.socket) this.onMessage(event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.onClose(event.code);
    };
  }

  private detach(socket: TerminalSocket): void {
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (socket.readyState <= OPEN) socket.close(1000);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') {
      // Binary frames arrive as ArrayBuffers (binaryType); checked by shape, not by the realm's class.
      if (data && typeof (data as ArrayBuffer).byteLength === 'number') this.options.screen.write(new Uint8Array(data as ArrayBuffer));
      return;
    }
    let message: ControlMessage;
    try {
      message = JSON.parse(data) as ControlMessage;
    } catch {
      return;
    }
    if (message.type === 'ready') {
      const resumed = this.everReady;
      this.everReady = true;
      this.attempt = 0;
      if (resumed) this.options.screen.notice('Reconnected.', 'info');
      this.update({ ...this.status, state: 'open', shell: message.shell, message: undefined });
      // The window may have changed size while the socket was down.
      const { cols, rows } = this.options.screen.size();
      this.resize(cols, rows);
    } else if (message.type === 'exit') {
      const code = typeof message.code === 'number' ? ` with code ${message.code}` : '';
      this.finalWord = { message: `The shell ended${code}.` };
      this.options.screen.notice(this.finalWord.message, 'info');
    } else if (message.type === 'error') {
      this.finalWord = { message: message.message || 'The terminal failed.', code: typeof message.code === 'string' ? message.code : undefined };
      this.options.screen.notice(this.finalWord.message, 'error');
    }
  }

  private onClose(code: number): void {
    this.socket = null;
    if (this.disposed) return;
    const final = this.finalWord ?? (FINAL_CLOSES[code] ? { message: FINAL_CLOSES[code] } : null);
    if (final) {
      if (!this.finalWord) this.options.screen.notice(final.message, code === 1011 ? 'error' : 'info');
      this.update({ ...this.status, state: 'ended', message: final.message, code: final.code });
      return;
    }
    if (!this.everReady) {
      const message = 'The terminal could not be connected.';
      this.options.screen.notice(message, 'error');
      this.update({ ...this.status, state: 'ended', message });
      return;
    }
    if (this.status.state !== 'reconnecting') {
      this.droppedAt = Date.now();
      this.attempt = 0;
      this.options.screen.notice('Connection lost. Reconnecting…', 'info');
      this.update({ ...this.status, state: 'reconnecting', message: undefined });
    }
    this.retry();
  }

  private retry(): void {
    const delay = this.retryDelaysMs[Math.min(this.attempt, this.retryDelaysMs.length - 1)];
    this.attempt += 1;
    if (Date.now() + delay - this.droppedAt > this.graceMs) {
      const message = 'The connection could not be restored; the shell was closed.';
      this.options.screen.notice(message, 'error');
      this.update({ ...this.status, state: 'ended', message });
      return;
    }
    this.retryTimer = setTimeout(() => this.attach(), delay);
  }

  private update(status: TerminalStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }
}
