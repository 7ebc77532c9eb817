'use strict';
// The baseline server for throughput comparisons: `new Koa()` plus one @koa/router GET route
// returning a small JSON body, nothing else (no logging, headers, auth or database). Run as
// its own process (`node bench/lib/bare-koa-server.js <port>`) so it has the same one-process
// shape as `tomo serve`. The body mimics the shape and size of `GET /api/auth/me` (~240 bytes)
// so both servers send comparable bytes. Same koa / @koa/router packages as the kernel uses.
const Koa = require('koa');
const { Router } = require('@koa/router');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node bare-koa-server.js <port>\n');
  process.exit(2);
}
const PATH = process.argv[3] || '/api/auth/me';

const user = {
  id: '10162c8b-a204-4977-8323-9ccd8353a416',
  username: 'bench',
  email: 'bench@example.com',
  role: 'admin',
  disabled: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: '2026-01-01T00:00:00.000Z',
};

const app = new Koa();
const router = new Router();
router.get(PATH, (ctx) => {
  ctx.body = user;
});
app.use(router.routes());

const server = app.listen(port, '127.0.0.1', () => process.stdout.write(`bare koa listening on http://127.0.0.1:${port}${PATH}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
