import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { ServersTokens, type ExecOptions, type ExecResult, type ServerService } from '@tomo/plugin-servers/api';
import type { SshConnectionPool } from '../../src/services/ssh-connection-pool';
import { readKey, testbed, type ServersKernel } from './servers-kernel';

/** The servers plugin's service, as other plugins get it. */
export const serviceOf = (t: ServersKernel): ServerService => t.kernel.resolve(ServersTokens.ServerService);

/** Runs one command through a fresh system handle (what one operation of another plugin does). */
export const execOn = async (t: ServersKernel, serverId: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> =>
  (await serviceOf(t).forSystem(serverId)).exec(argv, options);

/** The service's connection pool (private field: read for assertions only). */
export const poolOf = (t: ServersKernel): SshConnectionPool => (serviceOf(t) as unknown as { pool: SshConnectionPool }).pool;

/** A body that adds the test bed's sshd with one of its keys. */
export function keyServer(name: string, key: 'ed25519' | 'rsa' | 'ed25519Encrypted', passphrase?: string): Record<string, unknown> {
  const { ssh } = testbed();
  return {
    name,
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    authType: 'key',
    credentials: { privateKey: readKey(ssh.keys[key]), ...(passphrase !== undefined ? { passphrase } : {}) },
  };
}

/** A body for the test bed's user with a password, on another sshd port. */
export function passwordServerAt(name: string, port: number): Record<string, unknown> {
  const { ssh } = testbed();
  return { name, host: '127.0.0.1', port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } };
}

/** A path in /tmp nobody uses: a command that must never run would create it. */
export function markerPath(label = 'marker'): string {
  return `/tmp/tomo-${label}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** `ssh-keygen -lf <pub>` -> { fingerprint, type } (type as ssh-keygen prints it, e.g. ED25519). */
export function keygenFingerprint(pubFile: string): { fingerprint: string; type: string } {
  const out = execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).trim();
  const m = /^\d+ (SHA256:\S+) .* \((\w+)\)$/.exec(out);
  if (!m) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return { fingerprint: m[1], type: m[2] };
}

/** A TCP server on 127.0.0.1 that accepts connections and never sends a byte. */
export async function silentTcpServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `check` holds, polling; throws with `what` after the timeout. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The client side port of the SSH connection a command ran on (from `$SSH_CONNECTION` on the server). */
export async function connectionPortOf(service: ServerService, serverId: string): Promise<number> {
  const run = await (await service.forSystem(serverId)).exec(['sh', '-c', 'echo "$SSH_CONNECTION"']);
  const port = Number(run.stdout.trim().split(' ')[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no SSH_CONNECTION in ${JSON.stringify(run)}`);
  return port;
}

/** Established TCP connections from 127.0.0.1:<localPort> to the sshd port, as the kernel sees them. */
export function tcpConnectionOpen(localPort: number, sshdPort: number): boolean {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${localPort} and dport = :${sshdPort} )`], { encoding: 'utf8' });
  return out.trim().length > 0;
}

export const exists = (file: string): boolean => fs.existsSync(file);
