import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { installFakeFetch, makeUser, type FakeCall } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeScreen, installFakeWebSocket } from '../../../../ui-shell/src/test-utils/fake-terminal';
import { makeServer, panelRouter, RouteOutlet, signIn } from '../test-fixtures';
import ServerTerminalTab from './ServerTerminalTab.vue';

// jsdom cannot run xterm.js (it measures glyphs on a canvas): the component gets a recording screen.
jest.mock('../../../../ui-shell/src/kit/terminal/load-screen', () => ({
  loadScreen: () => jest.requireActual('../../../../ui-shell/src/test-utils/fake-terminal').fakeLoadScreen(),
}));

enableAutoUnmount(afterEach);

const SERVER = makeServer({ status: 'online' });
let created = 0;

function terminalRoutes() {
  created = 0;
  return {
    'POST /api/terminals': (call: FakeCall) => {
      created += 1;
      const id = `term-${created}`;
      return { status: 201, body: { terminal: { id, kind: 'server', serverId: (call.body as { serverId: string }).serverId, title: SERVER.name, createdAt: new Date().toISOString(), socketPath: `/api/terminals/${id}/socket` } } };
    },
    'DELETE /api/terminals/term-1': { status: 204 },
    'DELETE /api/terminals/term-2': { status: 204 },
  };
}

async function settle() {
  for (let i = 0; i < 5; i++) await flushPromises();
}

const tabTitles = (wrapper: VueWrapper) => wrapper.findAll('[data-testid="terminal-tab"]').map((t) => t.text());
const selected = (wrapper: VueWrapper) => wrapper.find('[data-testid="terminal-tab"][aria-selected="true"]').text();
const visiblePanels = (wrapper: VueWrapper) => wrapper.findAll('[role="tabpanel"]').filter((p) => (p.element as HTMLElement).style.display !== 'none');

beforeEach(() => {
  FakeScreen.all = [];
});

describe('ServerTerminalTab', () => {
  it('opens a shell on the server at once, several in tabs, switches without reconnecting, and a closed tab deletes its terminal', async () => {
    const { calls } = installFakeFetch(terminalRoutes());
    signIn(makeUser());
    const sockets = installFakeWebSocket();
    const wrapper = mount(ServerTerminalTab, { props: { serverId: SERVER.id }, attachTo: document.body });
    await settle();

    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ serverId: SERVER.id }]);
    expect(sockets.map((s) => s.path)).toEqual(['/api/terminals/term-1/socket']);
    sockets[0].open('bash');
    await settle();
    expect(wrapper.get('[data-testid="terminal-status"]').text()).toBe('Connected (bash)');

    await wrapper.get('[data-testid="terminal-new"]').trigger('click');
    await settle();
    expect(tabTitles(wrapper)).toEqual(['Shell 1', 'Shell 2']);
    expect(selected(wrapper)).toBe('Shell 2');
    expect(sockets.map((s) => s.path)).toEqual(['/api/terminals/term-1/socket', '/api/terminals/term-2/socket']);
    sockets[1].open('bash');

    // Back to the first: still the same socket, still open, now the one shown.
    await wrapper.findAll('[data-testid="terminal-tab"]')[0].trigger('click');
    await settle();
    expect(selected(wrapper)).toBe('Shell 1');
    expect(sockets).toHaveLength(2);
    expect(sockets[0].readyState).toBe(1);
    expect(visiblePanels(wrapper)).toHaveLength(1);
    expect(visiblePanels(wrapper)[0].attributes('aria-labelledby')).toBe(wrapper.findAll('[data-testid="terminal-tab"]')[0].attributes('id'));

    // Typing goes to the shown terminal's socket only.
    FakeScreen.all[0].type('echo $((6*7))\r');
    expect(sockets[0].typed).toBe('echo $((6*7))\r');
    expect(sockets[1].typed).toBe('');

    // Closing the first: its socket closes, DELETE, the other one is shown.
    await wrapper.findAll('[data-testid="terminal-tab-close"]')[0].trigger('click');
    await settle();
    expect(sockets[0].closedWith).toBe(1000);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/terminals/term-1']);
    expect(tabTitles(wrapper)).toEqual(['Shell 2']);
    expect(selected(wrapper)).toBe('Shell 2');
    expect(sockets[1].readyState).toBe(1);

    await wrapper.get('[data-testid="terminal-tab-close"]').trigger('click');
    await settle();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/terminals/term-1', '/api/terminals/term-2']);
    expect(wrapper.text()).toContain('No terminal open');
  });

  it("marks a tab whose shell ended and shows the server's refusal in the terminal area", async () => {
    installFakeFetch({ 'POST /api/terminals': { status: 429, body: { error: { code: 'terminal_limit', message: 'At most 4 terminals per user are open at once' } } } });
    signIn(makeUser());
    const sockets = installFakeWebSocket();
    const wrapper = mount(ServerTerminalTab, { props: { serverId: SERVER.id }, attachTo: document.body });
    await settle();
    expect(sockets).toHaveLength(0);
    expect(wrapper.get('[data-testid="terminal"]').attributes('data-code')).toBe('terminal_limit');
    expect(wrapper.get('[data-testid="terminal-status"]').text()).toBe('At most 4 terminals per user are open at once');
    expect(FakeScreen.all[0].notices).toEqual([{ text: 'At most 4 terminals per user are open at once', tone: 'error' }]);
    expect(tabTitles(wrapper)).toEqual(['Shell 1 (closed)']);
  });
});

describe('the server page keeps its terminals while another tab is shown', () => {
  it('Terminal → Overview → Terminal: the same socket, no second terminal; leaving the page closes it', async () => {
    const { calls } = installFakeFetch({ [`GET /api/servers/${SERVER.id}`]: { body: SERVER }, ...terminalRoutes() });
    signIn(makeUser());
    const sockets = installFakeWebSocket();
    const router = await panelRouter(`/servers/${SERVER.id}?tab=terminal`);
    const wrapper = mount(RouteOutlet, { global: { plugins: [router], stubs: { teleport: true } }, attachTo: document.body });
    await settle();
    expect(wrapper.findAll('[role="tab"]').map((t) => t.text())).toContain('Terminal');
    expect(sockets).toHaveLength(1);
    sockets[0].open();

    await router.push(`/servers/${SERVER.id}`);
    await settle();
    expect(wrapper.find('.servers-overview').exists()).toBe(true);
    await router.push(`/servers/${SERVER.id}?tab=terminal`);
    await settle();
    expect(sockets).toHaveLength(1);
    expect(sockets[0].readyState).toBe(1);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);

    await router.push('/servers');
    await settle();
    expect(sockets[0].closedWith).toBe(1000);
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/terminals/term-1']);
  });
});
