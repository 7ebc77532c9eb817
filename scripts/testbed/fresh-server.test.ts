/**
 * The fresh Debian 12 (and 13) servers of scripts/testbed/fresh-server.js (system containers on the local
 * Docker engine), checked over REAL SSH with ssh2, the way the "prepare a server" feature will
 * meet them: password login, Debian 12, systemd, sudo in its three modes, no Docker yet, and a
 * reachable Debian mirror. Needs root and the Docker engine of `sudo bash scripts/testbed.sh`;
 * the image is built on first use (about a minute) by scripts/testbed/fresh-debian-image.sh.
 * Only 127.0.0.1 (and, from inside the server, the Debian mirror) is contacted.
 */
import type { Client as SshClient } from 'ssh2';
import { createHash } from 'node:crypto';

/* eslint-disable @typescript-eslint/no-require-imports -- the helper is plain CommonJS */
const { startFreshServer } = require('./fresh-server');
const { Client } = require('ssh2');
/* eslint-enable @typescript-eslint/no-require-imports */

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the tests use of fresh-server.js's FreshServer (see its JSDoc). */
interface FreshServer {
  id: string;
  host: string;
  port: number;
  username: string;
  password: string;
  debian: number;
  registry: string | null;
  hostKeyFingerprints: Record<string, string>;
  systemState: string;
  failedUnits: string[];
  timingsMs: Record<string, number>;
  exec(argv: string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  stopSsh(): Promise<void>;
  startSsh(): Promise<void>;
  disconnectNetwork(): Promise<void>;
  reconnectNetwork(): Promise<void>;
  remove(): Promise<void>;
}

jest.setTimeout(60_000);

let withPassword: FreshServer;
let withoutPassword: FreshServer;
let withoutSudo: FreshServer;
let trixie: FreshServer;
const started: FreshServer[] = [];
const open = new Set<SshClient>();

beforeAll(async () => {
  // In parallel: about 2-3 s each once the image exists.
  const results = await Promise.allSettled([
    startFreshServer({ sudo: 'password' }),
    startFreshServer({ sudo: 'nopasswd', username: 'deploy' }),
    startFreshServer({ sudo: 'none', username: 'plain', password: 'A fixed pass: with spaces' }),
    startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true }),
  ]);
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  [withPassword, withoutPassword, withoutSudo, trixie] = results.map((r) => (r as PromiseFulfilledResult<FreshServer>).value);
}, 600_000); // includes building the image when it is missing

afterEach(() => {
  for (const c of open) c.end();
  open.clear();
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.remove()));
}, 120_000);

/** Logs in with a password; the host key must be one of the server's own (by fingerprint). */
function connect(server: FreshServer, password = server.password): Promise<{ conn: SshClient; hostKey: string }> {
  return new Promise((resolve, reject) => {
    const conn: SshClient = new Client();
    let hostKey = '';
    conn.on('ready', () => {
      open.add(conn);
      resolve({ conn, hostKey });
    });
    conn.on('error', (err: Error) => {
      conn.end();
      reject(err);
    });
    conn.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      password,
      tryKeyboard: false,
      readyTimeout: 20_000,
      hostVerifier: (key: Buffer) => {
        hostKey = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
        return Object.values(server.hostKeyFingerprints).includes(hostKey);
      },
    });
  });
}

/** Runs a command over SSH; stdin gets `input` and then EOF. */
function sshRun(conn: SshClient, command: string, input = ''): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    conn.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
      stream.end(input);
    });
  });
}

describe('a fresh server with sudo (password)', () => {
  test('takes a password login, with host keys of its own', async () => {
    const { conn, hostKey } = await connect(withPassword);
    expect(Object.values(withPassword.hostKeyFingerprints)).toContain(hostKey);
    // Generated per container at first boot, not baked into the image.
    expect(Object.values(withoutPassword.hostKeyFingerprints)).not.toContain(hostKey);
    const who = await sshRun(conn, 'id -un');
    expect(who).toMatchObject({ code: 0, stdout: `${withPassword.username}\n` });
    expect((await sshRun(conn, 'getent passwd "$(id -un)" | cut -d: -f6,7')).stdout).toBe(`/home/${withPassword.username}:/bin/bash\n`);
  });

  test('refuses a wrong password, and root logins', async () => {
    await expect(connect(withPassword, `${withPassword.password}x`)).rejects.toThrow(/authentication methods failed/i);
    const sshd = await withPassword.exec(['sshd', '-T']);
    expect(sshd.stdout).toMatch(/^permitrootlogin no$/m);
    expect(sshd.stdout).toMatch(/^passwordauthentication yes$/m);
  });

  test('is Debian 12 with systemd up', async () => {
    const { conn } = await connect(withPassword);
    const osRelease = await sshRun(conn, 'cat /etc/os-release');
    expect(osRelease.stdout).toMatch(/^ID=debian$/m);
    expect(osRelease.stdout).toMatch(/^VERSION_ID="12"$/m);
    // As the non-root user: systemctl reaches systemd over D-Bus.
    const state = await sshRun(conn, 'systemctl is-system-running');
    expect(state.stdout.trim()).toMatch(/^(running|degraded)$/);
    expect(withPassword.systemState).toBe(state.stdout.trim());
    if (withPassword.systemState === 'degraded') expect(withPassword.failedUnits.length).toBeGreaterThan(0);
  });

  test('sudo needs the password', async () => {
    const { conn } = await connect(withPassword);
    const withoutIt = await sshRun(conn, "sudo -S -p '' id -u");
    expect(withoutIt.code).not.toBe(0);
    expect(withoutIt.stdout).toBe('');
    expect((await sshRun(conn, 'sudo -n true')).code).not.toBe(0);
    const withIt = await sshRun(conn, "sudo -S -p '' id -u", `${withPassword.password}\n`);
    expect(withIt).toMatchObject({ code: 0, stdout: '0\n' });
    // The drop-in is what a careful admin writes.
    const rule = await withPassword.exec(['stat', '-c', '%a %U:%G', `/etc/sudoers.d/90-tomo-${withPassword.username}`]);
    expect(rule.stdout).toBe('440 root:root\n');
  });

  test('has no Docker yet', async () => {
    const { conn } = await connect(withPassword);
    const docker = await sshRun(conn, 'command -v docker');
    expect(docker.code).not.toBe(0);
    expect(docker.stdout).toBe('');
    expect((await sshRun(conn, 'getent group docker')).code).not.toBe(0);
  });

  test('reaches the Debian mirror: apt-get update as root through sudo', async () => {
    const { conn } = await connect(withPassword);
    const update = await sshRun(conn, "sudo -S -p '' apt-get update", `${withPassword.password}\n`);
    expect(update.stderr).not.toMatch(/^(E|W): /m);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/bookworm\/main/);
    expect(update.stdout).toMatch(/Reading package lists/);
  }, 120_000);
});

describe('a fresh server with sudo (nopasswd)', () => {
  test('sudo -n works without a password', async () => {
    const { conn } = await connect(withoutPassword);
    expect(withoutPassword.username).toBe('deploy');
    expect((await sshRun(conn, 'sudo -n true')).code).toBe(0);
    expect(await sshRun(conn, 'sudo -n id -u')).toMatchObject({ code: 0, stdout: '0\n' });
  });

  test('stopSsh/startSsh: new logins fail while sshd is stopped, open sessions survive', async () => {
    const { conn } = await connect(withoutPassword);
    await withoutPassword.stopSsh();
    await expect(connect(withoutPassword)).rejects.toThrow();
    expect((await sshRun(conn, 'echo still here')).stdout).toBe('still here\n');
    await withoutPassword.startSsh();
    const again = await connect(withoutPassword);
    expect((await sshRun(again.conn, 'id -un')).stdout).toBe('deploy\n');
  });

  test('disconnectNetwork/reconnectNetwork: unreachable, then back on the same port', async () => {
    const { conn } = await connect(withoutPassword);
    const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
    const port = withoutPassword.port;
    await withoutPassword.disconnectNetwork();
    await closed; // Docker's port proxy goes away with the network
    await expect(connect(withoutPassword)).rejects.toThrow();
    await withoutPassword.reconnectNetwork();
    expect(withoutPassword.port).toBe(port);
    const again = await connect(withoutPassword);
    expect((await sshRun(again.conn, 'echo back')).stdout).toBe('back\n');
  });
});

describe('a fresh server without sudo', () => {
  test('the user cannot sudo at all', async () => {
    const { conn } = await connect(withoutSudo);
    expect((await sshRun(conn, 'sudo -n true')).code).not.toBe(0);
    const tried = await sshRun(conn, "sudo -S -p '' true", `${withoutSudo.password}\n`);
    expect(tried.code).not.toBe(0);
    expect(tried.stderr).toMatch(/not in the sudoers file/);
    expect((await withoutSudo.exec(['ls', '/etc/sudoers.d'])).stdout).toBe('README\n');
  });
});

describe('a fresh Debian 13 server', () => {
  test('is Debian 13 (trixie) with systemd up, sshd taking password logins, and no Docker', async () => {
    expect(trixie.debian).toBe(13);
    const { conn } = await connect(trixie);
    const osRelease = await sshRun(conn, 'cat /etc/os-release');
    expect(osRelease.stdout).toMatch(/^ID=debian$/m);
    expect(osRelease.stdout).toMatch(/^VERSION_ID="13"$/m);
    expect(osRelease.stdout).toMatch(/^VERSION_CODENAME=trixie$/m);
    expect((await sshRun(conn, 'systemctl is-system-running')).stdout.trim()).toMatch(/^(running|degraded)$/);
    expect((await sshRun(conn, 'command -v docker')).code).not.toBe(0);
    expect(await sshRun(conn, 'sudo -n id -u')).toMatchObject({ code: 0, stdout: '0\n' });
  });

  test("reaches trixie's packages: Docker 26 and Compose v2 are installable from Debian", async () => {
    const { conn } = await connect(trixie);
    const update = await sshRun(conn, 'sudo -n apt-get update');
    expect(update.stderr).not.toMatch(/^(E|W): /m);
    expect(update.stdout).toMatch(/trixie\/main/);
    // The sources are deb822, as Debian 13's installer writes them.
    expect((await sshRun(conn, 'ls /etc/apt/sources.list.d/')).stdout).toBe('debian.sources\n');
    const policy = await sshRun(conn, 'apt-cache policy docker.io docker-compose');
    expect(policy.stdout).toMatch(/^docker\.io:\n\s+Installed: \(none\)\n\s+Candidate: 26\./m);
    expect(policy.stdout).toMatch(/^docker-compose:\n\s+Installed: \(none\)\n\s+Candidate: 2\./m);
  }, 120_000);

  test('registry: true: the test bed registry is reachable by name, and daemon.json lists it before Docker exists', async () => {
    expect(trixie.registry).toBe('tomo-registry.test:5000');
    expect(withPassword.registry).toBeNull();
    const { conn } = await connect(trixie);
    const v2 = await sshRun(conn, "curl -fsS -o /dev/null -w '%{http_code}' http://tomo-registry.test:5000/v2/");
    expect(v2).toMatchObject({ code: 0, stdout: '200' });
    const daemonJson = await sshRun(conn, 'cat /etc/docker/daemon.json');
    expect(JSON.parse(daemonJson.stdout)).toEqual({ 'insecure-registries': ['tomo-registry.test:5000'] });
    // Only when asked: a plain fresh server knows nothing of it.
    expect((await withPassword.exec(['getent', 'hosts', 'tomo-registry.test'])).code).not.toBe(0);
    expect((await withPassword.exec(['test', '-e', '/etc/docker'])).code).not.toBe(0);
  });
});
