/**
 * The terminal's screen on xterm.js with its fit and web-links add-ons. Loaded only when a
 * terminal is opened (a dynamic import of this file), so xterm.js never weighs on the console's
 * first load.
 *
 * Copy and paste: selecting text with the mouse and Ctrl+Shift+C copies (Ctrl+C stays the
 * shell's interrupt); Ctrl+Shift+V and the browser's own paste (its menu, Cmd+V on macOS, Ctrl+V
 * where the browser pastes) paste into the shell; on macOS Cmd+C copies the selection.
 */
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import xtermCss from '@xterm/xterm/css/xterm.css?inline';
import { adoptStylesOnce, withStandInStyles } from './csp-styles';
import type { TerminalScreen } from './terminal-connection';

/** A screen in the page: what the connection needs, plus what the component does with it. */
export interface MountedScreen extends TerminalScreen {
  /** Fits the grid to the element's size; the new size arrives through `onResize`. */
  fit(): void;
  focus(): void;
  /** Keystrokes and pastes (text), and the few binary reports some modes send (bytes). */
  onInput(listener: (data: string | Uint8Array<ArrayBuffer>) => void): void;
  onResize(listener: (size: { cols: number; rows: number }) => void): void;
  /** The text of the visible rows and the scrollback, for tests and diagnostics. */
  text(): string;
  dispose(): void;
}

const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";
const NOTICE = { info: '\x1b[2m', error: '\x1b[31m' } as const;

function copyShortcuts(term: Terminal, doc: Document) {
  return (event: KeyboardEvent): boolean => {
    const copy = event.ctrlKey && event.shiftKey && (event.key === 'C' || event.key === 'c');
    const paste = event.ctrlKey && event.shiftKey && (event.key === 'V' || event.key === 'v');
    if (event.type !== 'keydown' || (!copy && !paste)) return true;
    if (copy) {
      // Chrome opens its inspector on Ctrl+Shift+C: this key belongs to the terminal here.
      event.preventDefault();
      if (term.hasSelection()) {
        const text = term.getSelection();
        if (navigator.clipboard?.writeText) void navigator.clipboard.writeText(text).catch(() => doc.execCommand('copy'));
        else doc.execCommand('copy');
      }
    }
    // Paste: not sent to the shell as a key; the browser's paste event that follows brings the text.
    return false;
  };
}

/** Opens an xterm.js terminal in `host` (which must be in the page). */
export function createXtermScreen(host: HTMLElement): MountedScreen {
  const doc = host.ownerDocument;
  adoptStylesOnce(doc, 'xterm', xtermCss);
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: FONT,
    fontSize: 14,
    scrollback: 5000,
    theme: { background: '#111827', foreground: '#e5e7eb', cursor: '#e5e7eb', selectionBackground: '#374151' },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.loadAddon(new WebLinksAddon());
  withStandInStyles(doc, () => term.open(host));
  term.attachCustomKeyEventHandler(copyShortcuts(term, doc));

  return {
    write: (data) => term.write(data),
    notice: (text, tone) => term.write(`\r\n${NOTICE[tone]}[${text}]\x1b[0m\r\n`),
    size: () => ({ cols: term.cols, rows: term.rows }),
    fit: () => {
      // A hidden terminal (another tab) has no size: keep the last one.
      if (host.clientWidth > 0 && host.clientHeight > 0) fitAddon.fit();
    },
    focus: () => term.focus(),
    onInput: (listener) => {
      term.onData(listener);
      term.onBinary((data) => listener(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    },
    onResize: (listener) => {
      term.onResize(listener);
    },
    text: () => {
      const lines: string[] = [];
      const buffer = term.buffer.active;
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    dispose: () => term.dispose(),
  };
}
