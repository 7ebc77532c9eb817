/**
 * Issue 24, acceptance 2: two Tomo instances on one PostgreSQL database behind nginx (the admin
 * guide's own config), polling two servers (private sshds that log every command they run):
 *   - each server is polled once per interval, not once per instance (counted in sshd's log);
 *   - the leader is killed with SIGKILL: the other takes over within two intervals, and the
 *     samples in the database have no gap longer than that and no doubles;
 *   - a sign-in and a token work through either instance, failed sign-ins on one count on the
 *     other (the shared throttle); MCP works through the proxy.
 * Real processes throughout; PostgreSQL pass only (fails without TOMO_TEST_DATABASE_URL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { assertBuilt, runTomo, serveTomo } from '../../plugins/auth/test/support/tomo-cli';
import { startOwnSshd, type OwnSshd } from '../../plugins/servers/test/support/own-sshd';
import { loadTestbed } from '../testbed/testbed.js';
import { startNginx, type RunningNginx } from './support/nginx-two-instances';
import { api, onServer, scratchDatabase } from './support/processes-api';
import { useTestbedPostgres } from '../../test-support/testbed-postgres';

useTestbedPostgres();

const INTERVAL_S = 2;
const CHECK_MS = 500;
const ADMIN = { username: 'admin', password: 'two-instances-password-1' };

type Tomo = Awaited<ReturnType<typeof serveTomo>>;

let root: string;
let database: Awaited<ReturnType<typeof scratchDatabase>>;
let databaseUrl: string;
const sshds: OwnSshd[] = [];
const instances: Record<'a' | 'b', Tomo | undefined> = { a: undefined, b: undefined };
let nginx: RunningNginx | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Commands an sshd has run so far: one "Starting session: command" line each (LogLevel VERBOSE). */
const commandsRun = (sshd: OwnSshd) => (fs.existsSync(sshd.logFile) ? fs.readFileSync(sshd.logFile, 'utf8').match(/Starting session: command/g)?.length ?? 0 : 0);
/** Which instance's log says it leads now (the last leadership line of each). */
function leaderNow(): 'a' | 'b' | undefined {
  const leads = (name: 'a' | 'b') => {
    const log = path.join(root, name, 'logs', 'tomo.log');
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('instance leads') || l.includes('no longer leads')) : [];
    return lines.at(-1)?.includes('This instance leads') ?? false;
  };
  const leading = (['a', 'b'] as const).filter((n) => instances[n] && leads(n));
  return leading.length === 1 ? leading[0] : undefined;
}

async function samplesBySeries(): Promise<number[][]> {
  const rows = await onServer((c) => c.query<{ seriesId: number; ts: string }>('SELECT "seriesId", ts FROM metric_samples ORDER BY "seriesId", ts'), databaseUrl);
  const by = new Map<number, number[]>();
  for (const r of rows.rows) by.set(r.seriesId, [...(by.get(r.seriesId) ?? []), Number(r.ts)]);
  return [...by.values()];
}

beforeAll(async () => {
  useTestbedPostgres();
  assertBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-two-instances-'));
  database = await scratchDatabase('two');
  databaseUrl = database.url;
  for (let i = 0; i < 2; i++) sshds.push(await startOwnSshd({ extraConfig: ['LogLevel VERBOSE'] }));
});

afterAll(async () => {
  await nginx?.stop();
  for (const name of ['a', 'b'] as const) await instances[name]?.kill();
  for (const sshd of sshds) await sshd.cleanup();
  await database?.drop().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

test('two instances poll each server once per interval; when the leader is killed the other takes over within two intervals, losing and doubling no sample', async () => {
  const config = `monitoring:\n  intervalSeconds: ${INTERVAL_S}\ncluster:\n  leaderCheckMs: ${CHECK_MS}\nserver:\n  trustProxy: true\nauth:\n  throttle:\n    perUsername:\n      attempts: 3\n      windowSeconds: 60\n`;
  const envOf = (name: 'a' | 'b') => {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    fs.writeFileSync(path.join(root, name, 'config.yaml'), config);
    return { TOMO_DATA_DIR: path.join(root, name), TOMO_CONFIG: path.join(root, name, 'config.yaml'), TOMO_DATABASE_URL: databaseUrl };
  };
  const env = { a: envOf('a'), b: envOf('b') };
  expect(runTomo(['admin', 'create', '--username', ADMIN.username, '--email', 'admin@example.org', '--password-stdin'], env.a, `${ADMIN.password}\n`).status).toBe(0);
  // The admin guide: every instance gets the same secrets (vault key, session signing key).
  fs.cpSync(path.join(root, 'a', 'secrets'), path.join(root, 'b', 'secrets'), { recursive: true });
  instances.a = await serveTomo(env.a);
  instances.b = await serveTomo(env.b);
  nginx = await startNginx(fs.mkdtempSync(path.join(root, 'nginx-')), Number(new URL(instances.a.url).port), Number(new URL(instances.b.url).port));

  // Through the proxy: sign in, add the two servers.
  const login = await api(nginx.url, 'POST', '/api/auth/login', undefined, ADMIN);
  expect(login.status).toBe(200);
  const token = login.body.token as string;
  const { ssh } = loadTestbed();
  for (const [i, sshd] of sshds.entries()) {
    const added = await api(nginx.url, 'POST', '/api/servers', token, { name: `server-${i}`, host: '127.0.0.1', port: sshd.port, username: ssh.username, authType: 'password', credentials: { password: ssh.password } });
    expect(added.status).toBe(201);
  }

  // A sign-in and its token are good on either instance (sessions are in the database).
  for (const name of ['a', 'b'] as const) {
    expect((await api(instances[name]!.url, 'GET', '/api/auth/me', token)).status).toBe(200);
    expect((await api(instances[name]!.url, 'POST', '/api/auth/login', undefined, ADMIN)).status).toBe(200);
  }
  // MCP through the proxy: the session stays on one instance (pinned by the token), call after call.
  const mcp = await connectMcp(nginx.url, token);
  try {
    for (let i = 0; i < 5; i++) expect(resultText(await mcp.callTool({ name: 'list_servers', arguments: {} })).isError).toBe(false);
  } finally {
    await mcp.close();
  }

  // Failed sign-ins through one instance count on the other: the third refuses the next on both.
  const wrong = { username: ADMIN.username, password: 'not-the-password-1' };
  for (const name of ['a', 'b', 'a'] as const) expect((await api(instances[name]!.url, 'POST', '/api/auth/login', undefined, wrong)).status).toBe(401);
  for (const name of ['b', 'a'] as const) expect((await api(instances[name]!.url, 'POST', '/api/auth/login', undefined, ADMIN)).status).toBe(429);

  // Exactly one leads; over 5 intervals each server runs about 5 probe commands, not 10.
  const leader = leaderNow();
  expect(leader).toBeDefined();
  await sleep(INTERVAL_S * 1000);
  const before = sshds.map(commandsRun);
  await sleep(5 * INTERVAL_S * 1000);
  const polls = sshds.map((s, i) => commandsRun(s) - before[i]);
  for (const n of polls) expect(n).toBeGreaterThanOrEqual(4);
  for (const n of polls) expect(n).toBeLessThanOrEqual(6);

  // SIGKILL the leader: the other leads, and polls, within two intervals.
  const survivor = leader === 'a' ? 'b' : 'a';
  const killedAt = Date.now();
  await instances[leader!]!.kill();
  instances[leader!] = undefined;
  while (leaderNow() !== survivor) {
    if (Date.now() - killedAt > 2 * INTERVAL_S * 1000) throw new Error(`instance ${survivor} did not take over within two intervals`);
    await sleep(50);
  }
  const tookOverMs = Date.now() - killedAt;
  const afterKill = sshds.map(commandsRun);
  await sleep(5 * INTERVAL_S * 1000);
  const pollsAfter = sshds.map((s, i) => commandsRun(s) - afterKill[i]);
  for (const n of pollsAfter) expect(n).toBeGreaterThanOrEqual(4);
  for (const n of pollsAfter) expect(n).toBeLessThanOrEqual(6);

  // The samples: per server, no two in the same second or closer than half an interval
  // (doubled), and no gap longer than two intervals (lost), the takeover included.
  const series = await samplesBySeries();
  expect(series).toHaveLength(2);
  for (const ts of series) {
    const gaps = ts.slice(1).map((t, i) => t - ts[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_S / 2);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * INTERVAL_S);
  }

  // Through the proxy again: the dead instance's share is served by the survivor.
  expect((await api(nginx.url, 'GET', '/api/servers', token)).status).toBe(200);
  const summary = await api(nginx.url, 'GET', '/api/metrics/summary', token);
  expect(summary.status).toBe(200);
  console.log(`takeover after SIGKILL: ${tookOverMs} ms; probe commands per server over 5 intervals: ${polls.join(', ')} before, ${pollsAfter.join(', ')} after`);
}, 180000);
