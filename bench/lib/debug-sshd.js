'use strict';
// A throwaway sshd for a benchmark, logging at DEBUG1 so that every SSH channel a client opens is
// one `server_input_channel_open: ctype …` line: the count is taken on the server's side, not from
// Tomo's own word. It lets the test bed's user in with its password; needs root (as CI runs).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { freePort } = require('./ports');
const { makeTempDir } = require('./processes');

const CHANNEL_OPEN = 'server_input_channel_open: ctype ';

/** pid → [ppid, CPU seconds including reaped children] of every process, from /proc. */
function processTable(ticks) {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // ppid is field 4; utime, stime, cutime, cstime are fields 14-17 (f[11..14] here).
      table.set(Number(entry), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / ticks });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

async function startDebugSshd() {
  const dir = makeTempDir('tomo-bench-sshd-');
  const port = await freePort();
  const hostKey = path.join(dir, 'host_ed25519_key');
  const pidFile = path.join(dir, 'sshd.pid');
  const logFile = path.join(dir, 'sshd.log');
  const config = path.join(dir, 'sshd_config');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey], { stdio: 'pipe' });
  const settings = { Port: port, ListenAddress: '127.0.0.1', HostKey: hostKey, PidFile: pidFile, LogLevel: 'DEBUG1', UsePAM: 'yes', PasswordAuthentication: 'yes', PermitRootLogin: 'no', MaxStartups: '100:30:200', MaxSessions: 100 };
  fs.writeFileSync(config, `${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join('\n')}\n`, { mode: 0o600 });
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync('/usr/sbin/sshd', ['-f', config, '-E', logFile], { stdio: 'pipe' });
  for (let i = 0; i < 500 && !(fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim()); i++) await new Promise((r) => setTimeout(r, 10));
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return {
    port,
    /** SSH channels opened so far, by every client. */
    channelOpens: () => fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(CHANNEL_OPEN)).length,
    /** CPU seconds of the sshd and everything under it (sessions, the shells they ran, their commands). */
    treeCpuSeconds() {
      const table = processTable(ticks);
      const tree = new Set([pid]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const [p, { ppid }] of table) if (tree.has(ppid) && !tree.has(p)) grew = tree.add(p) && true;
      }
      let sum = 0;
      for (const p of tree) sum += table.get(p)?.cpu ?? 0;
      return sum;
    },
    stop() {
      try {
        execFileSync('pkill', ['-KILL', '-P', String(pid)], { stdio: 'ignore' });
      } catch {
        // no children
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startDebugSshd };
