import { getWholeBody } from '../docker/whole-body-get';
import type { OpenStream } from '../docker/stream-agent';

/** What part of a container's log to read (Docker's own `tail` and `since`). */
export interface LogRange {
  tail: number;
  /** Seconds since the epoch with a fraction, as Docker's `since` wants it. */
  since?: string;
}

/** A failed read, shaped as docker-modem's errors are (so `engineMessage` words it the same way). */
class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | undefined,
  ) {
    super(`(HTTP code ${statusCode}) ${json?.message ?? 'unexpected answer'}`);
  }
}

/**
 * The bytes of a container's log so far (both streams, with Docker's timestamps), read whole over
 * one stream to the engine's socket (see {@link getWholeBody} for why not through dockerode).
 * `containerId` comes from the engine's own list.
 */
export async function readLogBytes(openEngine: OpenStream, containerId: string, range: LogRange, idleTimeoutMs: number): Promise<Buffer> {
  const query = new URLSearchParams({ stdout: '1', stderr: '1', timestamps: '1', tail: String(range.tail) });
  if (range.since !== undefined) query.set('since', range.since);
  const answer = await getWholeBody(openEngine, `/containers/${encodeURIComponent(containerId)}/logs?${query.toString()}`, idleTimeoutMs);
  if (answer.status !== 200) throw new EngineError(answer.status, parseMessage(answer.body));
  return answer.body;
}

/** The engine's `{"message": …}` of an error answer, when it is that. */
function parseMessage(body: Buffer): { message?: string } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string' ? { message: (parsed as { message: string }).message } : undefined;
  } catch {
    return undefined;
  }
}
