import http from 'node:http';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ServerHandle } from '@tomo/plugin-servers/api';
import { dockerOverSsh } from '../docker/docker-over-ssh';
import { StreamAgent } from '../docker/stream-agent';

/** Where Docker listens on a prepared server. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** The outcome of one probe of an app's port. */
export interface ProbeResult {
  ok: boolean;
  /** What was seen ("HTTP 200", "connection refused …"), for the progress line and the error. */
  detail: string;
}

/** Makes the {@link ServerEngine} of a server handle, with the plugin's Docker timeout. */
export class EngineAccess {
  constructor(private readonly timeoutMs: number) {}

  /** The engine and ports of the server behind `server`, for one operation. */
  for(server: ServerHandle): ServerEngine {
    return new ServerEngine(server, this.timeoutMs);
  }
}

/**
 * Tomo's way into one server's Docker engine and app ports for one operation, all through the
 * server's handle (its pooled SSH connection, credentials opened once): a dockerode client, and
 * HTTP/TCP probes of a port as the server itself sees it (so a health check works even when a
 * firewall hides the port from Tomo).
 */
export class ServerEngine {
  private client: Docker | undefined;

  constructor(
    readonly server: ServerHandle,
    private readonly timeoutMs: number,
  ) {}

  /** The engine client (made on first use; every request opens a stream on the handle). */
  get docker(): Docker {
    this.client ??= dockerOverSsh(() => this.openDockerSocket(), { timeoutMs: this.timeoutMs });
    return this.client;
  }

  /** One byte stream to the engine's API socket, for a request Tomo writes itself (a log read gathered whole). */
  openDockerSocket(): Promise<Duplex> {
    return this.server.openStream({ socketPath: DOCKER_SOCKET });
  }

  /** How long an engine request may wait (the plugin's Docker timeout). */
  get requestTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** Runs a read-only command on the server (argv, never a shell string). */
  exec(argv: readonly string[]) {
    return this.server.exec(argv, { timeoutMs: this.timeoutMs });
  }

  /** GET `path` on the server's `port` (loopback as the server sees it); ok when the status is expected (any 2xx/3xx when `expect` is empty). */
  probeHttp(port: number, path: string, expect: readonly number[], timeoutMs: number): Promise<ProbeResult> {
    const agent = new StreamAgent(() => this.server.openStream({ host: '127.0.0.1', port }));
    return new Promise<ProbeResult>((resolve) => {
      const req = http.request({ agent, host: '127.0.0.1', port, path, method: 'GET', headers: { Host: `127.0.0.1:${port}`, 'User-Agent': 'tomo-healthcheck' } }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const ok = expect.length > 0 ? expect.includes(status) : status >= 200 && status < 400;
        resolve({ ok, detail: `HTTP ${status} from port ${port}${path}` });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => resolve({ ok: false, detail: `port ${port}${path}: ${err.message}` }));
      req.end();
    });
  }

  /** Opens a TCP connection to the server's `port` (as the server sees it); ok when it connects. */
  async probeTcp(port: number): Promise<ProbeResult> {
    try {
      const stream = await this.server.openStream({ host: '127.0.0.1', port });
      stream.destroy();
      return { ok: true, detail: `port ${port} accepts connections` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }
}
