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
  const file = pino.destination({ dest: path.join(options.logDir, LOG_FILE_NAME), sync: true, mkdir: true });
  // Lines logged after close (a late timer in some plugin) are dropped instead of throwing.
  let closed = false;
  const guarded = { write: (line: string) => (closed ? true : file.write(line)) };
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
