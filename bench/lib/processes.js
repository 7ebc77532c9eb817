'use strict';
// Child processes and temp folders that a benchmark creates, tracked so they are always
// cleaned up: on normal exit, on an error, and on Ctrl-C / SIGTERM.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const children = new Set();
const tempDirs = new Set();
const OUTPUT_TAIL_BYTES = 16 * 1024;

const isRunning = (child) => child.exitCode === null && child.signalCode === null;

/** SIGKILLs every tracked child still running and removes every tracked temp folder. Synchronous, so safe in 'exit'. */
function cleanupSync() {
  for (const child of children) {
    if (isRunning(child)) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let handlersInstalled = false;
/** Installs exit/signal/crash handlers that run cleanupSync(). Idempotent. */
function installCleanupHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', cleanupSync);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      cleanupSync();
      process.exit(code);
    });
  }
  const crash = (err) => {
    process.stderr.write(`bench: ${err && err.stack ? err.stack : err}\n`);
    cleanupSync();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** A fresh temp folder, removed at exit (or earlier with removeTempDir). */
function makeTempDir(prefix = 'tomo-bench-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/**
 * Spawns `node <args>` (same Node binary as the benchmark) with stdout/stderr piped and the
 * last 16 KB of each kept for error messages. Returns a handle:
 *   { child, pid, name, spawnedAt, exited: Promise<{code, signal}>, output(), stop(timeoutMs) }
 */
function spawnNode(args, { name = args.join(' '), env = process.env, cwd, stdin = 'ignore' } = {}) {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  let tail = '';
  const keep = (chunk) => {
    tail += chunk.toString('utf8');
    if (tail.length > OUTPUT_TAIL_BYTES) tail = tail.slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  exited.catch(() => {}); // observed by callers that care; never an unhandled rejection

  /** SIGTERM, then SIGKILL if it has not exited after timeoutMs. Resolves the exit info. */
  async function stop(timeoutMs = 10000) {
    if (!isRunning(child)) return exited;
    child.kill('SIGTERM');
    let timer;
    const killed = new Promise((resolve) => {
      timer = setTimeout(() => {
        if (isRunning(child)) child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([exited, killed]);
    clearTimeout(timer);
    return exited;
  }

  return { child, pid: child.pid, name, spawnedAt, exited, output: () => tail, stop };
}

/** Runs `node <args>` to completion, optionally writing `input` to stdin. Rejects on a non-zero exit. */
async function runNode(args, { name, env, cwd, input, timeoutMs = 60000 } = {}) {
  const handle = spawnNode(args, { name, env, cwd, stdin: input === undefined ? 'ignore' : 'pipe' });
  if (input !== undefined) handle.child.stdin.end(input);
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await handle.exited.finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`${handle.name} failed (code ${code}, signal ${signal}):\n${handle.output()}`);
  return handle.output();
}

/** Resident set size (VmRSS) and peak (VmHWM) of a process, in bytes, from /proc/<pid>/status. */
function readRss(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => {
    const m = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

let clockTicks;
/** Kernel clock ticks per second (USER_HZ), the unit of /proc CPU times. */
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(require('node:child_process').execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // USER_HZ on practically every Linux
    }
  }
  return clockTicks;
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
function readCpuSeconds(pid) {
  const clockTicks = ticksPerSecond();
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may contain spaces): state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return (utime + stime) / clockTicks;
}

/** CPU seconds used so far by every process on the machine except `excludePids`, as a Map pid -> seconds. */
function otherProcessesCpu(excludePids = []) {
  const skip = new Set([process.pid, ...excludePids].map(Number));
  const out = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || skip.has(Number(entry))) continue;
    try {
      out.set(Number(entry), readCpuSeconds(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds other processes used between two otherProcessesCpu() snapshots (processes alive
 * at both). A noise indicator: other people's builds or tests running during a measurement.
 */
function otherCpuDelta(before, after) {
  let sum = 0;
  for (const [pid, t] of after) if (before.has(pid)) sum += Math.max(0, t - before.get(pid));
  return sum;
}

/** CPU time this (benchmark) process has used so far, in seconds: includes autocannon when it runs in-process. */
function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

module.exports = {
  installCleanupHandlers,
  cleanupSync,
  makeTempDir,
  removeTempDir,
  spawnNode,
  runNode,
  readRss,
  readCpuSeconds,
  otherProcessesCpu,
  otherCpuDelta,
  ownCpuSeconds,
};
