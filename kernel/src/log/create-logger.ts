import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { LogTarget } from '../config/config-schema';
import { redactionPaths } from './redaction';
import { lazyModule } from '../lazy/lazy-module';

/** pino-pretty (and its colour and date helpers): only loaded for readable lines in a terminal. */
const pinoPretty = lazyModule<typeof import('pino-pretty')>(require, 'pino-pretty');

/** How to log: JSON lines to `<logDir>/tomo.log` and/or stdout, plus readable console lines when `pretty`. */
export interface LoggerOptions {
  logDir: string;
  level: string;
  pretty: boolean;
  /** Where the JSON lines go; default the file only. With `pretty`, stdout gets the readable lines instead. */
  targets?: readonly LogTarget[];
  /** Extra destination (tests capture logs through it). */
  extraStream?: NodeJS.WritableStream;
}

/** The file destination behind each logger, so {@link closeLogger} can release it. */
const files = new WeakMap<Logger, { close(): void }>();

/** Flushes and closes the log file (a long-running process that starts many kernels must not leak handles). */
export function closeLogger(logger: Logger): void {
  files.get(logger)?.close();
  files.delete(logger);
}

/** The log file's name inside the log folder. */
export const LOG_FILE_NAME = 'tomo.log';

/** Creates the root logger, writing the same JSON lines to each of its targets. */
export function createLogger(options: LoggerOptions): Logger {
  const targets = options.targets ?? ['file'];
  const level = options.level as pino.Level;
  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof openFileTarget> | undefined;
  if (targets.includes('file')) {
    file = openFileTarget(options.logDir);
    streams.push({ level, stream: file.stream });
  }
  if (options.pretty) {
    streams.push({ level, stream: pinoPretty()({ colorize: process.stdout.isTTY, sync: true }) });
  } else if (targets.includes('stdout')) {
    streams.push({ level, stream: openStdoutTarget() });
  }
  if (options.extraStream) streams.push({ level, stream: options.extraStream });
  // Redaction happens once, before multistream fans a line out: every target gets the same,
  // redacted, line.
  const logger = pino(
    {
      level: options.level,
      base: { app: 'tomo' },
      redact: { paths: redactionPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
  if (file) files.set(logger, file);
  return logger;
}

/**
 * `<logDir>/tomo.log`. Synchronous writes keep the last lines on a crash; at Tomo's log volume
 * the cost is small.
 */
function openFileTarget(logDir: string): { stream: { write(line: string): boolean }; close(): void } {
  fs.mkdirSync(logDir, { recursive: true, mode: 0o750 });
  const dest = path.join(logDir, LOG_FILE_NAME);
  // maxLength: lines that could not be written (a full disk) wait in memory for the next write,
  // up to 1 MiB; beyond that they are dropped, so a long outage cannot grow the heap.
  const file = pino.destination({ dest, sync: true, mkdir: true, maxLength: 1048576 });
  // A failed write (ENOSPC, EIO) is emitted as 'error': without a listener that is thrown into
  // whoever logged (a request's error handler, a poller), turning a full disk into crashes and
  // non-JSON 500s. Logging never throws: the failure is said once on stderr (the journal under
  // systemd), again only after a write has succeeded in between.
  let failing = false;
  file.on('error', (err: NodeJS.ErrnoException) => {
    if (failing) return;
    failing = true;
    process.stderr.write(`Tomo cannot write its log file ${dest}: ${err.code ?? err.message}; lines wait in memory (up to 1 MiB) until it can\n`);
  });
  file.on('write', () => (failing = false));
  // Lines logged after close (a late timer in some plugin) are dropped instead of throwing.
  let closed = false;
  return {
    stream: {
      write: (line: string) => {
        if (closed) return true;
        try {
          return file.write(line);
        } catch {
          return true;
        }
      },
    },
    close() {
      if (closed) return;
      closed = true;
      file.end();
    },
  };
}

/**
 * JSON lines on stdout, for the journal under systemd (or `docker logs`). Synchronous, like the
 * file, so the setup code and a crash's last lines are not lost in a buffer. A closed stdout
 * (EPIPE) must not crash Tomo: the line is dropped, the file still has it.
 */
function openStdoutTarget(): { write(line: string): boolean } {
  const out = pino.destination({ dest: 1, sync: true });
  out.on('error', () => undefined);
  return {
    write: (line: string) => {
      try {
        return out.write(line);
      } catch {
        return true;
      }
    },
  };
}
