import { enableAutoUnmount, flushPromises, mount, RouterLinkStub, type VueWrapper } from '@vue/test-utils';
import { installFakeFetch, type FakeRoute } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeStreamServer, frame, routeStreamsTo } from '../../../../ui-shell/src/test-utils/fake-stream';
import type { InstallStepView } from '../api';
import ServerAppsTab from '../ServerAppsTab.vue';
import { makeInstallation, SERVER_ID, signIn } from '../test-fixtures';

enableAutoUnmount(afterEach);

const kuma = makeInstallation();
const BASE = `/api/apps/installations/${kuma.id}`;
const checked = makeInstallation({
  updates: { ...kuma.updates, check: { checkedAt: '2026-01-01T00:00:00.000Z', available: true, reasons: ['the catalog has version 3 (installed: 2)'], catalogVersion: '3', error: null } },
});
const steps = (states: Record<string, InstallStepView['state']>): InstallStepView[] =>
  (['check', 'snapshot', 'pull', 'recreate', 'health', 'rollback'] as const).map((id) => ({ id, title: id, state: states[id] ?? 'pending', detail: null }));
const accepted = makeInstallation({ progress: steps({ check: 'done' }), updates: { ...checked.updates, operation: 'update' } });
const rolledBack = makeInstallation({
  progress: steps({ check: 'done', snapshot: 'done', pull: 'done', recreate: 'done', health: 'failed', rollback: 'done' }),
  updates: {
    ...kuma.updates,
    last: { at: '2026-01-01T00:01:00.000Z', result: 'rolled_back', message: 'The update to Uptime Kuma 3 failed (The app did not answer within 30 s); rolled back to Uptime Kuma 2' },
    snapshots: [{ id: 's1', createdAt: '2026-01-01T00:00:30.000Z', file: '/srv/tomo/apps/.tomo-snapshots/x/s1.tar.gz', sizeBytes: 2_500_000, appVersion: '2', images: [] }],
  },
});

async function open(routes: Record<string, FakeRoute>): Promise<{ wrapper: VueWrapper; server: FakeStreamServer }> {
  installFakeFetch({ [`GET /api/servers/${SERVER_ID}/apps`]: { body: { installations: [kuma] } }, ...routes });
  const server = new FakeStreamServer();
  routeStreamsTo(server);
  signIn();
  const wrapper = mount(ServerAppsTab, { props: { serverId: SERVER_ID, streamTuning: { retryMs: 5, idleTimeoutMs: 0 } }, global: { stubs: { teleport: true, RouterLink: RouterLinkStub } }, attachTo: document.body });
  await flushPromises();
  await wrapper.get('[data-testid="app-update"]').trigger('click');
  await flushPromises();
  return { wrapper, server };
}

const at = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const stepStates = (wrapper: VueWrapper) => wrapper.findAll('[data-testid^="update-step-"]').map((li) => `${li.attributes('data-testid')!.slice(12)}:${li.attributes('data-state')}`);

describe('the update dialog', () => {
  it('shows what runs, checks on demand and says why an update is available', async () => {
    const { wrapper } = await open({ [`POST ${BASE}/check-updates`]: { body: { installation: checked } } });
    expect(at(wrapper, 'update-installed').text()).toBe('version 2');
    expect(wrapper.find('[data-testid="update-check"]').exists()).toBe(false);
    await at(wrapper, 'update-check-now').trigger('click');
    await flushPromises();
    expect(at(wrapper, 'update-check').attributes('data-available')).toBe('true');
    expect(at(wrapper, 'update-check').text()).toContain('Update available: the catalog has version 3 (installed: 2).');
    // The row says so too once the dialog's answer is back in the list.
    expect(wrapper.find('[data-testid="app-update-available"]').exists()).toBe(true);
  });

  it('follows the update live on the event stream and shows the rollback, its reason and the snapshot size', async () => {
    const { wrapper, server } = await open({ [`POST ${BASE}/update`]: { status: 202, body: { installation: accepted } } });
    await at(wrapper, 'update-start').trigger('click');
    await flushPromises();
    expect(server.connections.map((c) => c.url)).toEqual([`${BASE}/events`]);
    expect(wrapper.find('[data-testid="update-outcome"]').exists()).toBe(false);
    expect(at(wrapper, 'update-start').attributes('disabled')).toBeDefined();
    server.current.push(frame('progress', { steps: steps({ check: 'done', snapshot: 'done', pull: 'running' }) }));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['check:done', 'snapshot:done', 'pull:running', 'recreate:pending', 'health:pending', 'rollback:pending']);
    server.current.push(frame('installation', { installation: rolledBack }) + frame('end', {}));
    await flushPromises();
    expect(at(wrapper, 'update-outcome').attributes('data-result')).toBe('rolled_back');
    expect(at(wrapper, 'update-outcome').text()).toContain('failed (The app did not answer within 30 s); rolled back to Uptime Kuma 2');
    expect(stepStates(wrapper)).toContain('rollback:done');
    expect(at(wrapper, 'snapshot-size').text()).toBe('2.4 MiB');
    expect(at(wrapper, 'update-rollback').attributes('disabled')).toBeUndefined();
  });

  it('shows a refused update with the reason from the server', async () => {
    const { wrapper } = await open({ [`POST ${BASE}/update`]: { status: 409, body: { error: { code: 'conflict', message: 'Uptime Kuma is busy (update); try again when it is done' } } } });
    await at(wrapper, 'update-start').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Uptime Kuma is busy (update); try again when it is done');
  });
});
