import fs from 'node:fs';
import net from 'node:net';
import { freePort, isPortInUse, onFreePort } from './ports';

const ephemeralStart = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

function listenOn(port: number, host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}
const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

test('freePort gives a port below the ephemeral range that can be listened on', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(10000);
    expect(port).toBeLessThan(ephemeralStart);
  }
  const server = await listenOn(ports[0]);
  await close(server);
});

test('isPortInUse knows EADDRINUSE by code and by message, and nothing else', async () => {
  const holder = await listenOn(0);
  const taken = (holder.address() as net.AddressInfo).port;
  const error = await listenOn(taken).catch((e: unknown) => e);
  await close(holder);
  expect(isPortInUse(error)).toBe(true);
  expect(isPortInUse(new Error('tomo serve exited early: tomo: Cannot listen on 127.0.0.1:1234: the port is in use'))).toBe(true);
  expect(isPortInUse(new Error('Bind to port 1234 on 127.0.0.1 failed: Address already in use.'))).toBe(true);
  expect(isPortInUse(new Error('connection refused'))).toBe(false);
  expect(isPortInUse(undefined)).toBe(false);
});

test('onFreePort starts again on another port when the port was taken in the meantime', async () => {
  const tried: number[] = [];
  const holders: net.Server[] = [];
  const server = await onFreePort(async (port) => {
    tried.push(port);
    // The first two ports are "taken" just before start-up binds them.
    if (tried.length <= 2) holders.push(await listenOn(port, '0.0.0.0'));
    return listenOn(port);
  });
  try {
    expect(tried).toHaveLength(3);
    expect(new Set(tried).size).toBe(3);
    expect((server.address() as net.AddressInfo).port).toBe(tried[2]);
  } finally {
    await Promise.all([server, ...holders].map(close));
  }
});

test('onFreePort gives up after its attempts, and throws other failures at once', async () => {
  let calls = 0;
  const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
  await expect(onFreePort(() => (calls++, Promise.reject(inUse)), { attempts: 3 })).rejects.toBe(inUse);
  expect(calls).toBe(3);

  calls = 0;
  const other = new Error('sshd: bad configuration');
  await expect(onFreePort(() => (calls++, Promise.reject(other)))).rejects.toBe(other);
  expect(calls).toBe(1);
});
