import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, TooManyRequestsError } from '../errors';
import { zodErrorToAppError } from './zod-error';

/** Errors thrown by the body parser (co-body / raw-body) carry these. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * The disk holding the data folder is full: SQLite's SQLITE_FULL (better-sqlite3's error, or
 * TypeORM's QueryFailedError that copies its `code` and keeps it as `driverError`) or a file
 * write's ENOSPC. Nothing the caller did wrong and nothing internal to hide: 507 Insufficient
 * Storage (RFC 4918: the server cannot store what the request needs) says so, and a retry once
 * space is freed succeeds.
 */
export function isDiskFull(err: unknown): boolean {
  const codes = (e: unknown): unknown[] => [(e as { code?: unknown })?.code, (e as { driverError?: { code?: unknown } })?.driverError?.code];
  return codes(err).some((c) => c === 'SQLITE_FULL' || c === 'ENOSPC');
}

/** The answer to a write refused because the data folder's disk is full. */
export const diskFullError = (): AppError =>
  new AppError(507, 'insufficient_storage', "Tomo's data folder is out of disk space, so nothing can be saved right now; free some space on that disk and try again");

/** Maps a thrown value to an AppError; unknown errors become a 500 that reveals nothing. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return zodErrorToAppError(err, 'body');
  if (isDiskFull(err)) return diskFullError();
  const e = err as HttpishError;
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') {
    return new AppError(413, 'payload_too_large', 'Request body is larger than the limit', 'body');
  }
  if (status === 400 && (e?.type === 'entity.parse.failed' || err instanceof SyntaxError)) {
    return new AppError(400, 'invalid_json', 'Request body is not valid JSON', 'body');
  }
  if (status === 415 || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding', 'content-type');
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose) {
    return new AppError(status, 'bad_request', (err as Error).message);
  }
  return undefined;
}

/** A 404 that no route answered, on an API path, gets the JSON error body. */
export function answerNotFound(ctx: Context): void {
  if (ctx.status === 404 && ctx.body === undefined && (ctx.path.startsWith('/api/') || ctx.path === '/mcp')) {
    ctx.status = 404;
    ctx.body = new AppError(404, 'not_found', `No route ${ctx.method} ${ctx.path}`).toJSON();
  }
}

/** Answers a thrown value as `{ error: { code, message, field? } }`; anything unknown is a logged 500. */
export function answerError(log: Logger, ctx: Context, err: unknown): void {
  const mapped = toAppError(err);
  if (mapped) {
    // The operator must hear of a full disk (the log file may be on it: see createLogger).
    if (mapped.status === 507) log.error({ requestId: ctx.state.requestId, path: ctx.path }, 'A write was refused: the data folder is out of disk space');
    ctx.status = mapped.status;
    ctx.body = mapped.toJSON();
    if (mapped instanceof TooManyRequestsError) ctx.set('Retry-After', String(mapped.retryAfterSeconds));
    return;
  }
  log.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'Unhandled error');
  ctx.status = 500;
  ctx.body = { error: { code: 'internal', message: `Internal error (request ${String(ctx.state.requestId)})` } };
}

/** Catches everything below it and answers `{ error: { code, message, field? } }`. */
export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      answerNotFound(ctx);
    } catch (err) {
      answerError(log, ctx, err);
    }
  };
}
