import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { markUpgrade } from './run-websocket-route';

/**
 * Sends every upgrade request through the Koa app, as a request with a response written on the
 * raw socket: the WebSocket route upgrades it after its checks, and anything else (a refusal,
 * an unknown path, a route that is not a WebSocket) gets an ordinary HTTP answer, after which the
 * socket is closed.
 */
export function routeUpgrades(server: http.Server, app: Koa): void {
  const handle = app.callback();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that hangs up mid-handshake must not crash Tomo.
    socket.on('error', () => socket.destroy());
    markUpgrade(req, { socket, head });
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    void handle(req, res);
  });
}
