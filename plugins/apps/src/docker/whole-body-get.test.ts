import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { dechunk, getWholeBody, parseAnswer } from './whole-body-get';

/** A real TCP server that records the request and answers `reply` (then ends, unless `hang`). */
async function server(reply: (request: string) => Buffer | string, hang = false): Promise<{ open: () => Promise<net.Socket>; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      requests.push(got);
      socket.write(reply(got));
      if (!hang) socket.end();
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  return {
    open: () => Promise.resolve(net.connect(port, '127.0.0.1')),
    requests,
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

test('asks in HTTP/1.0 and gathers a body that runs to the end of the connection', async () => {
  const body = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('hi\n'), Buffer.alloc(300_000, 'x')]);
  const s = await server(() => Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\nServer: Docker\r\n\r\n'), body]));
  try {
    const answer = await getWholeBody(s.open, '/containers/abc/logs?tail=10', 5000);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(body)).toBe(true);
    expect(s.requests[0]).toBe('GET /containers/abc/logs?tail=10 HTTP/1.0\r\nHost: docker\r\nUser-Agent: tomo\r\n\r\n');
  } finally {
    s.close();
  }
});

test('an error answer keeps its status and body', async () => {
  const s = await server(() => 'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{"message":"No such container: nope"}\n');
  try {
    const answer = await getWholeBody(s.open, '/containers/nope/logs', 5000);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body.toString())).toEqual({ message: 'No such container: nope' });
  } finally {
    s.close();
  }
});

test('an engine that goes quiet fails after the idle timeout, one that is not HTTP fails naming it; a bad path is refused unsent', async () => {
  const quiet = await server(() => 'HTTP/1.0 200 OK\r\n\r\npartial', true);
  try {
    await expect(getWholeBody(quiet.open, '/containers/abc/logs', 200)).rejects.toThrow('The engine sent nothing for 200 ms (GET /containers/abc/logs)');
  } finally {
    quiet.close();
  }
  const notHttp = await server(() => 'SSH-2.0-OpenSSH\r\n\r\n');
  try {
    await expect(getWholeBody(notHttp.open, '/x', 5000)).rejects.toThrow('The engine did not answer in HTTP: "SSH-2.0-OpenSSH"');
  } finally {
    notHttp.close();
  }
  await expect(getWholeBody(() => Promise.reject(new Error('must not open')), '/x y\r\nEvil: 1', 5000)).rejects.toThrow('Not a request path');
});

test('parseAnswer honours Content-Length and the chunked encoding, and refuses a short body', () => {
  expect(parseAnswer(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef')).body.toString()).toBe('abc');
  expect(parseAnswer(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n')).body.toString()).toBe('abcde');
  expect(() => parseAnswer(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))).toThrow('short body');
  expect(() => parseAnswer(Buffer.from('HTTP/1.1 200 OK\r\n'))).toThrow('no end of the head');
});

test('dechunk: sizes in hex, and an answer cut short is an error, not a shorter log', () => {
  expect(dechunk(Buffer.from('a\r\n0123456789\r\n1\r\nX\r\n0\r\n\r\n')).toString()).toBe('0123456789X');
  expect(() => dechunk(Buffer.from('a\r\n01234'))).toThrow('short chunk');
  expect(() => dechunk(Buffer.from('5\r\nabcde\r\n'))).toThrow('chunk size missing');
  expect(() => dechunk(Buffer.from('zz\r\n'))).toThrow('malformed');
});
