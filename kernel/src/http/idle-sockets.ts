import type http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks a server's sockets and how many requests each is serving, so that shutdown can close
 * each one as soon as it is idle. Node's `closeIdleConnections()` leaves open a connection that
 * has not carried a request yet (HTTP clients and browsers open them ahead of use), which would
 * hold the drain until the client gives up on it or the grace period ends.
 */
export function trackSockets(server: http.Server): { closeIdle(): void } {
  const open = new Set<Socket>();
  const busy = new WeakMap<Socket, number>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    // A response emits 'close' once, whether it finished or its connection went away first: one
    // listener per request, not two and a guard (this runs for every request; issue 19).
    res.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
  });
  return {
    closeIdle() {
      for (const socket of open) if (!busy.get(socket)) socket.destroy();
    },
  };
}
