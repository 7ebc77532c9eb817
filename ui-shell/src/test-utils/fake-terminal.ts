/**
 * Fakes for terminal tests in jsdom, which has neither a real WebSocket server nor the canvas
 * xterm.js measures with: a socket the test drives (`FakeTerminalSocket`, installed as the global
 * `WebSocket`), and a screen that records what it was given (`FakeScreen`, given to the component
 * by mocking the kit's `terminal/load-screen` with `fakeLoadScreen`).
 */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import type { TerminalScreen, TerminalSocket } from '../kit/terminal/terminal-connection';
import type { MountedScreen } from '../kit/terminal/load-screen';

const g = globalThis as unknown as Record<string, unknown>;
if (typeof g.TextDecoder === 'undefined') g.TextDecoder = NodeTextDecoder;
if (typeof g.TextEncoder === 'undefined') g.TextEncoder = NodeTextEncoder;

/** A socket whose far end is the test: `open`, `serverSends`, `drop`; what the client sent is in `sent`. */
export class FakeTerminalSocket implements TerminalSocket {
  static all: FakeTerminalSocket[] = [];
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly sent: Array<string | Uint8Array> = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {
    FakeTerminalSocket.all.push(this);
  }

  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server accepted the upgrade and the shell is ready. */
  open(shell = 'bash', resumed = false): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
    this.json({ type: 'ready', terminalId: 't', shell, resumed });
  }

  json(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  output(text: string): void {
    const bytes = new TextEncoder().encode(text);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } as MessageEvent);
  }

  /** The connection ends from the server's side (or the network) with `code`. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }

  /** What the client sent as binary frames, decoded; and its control messages. */
  get typed(): string {
    return this.sent.filter((d): d is Uint8Array => typeof d !== 'string').map((d) => new TextDecoder().decode(d)).join('');
  }

  get controls(): unknown[] {
    return this.sent.filter((d): d is string => typeof d === 'string').map((d) => JSON.parse(d));
  }

  get path(): string {
    return new URL(this.url).pathname;
  }

  get query(): Record<string, string> {
    return Object.fromEntries(new URL(this.url).searchParams);
  }
}

/** Replaces the global WebSocket with {@link FakeTerminalSocket} and forgets earlier sockets. */
export function installFakeWebSocket(): typeof FakeTerminalSocket.all {
  FakeTerminalSocket.all = [];
  (globalThis as { WebSocket: unknown }).WebSocket = FakeTerminalSocket;
  return FakeTerminalSocket.all;
}

/** A screen that keeps what it was given; `type` and `resizeTo` act as the user would. */
export class FakeScreen implements TerminalScreen, MountedScreen {
  static all: FakeScreen[] = [];
  written = '';
  notices: Array<{ text: string; tone: 'info' | 'error' }> = [];
  cols = 80;
  rows = 24;
  focused = 0;
  disposed = false;
  private inputListener: ((data: string | Uint8Array<ArrayBuffer>) => void) | null = null;
  private resizeListener: ((size: { cols: number; rows: number }) => void) | null = null;

  constructor(readonly host?: HTMLElement) {
    FakeScreen.all.push(this);
  }

  write(data: Uint8Array): void {
    this.written += new TextDecoder().decode(data);
  }
  notice(text: string, tone: 'info' | 'error'): void {
    this.notices.push({ text, tone });
  }
  size() {
    return { cols: this.cols, rows: this.rows };
  }
  fit(): void {}
  focus(): void {
    this.focused += 1;
  }
  onInput(listener: (data: string | Uint8Array<ArrayBuffer>) => void): void {
    this.inputListener = listener;
  }
  onResize(listener: (size: { cols: number; rows: number }) => void): void {
    this.resizeListener = listener;
  }
  text(): string {
    return this.written;
  }
  dispose(): void {
    this.disposed = true;
  }
  type(text: string): void {
    this.inputListener?.(text);
  }
  resizeTo(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.resizeListener?.({ cols, rows });
  }
}

/** The stand-in for `loadScreen` (use in `jest.mock` of `kit/terminal/load-screen`). */
export async function fakeLoadScreen(): Promise<(host: HTMLElement) => MountedScreen> {
  return (host) => new FakeScreen(host);
}
