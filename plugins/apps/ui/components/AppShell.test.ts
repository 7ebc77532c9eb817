import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { installFakeFetch, type FakeCall } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeScreen, installFakeWebSocket } from '../../../../ui-shell/src/test-utils/fake-terminal';
import { makeInstallation, signIn } from '../test-fixtures';
import AppShell from './AppShell.vue';

// jsdom cannot run xterm.js: the terminal gets a recording screen.
jest.mock('../../../../ui-shell/src/kit/terminal/load-screen', () => ({
  loadScreen: () => jest.requireActual('../../../../ui-shell/src/test-utils/fake-terminal').fakeLoadScreen(),
}));

enableAutoUnmount(afterEach);

function routes() {
  let n = 0;
  return {
    'POST /api/terminals': (call: FakeCall) => {
      n += 1;
      const body = call.body as { installationId: string; service?: string };
      return { status: 201, body: { terminal: { id: `c-${n}`, kind: 'container', serverId: 's', ...body, title: 'x', createdAt: '2026-12-07T06:00:00.000Z', socketPath: `/api/terminals/c-${n}/socket` } } };
    },
    'DELETE /api/terminals/c-1': { status: 204 },
  };
}

async function settle() {
  for (let i = 0; i < 5; i++) await flushPromises();
}

const posts = (calls: FakeCall[]) => calls.filter((c) => c.method === 'POST').map((c) => c.body);

describe('AppShell', () => {
  it('a one-service app opens its shell at once, the server choosing the service', async () => {
    const { calls } = installFakeFetch(routes());
    signIn();
    const sockets = installFakeWebSocket();
    const installation = makeInstallation({ services: [{ name: 'app', state: 'running', health: null, detail: null }] });
    const wrapper = mount(AppShell, { props: { installation }, attachTo: document.body });
    await settle();
    expect(wrapper.find('[data-testid="shell-service"]').exists()).toBe(false);
    expect(posts(calls)).toEqual([{ installationId: installation.id }]);
    expect(sockets.map((s) => s.path)).toEqual(['/api/terminals/c-1/socket']);
    sockets[0].readyState = 1;
    sockets[0].json({ type: 'error', code: 'no_shell', message: "This container's image has no shell (neither bash nor sh)" });
    sockets[0].drop(1011);
    await settle();
    expect(wrapper.get('[data-testid="terminal-status"]').text()).toBe("This container's image has no shell (neither bash nor sh)");
    expect(FakeScreen.all.at(-1)!.notices.at(-1)).toEqual({ text: "This container's image has no shell (neither bash nor sh)", tone: 'error' });
  });

  it('an app of several services asks which running one; another choice closes the open shell and opens one there', async () => {
    const { calls } = installFakeFetch(routes());
    signIn();
    const sockets = installFakeWebSocket();
    const installation = makeInstallation({
      services: [
        { name: 'web', state: 'running', health: null, detail: null },
        { name: 'db', state: 'running', health: null, detail: null },
        { name: 'worker', state: 'stopped', health: null, detail: null },
      ],
    });
    const wrapper = mount(AppShell, { props: { installation }, attachTo: document.body });
    await settle();
    expect(posts(calls)).toEqual([]);
    const select = wrapper.get('select[data-testid="shell-service"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['web', 'db']);

    await select.setValue('db');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(posts(calls)).toEqual([{ installationId: installation.id, service: 'db' }]);
    sockets[0].open('sh');
    await settle();
    expect(wrapper.get('[data-testid="terminal-status"]').text()).toBe('Connected (sh)');

    await select.setValue('web');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(posts(calls)).toEqual([
      { installationId: installation.id, service: 'db' },
      { installationId: installation.id, service: 'web' },
    ]);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/terminals/c-1']);
    expect(sockets[0].closedWith).toBe(1000);
  });
});
