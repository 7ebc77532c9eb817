/**
 * Several instances on one PostgreSQL database (issue 24): one leads, another takes over when it
 * goes, and a message published on one reaches all. Runs only in the PostgreSQL pass
 * (scripts/postgres/test-files.js); without TOMO_TEST_DATABASE_URL it fails rather than pass
 * on SQLite, where there is nothing to share.
 */
import fs from 'node:fs';
import { KernelTokens, type Cluster } from '../src';
import { startTestKernel, type TestKernel } from '../src/testing';
import { useTestbedPostgres } from '../../test-support/testbed-postgres';

useTestbedPostgres();

const CHECK_MS = 200;
const config = { cluster: { leaderCheckMs: CHECK_MS } };

let first: TestKernel;
let second: TestKernel | undefined;

const clusterOf = (t: TestKernel) => t.kernel.container.resolve(KernelTokens.Cluster) as Cluster;

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

beforeAll(() => {
  useTestbedPostgres();
});

beforeEach(async () => {
  first = await startTestKernel({ config, listen: false });
});

afterEach(async () => {
  await second?.stop({ keepData: true }).catch(() => undefined);
  second = undefined;
  await first.stop();
});

test('the first instance leads; a second on the same database follows, and takes over within two checks when the leader stops', async () => {
  expect(clusterOf(first).isLeader()).toBe(true);
  second = await startTestKernel({ config, listen: false, dataDir: first.dataDir });
  expect(fs.readFileSync(`${first.dataDir}/test-database.url`, 'utf8')).toMatch(/^postgres/);
  const follower = clusterOf(second);
  expect(follower.isLeader()).toBe(false);
  // Several checks later it still follows: the lock is held, not raced for.
  await new Promise((r) => setTimeout(r, CHECK_MS * 3));
  expect(follower.isLeader()).toBe(false);

  const changes: boolean[] = [];
  follower.onLeadershipChange((leader) => changes.push(leader));
  await first.kernel.stop();
  const tookMs = await waitFor('the follower to lead', () => follower.isLeader(), CHECK_MS * 2 + 500);
  expect(changes).toEqual([true]);
  expect(tookMs).toBeLessThanOrEqual(CHECK_MS * 2 + 500);
});

test('a message published on one instance reaches the subscribers of every instance, once each', async () => {
  second = await startTestKernel({ config, listen: false, dataDir: first.dataDir });
  const got: Array<[string, unknown]> = [];
  clusterOf(first).subscribe('test.events', (m) => got.push(['first', m]));
  clusterOf(second).subscribe('test.events', (m) => got.push(['second', m]));
  clusterOf(second).subscribe('test.other', (m) => got.push(['second-other', m]));
  // LISTEN is sent on subscribe; give it a moment to reach the server.
  await new Promise((r) => setTimeout(r, 100));
  await clusterOf(first).publish('test.events', { serverId: 'a', n: 1 });
  await waitFor('both instances to receive it', () => got.length >= 2, 5000);
  await new Promise((r) => setTimeout(r, 100));
  expect(got.sort()).toEqual([
    ['first', { serverId: 'a', n: 1 }],
    ['second', { serverId: 'a', n: 1 }],
  ]);
});

test('a message that is too big or on a malformed channel is refused before it is sent', async () => {
  const cluster = clusterOf(first);
  await expect(cluster.publish('test.big', { blob: 'x'.repeat(8000) })).rejects.toThrow('is over 7000 bytes');
  await expect(cluster.publish('NoDot', {})).rejects.toThrow('must be <plugin id>.<name>');
});
