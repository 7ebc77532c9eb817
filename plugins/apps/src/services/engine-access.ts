import http from 'node:http';
import type Docker from 'dockerode';
import type { ServerService } from '@tomo/plugin-servers/api';
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

/**
 * Tomo's way into each server's Docker engine and app ports, all through the server's pooled SSH
 * connection: a dockerode client per server, and HTTP/TCP probes of a port as the server itself
 * sees it (so a health check works even when a firewall hides the port from Tomo).
 */
export class EngineAccess {
  private readonly clients = new Map<string, Docker>();

  constructor(
    private readonly servers: ServerService,
    private readonly timeoutMs: number,
  ) {}

  /** The engine client of a server (callers check ownership first). */
  docker(serverId: string): Docker {
    let client = this.clients.get(serverId);
    if (!client) {
      client = dockerOverSsh(() => this.servers.openStream(serverId, { socketPath: DOCKER_SOCKET }), { timeoutMs: this.timeoutMs });
      this.clients.set(serverId, client);
    }
    return client;
  }

  /** Drops a server's client (server deleted). */
  forget(serverId: string): void {
    this.clients.delete(serverId);
  }

  /** Runs a read-only command on the server (argv, never a shell string). */
  exec(serverId: string, argv: readonly string[]) {
    return this.servers.exec(serverId, argv, { timeoutMs: this.timeoutMs });
  }

  /** GET `path` on the server's `port` (loopback as the server sees it); ok when the status is expected (any 2xx/3xx when `expect` is empty). */
  probeHttp(serverId: string, port: number, path: string, expect: readonly number[], timeoutMs: number): Promise<ProbeResult> {
    const agent = new StreamAgent(() => this.servers.openStream(serverId, { host: '127.0.0.1', port }));
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
  async probeTcp(serverId: string, port: number): Promise<ProbeResult> {
    try {
      const stream = await this.servers.openStream(serverId, { host: '127.0.0.1', port });
      stream.destroy();
      return { ok: true, detail: `port ${port} accepts connections` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }
}
