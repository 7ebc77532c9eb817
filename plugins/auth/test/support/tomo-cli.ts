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

/** Starts `tomo serve` on a free port and waits for /health. */
export async function serveTomo(env: Record<string, string>, port: number): Promise<{ url: string; pid: number; stop(): Promise<number | null>; kill(): Promise<void> }> {
  const child = spawn(process.execPath, [TOMO_BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: { PATH: process.env.PATH ?? '', TOMO_CONFIG: '/dev/null', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tomo serve exited early: ${stderr}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`tomo serve did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
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

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
