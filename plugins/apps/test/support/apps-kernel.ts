import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { AuthTokens } from '@tomo/plugin-auth/api';
import type { ComposeStatus } from '@tomo/plugin-preparation/api';
import { authPlugin } from '../../../auth/src/plugin';
import { PreparationEntity } from '../../../preparation/src/entities/preparation.entity';
import { builtInPreparersModule, preparationPlugin } from '../../../preparation/src/plugin';
import { serversPlugin } from '../../../servers/src/plugin';
import { appsPlugin, builtInCatalogModule } from '../../src/plugin';
import { loadTestbed } from '../../../../scripts/testbed/testbed.js';

export const TEST_CATALOG = path.join(__dirname, '..', 'fixtures', 'test-catalog');
export const testbed = loadTestbed;

export const ADMIN = { username: 'admin', password: 'admin-password-1234' };
export const ALICE = { username: 'alice', password: 'alice-password-1234' };
export const BOB = { username: 'bob', password: 'bob-password-12345' };

export type AppsKernel = TestKernel & { tokens: { admin: string; alice: string; bob: string }; dataRoot: string };

/**
 * A kernel with auth, servers, preparation and apps (built-in catalog plus the test catalog), an
 * admin and two users logged in. App data goes to a fresh folder under /tmp: the test bed's
 * server is this machine, so tests can look at it directly.
 */
export async function startAppsKernel(options: { config?: Record<string, unknown>; dataDir?: string } = {}): Promise<AppsKernel> {
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-apps-data-'));
  const t = await startTestKernel({
    plugins: [authPlugin, serversPlugin, preparationPlugin, appsPlugin],
    modules: [builtInPreparersModule, builtInCatalogModule],
    dataDir: options.dataDir,
    config: { catalog: { dirs: [TEST_CATALOG] }, apps: { dataRoot, stopTimeoutSeconds: 1 }, ...options.config },
  });
  const users = t.kernel.resolve(AuthTokens.UserService);
  const call = { transport: 'cli' as const, clientIp: 'local', requestId: 'test', log: t.kernel.logger };
  for (const [who, role, email] of [[ADMIN, 'admin', 'a@example.com'], [ALICE, 'user', 'alice@example.com'], [BOB, 'user', 'bob@example.com']] as const) {
    if (!(await users.findByUsername(who.username))) await users.create({ ...who, email, role }, call);
  }
  const login = async (who: { username: string; password: string }) => (await t.request('POST', '/api/auth/login', { body: who })).body.token as string;
  return Object.assign(t, { tokens: { admin: await login(ADMIN), alice: await login(ALICE), bob: await login(BOB) }, dataRoot });
}

/** Adds the test bed's sshd (password login) for the token's user and returns the server id. */
export async function addTestbedServer(t: TestKernel, token: string, name = `testbed-${crypto.randomBytes(3).toString('hex')}`): Promise<string> {
  const { ssh } = testbed();
  const res = await t.request('POST', '/api/servers', { token, body: { name, host: ssh.host, port: ssh.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } } });
  if (res.status !== 201) throw new Error(`add server: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Compose v2 as the test bed's host has it (the CLI plugin `docker compose`), as preparation records it. */
export function hostCompose(): ComposeStatus {
  return { available: true, version: testbed().docker.composeVersion, command: ['docker', 'compose'] };
}

/**
 * Records the server as prepared, by default with the host's Compose v2 (`compose: null` is a
 * preparation that never checked, as before Compose; `{ available: false, reason }` a server
 * without it). The test bed's host runs Docker without systemd, so the preparation plugin cannot
 * run its own steps here (it is proven on fresh Debian machines in plugins/preparation/test); this
 * stands in for a completed run, exactly as the plugin stores it.
 */
export async function markPrepared(t: TestKernel, serverId: string, options: { compose?: ComposeStatus | null } = {}): Promise<void> {
  const compose = options.compose === undefined ? hostCompose() : options.compose;
  const repo = t.kernel.dataSource.getRepository(PreparationEntity);
  await repo.delete({ serverId }); // marked again: what a new preparation run leaves
  await repo.insert({
    id: randomUUID(),
    serverId,
    status: 'completed',
    currentStep: null,
    failedStep: null,
    error: null,
    stepsJson: '[]',
    preparerId: 'debian-family',
    osJson: null,
    composeJson: compose ? JSON.stringify(compose) : null,
    startedBy: null,
    startedAt: new Date(),
    finishedAt: new Date(),
    updatedAt: new Date(),
  });
}

/** The test bed's engine, straight through its socket (to look behind Tomo's back). */
export const localDocker = () => new Docker({ socketPath: testbed().docker.socket });

/**
 * Removes, behind Tomo's back, every app container a test left on the test bed's engine for
 * `serverId`, and the networks of their Compose projects: a project's network outlives its
 * containers, and the engine's address pools hold only about 30 networks.
 */
export async function removeServerApps(serverId: string): Promise<void> {
  const docker = localDocker();
  const containers = await docker.listContainers({ all: true, filters: { label: [`io.tomo.server=${serverId}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const projects = new Set(containers.map((c) => c.Labels['com.docker.compose.project']).filter(Boolean));
  for (const project of projects) {
    for (const n of await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
}

/** Polls the installation until it leaves `installing`. */
export async function waitInstalled(t: TestKernel, token: string, id: string, timeoutMs = 60000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request('GET', `/api/apps/installations/${id}`, { token });
    if (res.status !== 200) throw new Error(`get installation: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.installation.state !== 'installing') return res.body.installation;
    if (Date.now() > deadline) throw new Error(`still installing after ${timeoutMs} ms: ${JSON.stringify(res.body.installation.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** GET http://127.0.0.1:<port>/ from this machine: the body, or null when nothing answers. */
export async function fetchPage(port: number): Promise<string | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await res.text();
  } catch {
    return null;
  }
}

/**
 * {@link markPrepared} for a Tomo running in another process (with the host's Compose v2): the
 * same row, written straight to its database. `database` is its SQLite file (WAL lets a second
 * writer in; busy_timeout waits for Tomo's own writes) or, when it runs on PostgreSQL, its
 * `postgres://` URL.
 */
export async function markPreparedInDatabase(database: string, serverId: string): Promise<void> {
  const now = new Date();
  const row = [randomUUID(), serverId, 'completed', '[]', JSON.stringify(hostCompose())];
  const columns = '"id", "serverId", "status", "stepsJson", "composeJson", "updatedAt", "startedAt", "finishedAt"';
  if (/^postgres(ql)?:\/\//.test(database)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('pg') as typeof import('pg');
    const client = new Client({ connectionString: database });
    await client.connect();
    try {
      await client.query(`INSERT INTO "preparations" (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)`, [...row, now]);
    } finally {
      await client.end();
    }
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3');
  const db = new Database(database);
  try {
    db.pragma('busy_timeout = 5000');
    // SQLite keeps TypeORM's datetime text: "YYYY-MM-DD HH:MM:SS.SSS" in UTC.
    const at = now.toISOString().replace('T', ' ').replace('Z', '');
    db.prepare(`INSERT INTO preparations (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...row, at, at, at);
  } finally {
    db.close();
  }
}
