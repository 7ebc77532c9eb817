import http from 'node:http';
import type { Duplex } from 'node:stream';

/** Opens one byte stream (an SSH channel) for one HTTP request. */
export type OpenStream = () => Promise<Duplex>;

/**
 * An http.Agent whose "sockets" are SSH channels (to the Docker socket, or to an app's port on the server). Every HTTP
 * request gets its own channel (no keep-alive: a channel is cheap on an open connection, and a
 * broken one never poisons the next request). Node's Agent accepts the asynchronous form of
 * `createConnection` (return nothing, call back later).
 */
export class StreamAgent extends http.Agent {
  constructor(private readonly open: OpenStream) {
    super({ keepAlive: false });
  }

  override createConnection(_options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.open().then(
      (stream) => {
        // http's client calls these on real sockets; a channel has nothing to tune.
        const socketLike = stream as Duplex & { setNoDelay?: () => void; setKeepAlive?: () => void; setTimeout?: () => void; ref?: () => void; unref?: () => void };
        socketLike.setNoDelay ??= () => undefined;
        socketLike.setKeepAlive ??= () => undefined;
        socketLike.setTimeout ??= () => undefined;
        socketLike.ref ??= () => undefined;
        socketLike.unref ??= () => undefined;
        callback?.(null, stream);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
