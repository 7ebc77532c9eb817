import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import type Dockerode from 'dockerode';
import { fieldOf } from '../catalog';
import { findPortConflicts, parseProcNetListening, publishedPortsOfContainers, type TakenPorts } from './port-conflicts';

/** /proc/net/tcp + tcp6 as `cat` prints them: LISTEN (0A) on 0.0.0.0:22, 127.0.0.1:8080, [::]:80, [::1]:5432; others established or waiting. */
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18230 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 44113 1 0000000000000000 100 0 0 10 0
   2: 0F02000A:0016 0202000A:C350 01 00000000:00000000 02:0009E1E5 00000000     0        0 51832 4 0000000000000000 20 4 29 10 -1
   3: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000B2E 00000000     0        0 0 3 0000000000000000

  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21344 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0a 00000000:00000000 00:00000000 00000000   999        0 22001 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:D431 00000000000000000000000001000000:1538 01 00000000:00000000 00:00000000 00000000   999        0 22010 1 0000000000000000 20 4 30 10 -1
`;

/** /proc/net/udp + udp6: bound (07) on 0.0.0.0:53, 127.0.0.53:53, 0.0.0.0:68 and [::]:5353; one connected (01) socket. */
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  512: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 17873 2 0000000000000000 0
  593: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 19022 2 0000000000000000 0
  600: 0F02000A:A1B2 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 55120 2 0000000000000000 0
 1023: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17871 2 0000000000000000 0
   sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   105        0 20111 2 0000000000000000 0
`;

describe('parseProcNetListening (fixtures)', () => {
  it('tcp: LISTEN sockets of IPv4 and IPv6, whatever the local address', () => {
    expect([...parseProcNetListening(TCP, 'tcp')].sort((a, b) => a - b)).toEqual([22, 80, 5432, 8080]);
  });

  it('udp: bound, unconnected sockets', () => {
    expect([...parseProcNetListening(UDP, 'udp')].sort((a, b) => a - b)).toEqual([53, 68, 5353]);
  });

  it('reads tcp text for udp (and the reverse) as nothing listening, with the other state code', () => {
    expect([...parseProcNetListening(TCP, 'udp')]).toEqual([]);
    expect([...parseProcNetListening(UDP, 'tcp')]).toEqual([]);
  });

  it('tolerates empty text, CRLF, garbage and truncated lines', () => {
    expect(parseProcNetListening('', 'tcp').size).toBe(0);
    const messy = [
      'cat: /proc/net/tcp6: No such file or directory',
      '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\r',
      '   1: 00000000:1F9',
      '   2: 00000000:0000 00000000:0000 0A 00000000:00000000',
      'x: 00000000:0050 00000000:0000 0A 0',
      '\t',
    ].join('\n');
    expect([...parseProcNetListening(messy, 'tcp')]).toEqual([22]);
  });
});

describe('parseProcNetListening (this machine)', () => {
  const read = (...files: string[]) => files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('');

  it('finds a TCP server this test opens, and not the client end of a connection', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    try {
      const listening = parseProcNetListening(read('/proc/net/tcp', '/proc/net/tcp6'), 'tcp');
      expect(listening.has(port)).toBe(true);
      expect(listening.has(client.localPort!)).toBe(false);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(parseProcNetListening(read('/proc/net/tcp', '/proc/net/tcp6'), 'tcp').has(port)).toBe(false);
  });

  it('finds a UDP socket this test binds', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    try {
      expect(parseProcNetListening(read('/proc/net/udp', '/proc/net/udp6'), 'udp').has(port)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => socket.close(resolve));
    }
  });

  it('finds an IPv6 server in tcp6', async () => {
    const server = net.createServer();
    // A machine without an IPv6 loopback fails here rather than passing unchecked.
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`cannot listen on [::1] (this test needs IPv6 on loopback): ${err.message}`)));
      server.listen(0, '::1', () => resolve());
    });
    try {
      const port = (server.address() as net.AddressInfo).port;
      expect(parseProcNetListening(read('/proc/net/tcp6'), 'tcp').has(port)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A container as `GET /containers/json` lists it (only the fields read here are meaningful). */
function container(names: string[], ports: Array<Partial<Dockerode.Port>>, id = 'f00dfeedcafe0123456789'): Dockerode.ContainerInfo {
  return { Id: id, Names: names, Ports: ports as Dockerode.Port[] } as Dockerode.ContainerInfo;
}

describe('publishedPortsOfContainers', () => {
  it('lists published host ports once per protocol and container, named without the leading "/"', () => {
    const containers = [
      container(['/nginx'], [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        { PrivatePort: 443, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 9, PublicPort: 9, Type: 'sctp' },
      ]),
      container(['/tomo-uptime-kuma-3f2a1c'], [{ IP: '0.0.0.0', PrivatePort: 3001, PublicPort: 3001, Type: 'tcp' }]),
      container([], [{ IP: '0.0.0.0', PrivatePort: 1, PublicPort: 1000, Type: 'tcp' }]),
      container(['/stopped'], []),
      { Id: 'nothing', Names: ['/odd'] } as Dockerode.ContainerInfo,
    ];
    expect(publishedPortsOfContainers(containers)).toEqual([
      { port: 8080, protocol: 'tcp', holder: 'nginx' },
      { port: 5353, protocol: 'udp', holder: 'nginx' },
      { port: 3001, protocol: 'tcp', holder: 'tomo-uptime-kuma-3f2a1c' },
      { port: 1000, protocol: 'tcp', holder: 'f00dfeedcafe' },
    ]);
  });
});

describe('findPortConflicts', () => {
  const taken: TakenPorts = {
    listening: { tcp: new Set([22, 80, 3001, 8080]), udp: new Set([53]) },
    containers: [
      { port: 8080, protocol: 'tcp', holder: 'nginx' },
      { port: 3001, protocol: 'tcp', holder: 'tomo-uptime-kuma-3f2a1c' },
    ],
    installations: [
      { port: 3001, protocol: 'tcp', holder: 'Tomo app "Uptime Kuma" (tomo-uptime-kuma-3f2a1c)' },
      { port: 9000, protocol: 'tcp', holder: 'Tomo app "Portainer CE" (tomo-portainer-0a1b2c)' },
    ],
  };
  const messages = (ports: Parameters<typeof findPortConflicts>[0]) => findPortConflicts(ports, taken).map((p) => `${fieldOf(p.path)}: ${p.message}`);

  it('names the most telling holder: a Tomo app, a container, or a program', () => {
    expect(
      messages([
        { container: 80, host: 8080, protocol: 'tcp' },
        { container: 3001, host: 3001, protocol: 'tcp' },
        { container: 9000, host: 9000, protocol: 'tcp' },
        { container: 8080, host: 80, protocol: 'tcp' },
        { container: 53, host: 53, protocol: 'udp' },
      ]),
    ).toEqual([
      'ports.80/tcp: host port 8080/tcp is already in use by container "nginx"',
      'ports.3001/tcp: host port 3001/tcp is already in use by Tomo app "Uptime Kuma" (tomo-uptime-kuma-3f2a1c)',
      'ports.9000/tcp: host port 9000/tcp is already in use by Tomo app "Portainer CE" (tomo-portainer-0a1b2c)',
      'ports.8080/tcp: host port 80/tcp is already in use by a program listening on the server',
      'ports.53/udp: host port 53/udp is already in use by a program listening on the server',
    ]);
  });

  it('keeps tcp and udp apart, and reports nothing for free ports', () => {
    expect(
      messages([
        { container: 53, host: 53, protocol: 'tcp' },
        { container: 80, host: 80, protocol: 'udp' },
        { container: 8080, host: 8080, protocol: 'udp' },
        { container: 443, host: 443, protocol: 'tcp' },
      ]),
    ).toEqual([]);
    expect(findPortConflicts([], taken)).toEqual([]);
  });
});
