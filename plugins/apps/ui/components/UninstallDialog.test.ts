import { enableAutoUnmount, flushPromises, mount, RouterLinkStub, type VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeReply, type FakeRoute } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeStreamServer, frame, routeStreamsTo } from '../../../../ui-shell/src/test-utils/fake-stream';
import type { InstallStepView } from '../api';
import ServerAppsTab from '../ServerAppsTab.vue';
import { makeInstallation, sequence, SERVER_ID, signIn } from '../test-fixtures';

enableAutoUnmount(afterEach);

const kuma = makeInstallation();
const BASE = `/api/apps/installations/${kuma.id}`;
const LIST = `GET /api/servers/${SERVER_ID}/apps`;
const steps = (remove: InstallStepView['state'], data: InstallStepView['state'], detail: string | null = null): InstallStepView[] => [
  { id: 'remove', title: 'Stop and remove the app', state: remove, detail: remove === 'done' ? 'Container removed' : null },
  { id: 'data', title: 'Delete the data', state: data, detail },
];

/** A DELETE held open until the test answers it, as a real uninstall is while it runs. */
function heldDelete(): { route: FakeRoute; answer: (reply: FakeReply) => void; asked: () => boolean } {
  let answer: (reply: FakeReply) => void = () => undefined;
  let asked = false;
  const reply = new Promise<FakeReply>((resolve) => (answer = resolve));
  return {
    route: () => {
      asked = true;
      return reply;
    },
    answer: (r) => answer(r),
    asked: () => asked,
  };
}

async function openDialog(routes: Record<string, FakeRoute>): Promise<{ wrapper: VueWrapper; server: FakeStreamServer; calls: ReturnType<typeof installFakeFetch>['calls'] }> {
  const { calls } = installFakeFetch({ [LIST]: sequence({ body: { installations: [kuma] } }, { body: { installations: [] } }), ...routes });
  const server = new FakeStreamServer();
  routeStreamsTo(server);
  signIn();
  const wrapper = mount(ServerAppsTab, { props: { serverId: SERVER_ID, streamTuning: { retryMs: 5, idleTimeoutMs: 0 } }, global: { stubs: { teleport: true, RouterLink: RouterLinkStub } }, attachTo: document.body });
  await flushPromises();
  await wrapper.get('[data-testid="app-uninstall"]').trigger('click');
  await flushPromises();
  return { wrapper, server, calls };
}

const stepStates = (wrapper: VueWrapper) => wrapper.findAll('[data-testid^="uninstall-step-"]').map((li) => `${li.attributes('data-testid')!.slice('uninstall-step-'.length)}:${li.attributes('data-state')}`);

describe('the uninstall dialog', () => {
  it('opens the event stream first, then uninstalls and shows the steps live until the app is removed', async () => {
    const held = heldDelete();
    const { wrapper, server, calls } = await openDialog({ [`DELETE ${BASE}`]: held.route });
    await wrapper.get('[data-testid="uninstall-delete-data"]').setValue(true);
    await wrapper.get('[data-testid="uninstall-confirm"]').trigger('click');
    await flushPromises();
    // The stream waits for the next operation; nothing is uninstalled before it answered.
    expect(server.connections.map((c) => c.url)).toEqual([`${BASE}/events?next=1`]);
    expect(held.asked()).toBe(false);
    server.current.push(frame('installation', { installation: kuma }));
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${BASE}?deleteData=true`]);

    server.current.push(frame('progress', { steps: steps('running', 'pending') }));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['remove:running', 'data:pending']);
    // Busy meanwhile: it cannot be cancelled or asked twice.
    const cancel = wrapper.get('[role="dialog"]').findAll('button').find((b) => b.text() === 'Cancel')!;
    expect(cancel.attributes('disabled')).toBeDefined();
    expect((wrapper.get('[data-testid="uninstall-delete-data"]').element as HTMLInputElement).disabled).toBe(true);
    server.current.push(frame('progress', { steps: steps('done', 'running') }));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['remove:done', 'data:running']);
    expect(wrapper.get('[data-testid="uninstall-step-remove"]').text()).toContain('Container removed');
    server.current.push(frame('progress', { steps: steps('done', 'done', '/srv/tomo/apps/x deleted') }) + frame('removed', { id: kuma.id }) + frame('end', {}));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['remove:done', 'data:done']);

    held.answer({ body: { removed: true, dataDeleted: true } });
    await flushPromises();
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.find(`[data-testid="app-row-${kuma.id}"]`).exists()).toBe(false);
    // One connection: the stream ended with the removal, it did not reconnect.
    expect(server.connections).toHaveLength(1);
  });

  it('shows the failed step and the reason when the uninstall fails, then lets the user try again', async () => {
    const held = heldDelete();
    const { wrapper, server } = await openDialog({ [`DELETE ${BASE}`]: held.route });
    await wrapper.get('[data-testid="uninstall-confirm"]').trigger('click');
    await flushPromises();
    server.current.push(frame('installation', { installation: kuma }) + frame('progress', { steps: steps('failed', 'skipped', 'Kept in /srv/tomo/apps/x, as asked') }));
    await flushPromises();
    held.answer(errorReply(502, 'engine_failed', 'Docker could not remove Uptime Kuma: engine down'));
    await flushPromises();
    expect(wrapper.get('[role="dialog"] [role="alert"]').text()).toBe('Docker could not remove Uptime Kuma: engine down');
    expect(stepStates(wrapper)).toEqual(['remove:failed', 'data:skipped']);
    expect((wrapper.get('[data-testid="uninstall-delete-data"]').element as HTMLInputElement).disabled).toBe(false);
  });

  it('still uninstalls (without steps) when the stream cannot be opened', async () => {
    const { wrapper, server, calls } = await openDialog({ [`DELETE ${BASE}`]: { body: { removed: true, dataDeleted: false } } });
    server.answers.push({ status: 403, body: { error: { code: 'forbidden', message: 'no' } } });
    await wrapper.get('[data-testid="uninstall-confirm"]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${BASE}?deleteData=false`]);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
  });
});
