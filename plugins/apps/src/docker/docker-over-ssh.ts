import http from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';

/** Opens one byte stream to the server's Docker socket (through its pooled SSH connection). */
export type OpenDockerStream = () => Promise<Duplex>;

/**
 * An http.Agent whose "sockets" are SSH channels to the Docker socket on the server. Every HTTP
 * request gets its own channel (no keep-alive: a channel is cheap on an open connection, and a
 * broken one never poisons the next request). Node's Agent accepts the asynchronous form of
 * `createConnection` (return nothing, call back later).
 */
class SshStreamAgent extends http.Agent {
  constructor(private readonly open: OpenDockerStream) {
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

/**
 * A dockerode client for one server's engine, carried over SSH: Tomo speaks the Docker Engine
 * API (JSON) to `/var/run/docker.sock` on the server, so nothing is ever a `docker …` command
 * string and the engine needs no TCP port. `timeoutMs` bounds each request (not pulls' streams,
 * which the installer bounds itself).
 */
export function dockerOverSsh(open: OpenDockerStream, options: { timeoutMs?: number } = {}): Docker {
  // `agent` is a docker-modem option @types/dockerode does not list.
  const modemOptions = { protocol: 'http', host: 'docker', port: 80, agent: new SshStreamAgent(open), timeout: options.timeoutMs } as Docker.DockerOptions;
  return new Docker(modemOptions);
}
