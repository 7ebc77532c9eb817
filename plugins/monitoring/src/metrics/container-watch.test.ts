import type { AppsApi, InstallationView, RecordedInstallation } from '@tomo/plugin-apps/api';
import { BLIND_ENGINE_CHECK_EVERY, ContainerWatch, newContainerWatchState } from './container-watch';

const ID = 'c'.repeat(64);
const rec = (over: Partial<RecordedInstallation> = {}): RecordedInstallation => ({
  id: 'inst-1',
  serverId: 'srv',
  ownerId: 'alice',
  appId: 'web',
  appName: 'Web',
  containerName: 'tomo-web',
  containerId: ID,
  state: 'running',
  busy: false,
  ...over,
});

/** Error paths of the watch with a scripted Docker answer; the real engine is in test/app-metrics.e2e.test.ts. */
function setup(engine: () => Promise<Array<Partial<InstallationView>>>, recorded: RecordedInstallation[] = [rec()]) {
  const recorded$ = { list: recorded };
  const asked = { count: 0 };
  const events: unknown[] = [];
  const apps = {
    listForSystem: async () => {
      asked.count += 1;
      return (await engine()) as InstallationView[];
    },
    recorded: async () => recorded$.list,
  } as unknown as AppsApi;
  const watch = new ContainerWatch(apps, { appCrashed: async (e) => void events.push(e) });
  const state = newContainerWatchState();
  const observe = (seen: Map<string, { cpuNs: number | null; memBytes: number | null }> | null) =>
    watch.observe(state, { serverId: 'srv', recorded: recorded$.list, seen, hostPrevious: null, hostCurrent: null });
  return { observe, state, asked, events, recorded$ };
}

test('Docker unreachable while the cgroup is gone: unknown with Docker\'s words, no crash event', async () => {
  const w = setup(async () => [{ id: 'inst-1', state: 'unknown', stateDetail: 'Docker on the server could not be asked: connect ENOENT' }]);
  await w.observe(new Map());
  expect(w.state.statuses).toEqual([expect.objectContaining({ state: 'unknown', detail: expect.stringMatching(/could not be asked/) })]);
  expect(w.events).toEqual([]);
});

test('a cgroup layout the probe cannot see: Docker says running, so the server is "blind" and Docker is asked only every few polls', async () => {
  const w = setup(async () => [{ id: 'inst-1', state: 'running', stateDetail: null }]);
  for (let i = 0; i < BLIND_ENGINE_CHECK_EVERY * 2; i++) await w.observe(new Map());
  expect(w.state.blind).toBe(true);
  expect(w.asked.count).toBe(2); // polls 1 and 11 of 20
  expect(w.state.statuses[0]).toMatchObject({ state: 'running' });
  expect(w.events).toEqual([]);
});

test('busy (being started or stopped), no container section, or Docker failing: no event', async () => {
  const busy = setup(async () => [], [rec({ busy: true })]);
  await busy.observe(new Map());
  expect(busy.asked.count).toBe(0);
  expect(busy.state.statuses[0].state).toBe('running');

  const noSection = setup(async () => []);
  await noSection.observe(null);
  expect(noSection.state.statuses[0]).toMatchObject({ state: 'unknown' });

  const failing = setup(async () => {
    throw new Error('boom');
  });
  await failing.observe(new Map());
  expect(failing.state.statuses[0]).toMatchObject({ state: 'unknown' });
  expect(failing.events).toEqual([]);
});

test('stopped through Tomo between the probe and the check: no crash', async () => {
  const w = setup(async () => {
    w.recorded$.list = [rec({ state: 'stopped' })];
    return [{ id: 'inst-1', state: 'crashed', stateDetail: 'Exited (0)' }];
  });
  await w.observe(new Map());
  expect(w.events).toEqual([]);
  expect(w.state.statuses[0].state).toBe('stopped');
});
