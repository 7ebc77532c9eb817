'use strict';
const net = require('node:net');

/**
 * A TCP port that is free right now on `host`: the OS picks one for a throw-away listener,
 * which is closed before returning. (Another process could take it in between; on a quiet
 * benchmark machine that does not happen in practice.)
 */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
