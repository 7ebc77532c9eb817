import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactionPaths } from './redaction';

/** How to log: JSON lines to `<logDir>/tomo.log`, plus readable console lines when `pretty`. */
export interface LoggerOptions {
  logDir: string;
  level: string;
  pretty: boolean;
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

/**
 * Creates the root logger. Synchronous file writes keep the last lines on a crash; at Tomo's
 * log volume the cost is small.
 */
export function createLogger(options: LoggerOptions): Logger {
  fs.mkdirSync(options.logDir, { recursive: true, mode: 0o750 });
  const dest = path.join(options.logDir, LOG_FILE_NAME);
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
  const guarded = {
    write: (line: string) => {
      if (closed) return true;
      try {
        return file.write(line);
      } catch {
        return true;
      }
    },
  };
  const streams: pino.StreamEntry[] = [{ level: options.level as pino.Level, stream: guarded }];
  if (options.pretty) {
    streams.push({ level: options.level as pino.Level, stream: pretty({ colorize: process.stdout.isTTY, sync: true }) });
  }
  if (options.extraStream) streams.push({ level: options.level as pino.Level, stream: options.extraStream });
  const logger = pino(
    {
      level: options.level,
      base: { app: 'tomo' },
      redact: { paths: redactionPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
  files.set(logger, {
    close() {
      if (closed) return;
      closed = true;
      file.end();
    },
  });
  return logger;
}
