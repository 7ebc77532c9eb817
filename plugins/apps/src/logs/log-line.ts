import { StringDecoder } from 'node:string_decoder';
import type { LogLineView } from './log-views';

/** One line an app's container printed, as Tomo shows it (API, events, MCP, console). */
export type LogLine = LogLineView;

/** Longer lines are cut here (a runaway line must not become a megabyte of JSON per event). */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Docker's timestamp prefix ("2026-12-06T23:10:00.12345Z "): RFC 3339 with nanoseconds whose
 * trailing zeros Docker trims. Captures the seconds part and the fraction.
 */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z /;

/** Where a full-width timestamp ("2026-12-06T23:10:00.123456789Z") ends: its `Z`. */
const FULL_WIDTH_Z = 29;
/** The shape of a full-width time before its `Z`: 9 stands for any digit. */
const SHAPE = '9999-99-99T99:99:99.999999999';

/**
 * Whether the line `source[start, end)` starts with a timestamp already in the fixed width (nine fraction digits) and its
 * space: what Docker prints for nine lines in ten (the others end in a zero it trims). Checked by
 * character codes, as this runs once per line of a 10,000-line tail.
 */
function hasFullWidthTime(source: string, start: number, end: number): boolean {
  if (end - start <= FULL_WIDTH_Z + 1 || source.charCodeAt(start + FULL_WIDTH_Z) !== 0x5a /* Z */ || source.charCodeAt(start + FULL_WIDTH_Z + 1) !== 0x20) return false;
  for (let i = 0; i < FULL_WIDTH_Z; i++) {
    const c = source.charCodeAt(start + i);
    const expected = SHAPE.charCodeAt(i);
    if (expected === 0x39 /* 9: any digit */ ? c < 0x30 || c > 0x39 : c !== expected) return false;
  }
  return true;
}

/** Splits a line of `docker logs --timestamps` output into its time (fixed width) and text. */
export function parseTimestamped(raw: string): { time: string; text: string } {
  if (hasFullWidthTime(raw, 0, raw.length)) return { time: raw.slice(0, FULL_WIDTH_Z + 1), text: raw.slice(FULL_WIDTH_Z + 2) };
  const match = TIMESTAMP.exec(raw);
  if (!match) return { time: '', text: raw };
  return { time: `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`, text: raw.slice(match[0].length) };
}

/** A fixed-width time as Docker's `since` parameter wants it: seconds and nanoseconds since the epoch. */
export function toDockerSince(time: string): string {
  const [whole, fraction = '000000000Z'] = time.split('.');
  const seconds = Math.floor(Date.parse(`${whole}Z`) / 1000);
  return `${seconds}.${fraction.replace('Z', '').padEnd(9, '0')}`;
}

/**
 * Turns one container's log bytes into {@link LogLine}s. Keeps a partial line per stream until
 * its end arrives, and decodes UTF-8 across chunk boundaries. Feed it each stream's bytes (the
 * frames' payloads, or everything as stdout for a container with a terminal), then {@link end}
 * it to flush a last line without a line break.
 */
export class LogLineSplitter {
  private readonly partial = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(
    private readonly service: string,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  /** Feeds bytes of one stream. */
  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = this.partial[stream] + this.decoders[stream].write(chunk);
    // Walked by offsets (a run holds thousands of lines): each line's time and text are cut
    // straight from the run's text, with no array of lines or copy of each line in between.
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.emitFrom(stream, text, start, end);
      start = end + 1;
    }
    this.partial[stream] = start === 0 ? text : text.slice(start);
  }

  /** The stream ended: a last line without a line break is still a line. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest) this.emitFrom(stream, rest, 0, rest.length);
    }
  }

  /** Emits the line `source[start, end)` (without its `\n`; a `\r` before it is dropped too). */
  private emitFrom(stream: 'stdout' | 'stderr', source: string, start: number, end: number): void {
    if (end > start && source.charCodeAt(end - 1) === 0x0d) end--;
    let time: string;
    let text: string;
    if (hasFullWidthTime(source, start, end)) {
      time = source.slice(start, start + FULL_WIDTH_Z + 1);
      text = source.slice(start + FULL_WIDTH_Z + 2, end);
    } else {
      ({ time, text } = parseTimestamped(source.slice(start, end)));
    }
    this.onLine({ service: this.service, stream, time, text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text });
  }
}
