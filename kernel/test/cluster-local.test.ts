/** On SQLite there is one instance: it always leads, and messages stay in the process. */
import { KernelTokens, type Cluster } from '../src';
import { startTestKernel, type TestKernel } from '../src/testing';

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ listen: false, config: { database: { busyTimeoutMs: 5000 } } });
});
afterAll(() => t.stop());

test('the only instance leads and delivers its own messages to its subscribers, after publish returns', async () => {
  const cluster = t.kernel.container.resolve(KernelTokens.Cluster) as Cluster;
  expect(cluster.isLeader()).toBe(true);
  expect(cluster.instance).toMatch(/:\d+$/);
  const got: unknown[] = [];
  const unsubscribe = cluster.subscribe('test.events', (m) => got.push(m));
  await cluster.publish('test.events', { n: 1 });
  expect(got).toEqual([]); // asynchronous, like NOTIFY
  await new Promise((r) => setImmediate(r));
  expect(got).toEqual([{ n: 1 }]);
  unsubscribe();
  await cluster.publish('test.events', { n: 2 });
  await new Promise((r) => setImmediate(r));
  expect(got).toEqual([{ n: 1 }]);
  await expect(cluster.publish('test.big', 'x'.repeat(7001))).rejects.toThrow('is over 7000 bytes');
});
