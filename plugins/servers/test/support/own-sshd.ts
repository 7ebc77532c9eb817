import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onFreePort } from '../../../../test-support/ports';

const SSHD = '/usr/sbin/sshd';

/** pid -> parent pid of every process, read from /proc/<pid>/stat. */
function parentLinks(): Map<number, number> {
  const links = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: ppid is the 2nd field after ")".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      links.set(Number(entry), Number(fields[1]));
    } catch {
      // exited meanwhile
    }
  }
  return links;
}

/** `root` and every descendant of it (children, grandchildren...); empty when `root` is gone. */
export function processTree(root: number): number[] {
  const links = parentLinks();
  if (!links.has(root)) return [];
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of links) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

const alive = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * SIGKILLs a process and all its descendants. Every member of the tree is stopped (SIGSTOP)
 * first, until a read of /proc finds no new one, so nothing forks or gets re-parented to init
 * (where it would no longer be found) while the tree is killed.
 */
export async function killTree(root: number): Promise<number[]> {
  const stopped = new Set<number>();
  for (let round = 0; round < 20; round++) {
    const fresh = processTree(root).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP');
      stopped.add(pid);
    }
  }
  for (const pid of stopped) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while ([...stopped].some(alive)) {
    if (Date.now() > deadline) throw new Error(`processes ${[...stopped].filter(alive).join(', ')} survived SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return [...stopped];
}

/** Resolves once something accepts TCP connections on the port. */
async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A private sshd on a free loopback port, with its own host key, config, pid file and log. */
export interface OwnSshd {
  port: number;
  dir: string;
  /** The sshd's log (`-E`): one "Accepted ..." line per successful login. */
  logFile: string;
  /** Pid of the listening sshd (while running). */
  pid(): number;
  /** `SHA256:...` of the current host key, as `ssh-keygen -lf` prints it. */
  fingerprint(): string;
  /** How many logins the sshd accepted so far. */
  acceptedLogins(): number;
  /** Starts the sshd (again), with the current host key. */
  start(): Promise<void>;
  /** Kills the listener and every per-connection child (the whole tree). */
  kill(): Promise<number[]>;
  /** Kills it, generates a new host key (keeping the one it had), starts again. */
  restartWithNewKey(): Promise<void>;
  /** Kills it, puts back the host key it had before the last {@link restartWithNewKey}, starts again. */
  restartWithPreviousKey(): Promise<void>;
  /** Kills it and removes its folder. */
  cleanup(): Promise<void>;
}

function generateHostKey(file: string, type: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'tomo-own-sshd', '-f', file], { stdio: 'pipe' });
}

export interface OwnSshdOptions {
  /** `ssh-keygen -t` of the host key (default ed25519). */
  hostKeyType?: string;
  /** More sshd_config lines. */
  extraConfig?: string[];
}

/**
 * Starts a throwaway sshd (as root) that lets the test bed's user log in with its password or keys.
 * sshd cannot bind port 0 and say which port it got, so a port taken between the pick and sshd's
 * bind (another test) is retried on another one.
 */
export function startOwnSshd(options: OwnSshdOptions = {}): Promise<OwnSshd> {
  return onFreePort((port) => startOwnSshdOn(port, options));
}

async function startOwnSshdOn(port: number, options: OwnSshdOptions): Promise<OwnSshd> {
  const keyType = options.hostKeyType ?? 'ed25519';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-own-sshd-'));
  const hostKey = path.join(dir, `host_${keyType}_key`);
  const pidFile = path.join(dir, 'sshd.pid');
  const logFile = path.join(dir, 'sshd.log');
  const config = path.join(dir, 'sshd_config');
  generateHostKey(hostKey, keyType);
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${pidFile}`,
      'UsePAM yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'PubkeyAuthentication yes',
      'AuthorizedKeysFile .ssh/authorized_keys',
      'PermitRootLogin no',
      'MaxStartups 100:30:200',
      'MaxSessions 100',
      'PrintMotd no',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let pid = 0;

  const sshd: OwnSshd = {
    port,
    dir,
    logFile,
    pid: () => pid,
    fingerprint: () => execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1],
    acceptedLogins: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('Accepted ')).length : 0),
    async start() {
      fs.rmSync(pidFile, { force: true });
      // sshd forks into the background; the pid file says which process listens.
      execFileSync(SSHD, ['-f', config, '-E', logFile], { stdio: 'pipe' });
      const deadline = Date.now() + 5000;
      while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) {
        // sshd binds after it went to the background: a taken port shows only in its log
        // ("Bind to port … failed: Address already in use", then "Cannot bind any address").
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        if (log.includes('Cannot bind any address') || Date.now() > deadline) throw new Error(`sshd wrote no pid file; log:\n${log}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      await waitForPort(port);
    },
    async kill() {
      if (!pid) return [];
      const killed = await killTree(pid);
      pid = 0;
      return killed;
    },
    async restartWithNewKey() {
      await sshd.kill();
      for (const file of [hostKey, `${hostKey}.pub`]) fs.copyFileSync(file, `${file}.previous`);
      generateHostKey(hostKey, keyType);
      await sshd.start();
    },
    async restartWithPreviousKey() {
      if (!fs.existsSync(`${hostKey}.previous`)) throw new Error('restartWithPreviousKey: no key was replaced yet');
      await sshd.kill();
      // rename keeps the private key's 0600 mode (sshd refuses a readable one).
      for (const file of [hostKey, `${hostKey}.pub`]) fs.renameSync(`${file}.previous`, file);
      await sshd.start();
    },
    async cleanup() {
      await sshd.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await sshd.start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return sshd;
}
