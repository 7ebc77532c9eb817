/**
 * A fleet larger than one batch of concurrent polls is spread over up to half the interval, so
 * Tomo's CPU is not spent in one burst the console would wait behind; stopping does not wait for
 * the spread. Six test-bed server records, one poll at a time, a 2-second interval: a round's
 * polls start about 1 s / 6 apart.
 */
import { ServersTokens } from '@tomo/plugin-servers/api';
import { spyOnHandles } from '../../servers/test/support/handle-spy';
import { addTestbedServer, startMonitoringKernel, type MonitoringKernel } from './support/monitoring-kernel';
import { waitFor } from './support/wait-for';

let t: MonitoringKernel | undefined;
afterAll(async () => {
  await t?.stop();
});

test('six servers, one at a time, every 2 s: the polls of a round start spread over about a second; stop is prompt', async () => {
  t = await startMonitoringKernel({ config: { monitoring: { intervalSeconds: 2, maxConcurrentPolls: 1 } } });
  const servers = t.kernel.resolve(ServersTokens.ServerService);
  const ids = new Set<string>();
  for (let i = 0; i < 6; i++) ids.add(await addTestbedServer(t, t.tokens.alice, `spread-${i}`));
  const starts: number[] = [];
  spyOnHandles(servers, (call, proceed) => {
    if (call.method === 'exec' && ids.has(call.serverId)) starts.push(Date.now());
    return proceed();
  });
  // A whole round of the six, after the first (which also opened the connections).
  await waitFor('two rounds', async () => starts.length >= 12, 30000, 100);
  const round = starts.slice(6, 12);
  const gaps = round.slice(1).map((at, i) => at - round[i]);
  // 1000 ms / 6 ≈ 167 ms between starts (a poll itself takes a few ms here): clearly spread, within half the interval.
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(120);
  expect(round[5] - round[0]).toBeLessThan(1500);

  const stopping = Date.now();
  await t.stop();
  t = undefined;
  expect(Date.now() - stopping).toBeLessThan(3000);
});
