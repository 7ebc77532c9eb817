import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Writes a `tomo` command like bin/tomo.js — the compiled kernel's runCli with a distribution —
 * whose built-in plugin folder holds only the given plugins of this repository (symlinked). The
 * real bin/tomo.js loads every folder in plugins/, so a plugin another engineer has not built yet
 * would stop it; this keeps the CLI tests about the kernel. Returns the script's path.
 */
export function writeTomoCommand(parent: string, builtinPlugins: string[] = ['auth']): string {
  const builtins = path.join(parent, 'plugins');
  fs.mkdirSync(builtins, { recursive: true });
  for (const id of builtinPlugins) fs.symlinkSync(path.join(REPO_ROOT, 'plugins', id), path.join(builtins, id), 'dir');
  const script = path.join(parent, 'tomo.js');
  fs.writeFileSync(
    script,
    `#!/usr/bin/env node
'use strict';
const { runCli } = require(${JSON.stringify(path.join(REPO_ROOT, 'kernel', 'dist', 'index.js'))});
const { version } = require(${JSON.stringify(path.join(REPO_ROOT, 'package.json'))});
runCli({ version, builtinPluginDirs: [${JSON.stringify(builtins)}], uiShellDir: ${JSON.stringify(path.join(parent, 'no-console'))} }, process.argv);
`,
  );
  return script;
}

/** The command the tests run; set by {@link useTomoCommand}. */
export let TOMO_BIN = path.join(REPO_ROOT, 'bin', 'tomo.js');
export function useTomoCommand(script: string): void {
  TOMO_BIN = script;
}

/** Compiles the kernel (incremental) so kernel/dist matches kernel/src before spawning `tomo`. */
export function buildKernel(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'kernel'], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
      err ? reject(new Error(`tsc -b kernel failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

/** The environment without any TOMO_* variable of the machine running the tests, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOMO_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type TomoProcess = ChildProcess & { output: { stdout: string; stderr: string }; closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

/** Runs `tomo <args>` to completion. */
export function runTomo(args: string[], env: Record<string, string>, timeoutMs = 20000): Promise<Finished> {
  return finished(spawnTomo(args, env), timeoutMs);
}

/** Starts `tomo <args>` without waiting; collect the outcome with {@link finished}. */
export function spawnTomo(args: string[], env: Record<string, string>): TomoProcess {
  const child = spawn(process.execPath, [TOMO_BIN, ...args], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output.stderr += c.toString()));
  // 'close' (not 'exit'): fires once the output streams are drained too.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return Object.assign(child, { output, closed });
}

/** Waits for a spawned `tomo` to exit, killing it after `timeoutMs`; `ms` is how long that took. */
export async function finished(child: TomoProcess, timeoutMs = 20000): Promise<Finished & { ms: number }> {
  const started = Date.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await child.closed;
  clearTimeout(timer);
  return { code, signal, ...child.output, ms: Date.now() - started };
}

/** Polls `url` until it answers 200 (or gives up). */
export async function waitForOk(url: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
