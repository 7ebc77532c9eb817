'use strict';
// Starting a real `tomo serve` (and the tomo CLI) for a benchmark.
const fs = require('node:fs');
const path = require('node:path');
const { freePort } = require('./ports');
const { request, waitFor200 } = require('./http');
const { spawnNode, runNode } = require('./processes');
const { serviceEnvironment } = require('./service-env');

const ROOT = path.resolve(__dirname, '..', '..');
const TOMO_BIN = path.join(ROOT, 'bin', 'tomo.js');

/** Throws a clear message when the TypeScript build (kernel + auth dist/) is missing. */
function ensureBuilt() {
  for (const file of ['kernel/dist/index.js', 'plugins/auth/dist/plugin.js']) {
    if (!fs.existsSync(path.join(ROOT, file))) {
      throw new Error(`${file} is missing: build first with \`cd ${ROOT} && npx tsc -b plugins/auth\``);
    }
  }
}

/**
 * Environment for a tomo process: the caller's, minus any TOMO_* setting that could leak in
 * from the shell (port, log level, config file...), plus TOMO_DATA_DIR and `extra`.
 */
function tomoEnv(dataDir, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOMO_')) env[k] = v;
  return { ...env, TOMO_DATA_DIR: dataDir, ...extra };
}

/** `tomo <args>` to completion (e.g. `admin create`); rejects on failure. */
function runTomoCli(args, { dataDir, input, env } = {}) {
  return runNode([TOMO_BIN, ...args], { name: `tomo ${args.join(' ')}`, cwd: ROOT, env: tomoEnv(dataDir, env), input });
}

/** Creates an admin through the CLI (this also creates and migrates the data folder). */
async function createAdmin(dataDir, { username = 'bench', email = 'bench@example.com', password = 'bench-Passw0rd-long!' } = {}) {
  await runTomoCli(['admin', 'create', '--username', username, '--email', email, '--password-stdin'], { dataDir, input: `${password}\n` });
  return { username, email, password };
}

/**
 * Spawns `tomo serve` on a free loopback port, with the shipped systemd unit's `Environment=`
 * settings (bench/lib/service-env.js) under the caller's `env`, and waits until /health answers
 * 200 (polled every `pollMs`). Returns { handle, url, port, spawnToHealthMs }. On failure the process is
 * stopped and the error carries its output.
 */
async function startTomo({ dataDir, port, nodeArgs = [], env, pollMs = 10, timeoutMs = 30000 } = {}) {
  port = port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const handle = spawnNode([...nodeArgs, TOMO_BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    name: 'tomo serve',
    cwd: ROOT,
    env: tomoEnv(dataDir, { ...serviceEnvironment(), ...env }),
  });
  try {
    const readyAt = await waitFor200(`${url}/health`, { intervalMs: pollMs, timeoutMs, exited: handle.exited });
    return { handle, url, port, spawnToHealthMs: readyAt - handle.spawnedAt };
  } catch (err) {
    await handle.stop(2000);
    err.message += `\n--- tomo serve output ---\n${handle.output()}`;
    throw err;
  }
}

/** POST /api/auth/login; returns the bearer token. */
async function login(url, { username, password }) {
  const res = await request('POST', `${url}/api/auth/login`, { body: { username, password } });
  if (res.status !== 200 || !res.json || !res.json.token) throw new Error(`login failed: HTTP ${res.status} ${res.body}`);
  return res.json.token;
}

module.exports = { ROOT, TOMO_BIN, ensureBuilt, tomoEnv, runTomoCli, createAdmin, startTomo, login };
