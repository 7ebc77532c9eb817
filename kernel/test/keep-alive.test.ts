import net from 'node:net';
import { startTestKernel } from '@tomo/kernel/testing';
import { makeTempDir, removeTempDirs } from './support/temp-dir';
import { testAuthPlugin } from './support/test-auth';

afterAll(removeTempDirs);

/** Sends one GET on the socket and resolves with the status line of the answer. */
function get(socket: net.Socket, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const closed = () => finish(new Error('Tomo closed the idle connection'));
    const finish = (error?: Error) => {
      socket.off('data', onData).off('error', finish).off('end', closed).off('close', closed);
      if (error) reject(error);
      else resolve(received.split('\r\n')[0]);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? 0);
      if (received.length - end - 4 >= length) finish();
    };
    if (socket.destroyed || !socket.writable) return reject(new Error('Tomo closed the idle connection'));
    socket.on('data', onData).on('error', finish).on('end', closed).on('close', closed);
    socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

// A reverse proxy keeps idle upstream connections for up to 60 s (nginx keepalive_timeout, load
// balancers): Tomo must not close one first (Node's default is 5 s), or a request the proxy sends
// at that moment is reset.
test('an idle keep-alive connection is still served after Node’s default 5 s idle timeout', async () => {
  const t = await startTestKernel({ plugins: [testAuthPlugin], dataDir: makeTempDir() });
  const port = Number(new URL(t.url).port);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  try {
    expect(await get(socket, port)).toBe('HTTP/1.1 200 OK');
    await new Promise((r) => setTimeout(r, 6000));
    expect(await get(socket, port)).toBe('HTTP/1.1 200 OK');
  } finally {
    socket.destroy();
    await t.kernel.stop();
  }
}, 20000);
