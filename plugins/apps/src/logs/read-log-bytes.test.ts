import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { engineMessage } from '../services/installer';
import { readLogBytes } from './read-log-bytes';

/** A real TCP server standing in for the engine's socket: records the request line, answers `reply`. */
async function engine(reply: string): Promise<{ open: () => Promise<net.Socket>; requestLines: string[]; close: () => void }> {
  const requestLines: string[] = [];
  const srv = net.createServer((socket) => {
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      requestLines.push(got.split('\r\n')[0]);
      socket.end(reply);
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  return { open: () => Promise.resolve(net.connect(port, '127.0.0.1')), requestLines, close: () => srv.close() };
}

test('asks for both streams with timestamps, the tail and since, and answers the body', async () => {
  const e = await engine('HTTP/1.0 200 OK\r\n\r\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0003hi\n');
  try {
    const bytes = await readLogBytes(e.open, 'c0ffee', { tail: 10000, since: '1765062600.000000000' }, 5000);
    expect(bytes.subarray(8).toString()).toBe('hi\n');
    expect(e.requestLines).toEqual(['GET /containers/c0ffee/logs?stdout=1&stderr=1&timestamps=1&tail=10000&since=1765062600.000000000 HTTP/1.0']);
  } finally {
    e.close();
  }
});

test("an engine's refusal becomes an error worded with the engine's own message", async () => {
  const e = await engine('HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"message":"No such container: c0ffee"}\n');
  try {
    const err = await readLogBytes(e.open, 'c0ffee', { tail: 5 }, 5000).catch((x: unknown) => x);
    expect(err).toMatchObject({ statusCode: 404, message: '(HTTP code 404) No such container: c0ffee' });
    expect(engineMessage(err)).toBe('No such container: c0ffee');
  } finally {
    e.close();
  }
  const plain = await engine('HTTP/1.0 500 Internal Server Error\r\n\r\nnot json');
  try {
    await expect(readLogBytes(plain.open, 'c0ffee', { tail: 5 }, 5000)).rejects.toThrow('(HTTP code 500) unexpected answer');
  } finally {
    plain.close();
  }
});
