/**
 * The Docker Engine API carried over the server's pooled SSH connection, against the test bed's
 * real sshd and dockerd: requests, streams (pull progress, logs), forwarding to a TCP port, and
 * the errors a user sees when the socket or port is not there.
 */
import net from 'node:net';
import { ServersTokens } from '@tomo/plugin-servers/api';
import { passwordServer, startServersKernel, type ServersKernel } from '../../servers/test/support/servers-kernel';
import { dockerOverSsh } from '../src/docker/docker-over-ssh';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTestbed } = require('../../../scripts/testbed/testbed.js');
const images = loadTestbed().docker.images as { busybox: string; httpd: string };

let t: ServersKernel;
let serverId: string;

beforeAll(async () => {
  t = await startServersKernel();
  const res = await t.request('POST', '/api/servers', { token: t.tokens.alice, body: passwordServer() });
  expect(res.status).toBe(201);
  serverId = res.body.id;
});
afterAll(() => t?.stop());

/** The system's handle on the test bed server (a handle per test: one operation each). */
const handle = () => t.kernel.resolve(ServersTokens.ServerService).forSystem(serverId);

const dockerFor = async (socketPath = '/var/run/docker.sock') => {
  const server = await handle();
  return dockerOverSsh(() => server.openStream({ socketPath }), { timeoutMs: 20000 });
};

test('the engine answers version and lists the test bed images over SSH', async () => {
  const docker = await dockerFor();
  const version = await docker.version();
  expect(version.ApiVersion).toMatch(/^\d+\.\d+$/);
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
  expect(tags).toEqual(expect.arrayContaining([images.busybox, images.httpd]));
});

test('many requests share one pooled SSH connection', async () => {
  const docker = await dockerFor();
  await Promise.all(Array.from({ length: 20 }, () => docker.ping()));
  const pool = (t.kernel.resolve(ServersTokens.ServerService) as unknown as { pool: { size: number } }).pool;
  expect(pool.size).toBe(1);
});

test('a container runs and its logs stream back through the channel', async () => {
  const docker = await dockerFor();
  const container = await docker.createContainer({ Image: images.busybox, Cmd: ['echo', 'hello over ssh'], Labels: { 'io.tomo.test': 'docker-over-ssh' } });
  try {
    await container.start();
    await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    expect(logs.toString('utf8')).toContain('hello over ssh');
  } finally {
    await container.remove({ force: true });
  }
});

test('a TCP stream reaches a port as the server sees it', async () => {
  const server = net.createServer((socket) => socket.end('pong'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const stream = await (await handle()).openStream({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('pong');
  } finally {
    server.close();
  }
});

test('a missing socket is a clear error, not a hang', async () => {
  await expect((await dockerFor('/run/no-such-docker.sock')).ping()).rejects.toThrow(/refused to forward.*no-such-docker\.sock/s);
});

test('a closed TCP port is a clear error naming the address', async () => {
  await expect((await handle()).openStream({ host: '127.0.0.1', port: 1 })).rejects.toThrow(/127\.0\.0\.1:1/);
});
