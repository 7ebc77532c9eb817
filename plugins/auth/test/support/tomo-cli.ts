import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The built `tomo` command of this checkout. */
export const TOMO_BIN = path.resolve(__dirname, '../../../../bin/tomo.js');

/** CLI tests run the built program, as a user would: fail clearly when it is not built. */
export function assertBuilt(): void {
  for (const file of ['kernel/dist/index.js', 'plugins/auth/dist/plugin.js']) {
    if (!fs.existsSync(path.resolve(__dirname, '../../../..', file))) throw new Error(`${file} is missing: run \`npm run build\` before these tests`);
  }
}

/** Runs `tomo <args>` to completion with only the given environment (no /etc/tomo config). */
export function runTomo(args: string[], env: Record<string, string>, input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TOMO_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null', ...env },
    input,
    encoding: 'utf8',
    timeout: 60000,
  });
}

/**
 * What `tomo serve` prints once it listens: "Tomo <version> listening on <url> (data: …)", on a
 * line of its own (its stdout also carries the JSON log lines, whose message says the same).
 */
const LISTENING = /^Tomo \S+ listening on (http:\/\/\S+) \(data: /m;

/**
 * Starts `tomo serve` and waits for /health. Without a port, Tomo binds port 0 and the URL is
 * read from its "listening on" line: the port is never free-then-taken by another process in
 * between. A given port is used as it is (a test that must know it beforehand).
 */
export async function serveTomo(env: Record<string, string>, port = 0): Promise<{ url: string; pid: number; stop(): Promise<number | null>; kill(): Promise<void> }> {
  const child = spawn(process.execPath, [TOMO_BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const healthy = (url: string) => fetch(`${url}/health`).then((res) => res.ok, () => false);
  const deadline = Date.now() + 20000;
  let url: string | undefined;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tomo serve exited early: ${stderr}`);
    // Only this child's own line says where it listens: /health on a guessed port could be
    // answered by another Tomo.
    url ??= LISTENING.exec(stdout)?.[1];
    if (url && (await healthy(url))) break;
    if (Date.now() > deadline) throw new Error(`tomo serve did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: url as string, // the loop ends only with a URL that answered
    pid: child.pid as number,
    /** SIGKILL: no shutdown at all, as a crash or an OOM kill. */
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
