import { flushPromises } from '@vue/test-utils';
import { installFakeFetch, makeUser, sessionReply } from '../test-utils/fake-fetch';
import { mountShell } from '../test-utils/mount-shell';

jest.mock('../plugins/import-module', () => ({
  importModule: jest.fn(async (url: string) =>
    url.includes('servers')
      ? { ServerHealth: { render: () => 'servers are fine' } }
      : { AppCount: { render: () => '3 apps running' } },
  ),
}));

function plugin(id: string, widgets: Array<{ id: string; component: string; title: string; order?: number }>) {
  return { id, version: '1.0.0', entry: `/ui/plugins/${id}/index.js`, styles: [], routes: [], nav: [], widgets, slots: {} };
}

describe('DashboardPage', () => {
  it('shows the empty state when no plugin adds a widget', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply(makeUser()), 'GET /api/ui/manifest': { body: { plugins: [plugin('auth', [])] } } });
    const { wrapper, unmount } = await mountShell('/');
    expect(wrapper.get('.t-empty__title').text()).toBe('No widgets yet — plugins add cards here');
    expect(wrapper.find('.dashboard-grid').exists()).toBe(false);
    unmount();
  });

  it("renders every plugin's widgets as cards, in order", async () => {
    installFakeFetch({
      'GET /api/auth/session': sessionReply(makeUser()),
      'GET /api/ui/manifest': {
        body: {
          plugins: [
            plugin('apps', [{ id: 'count', component: 'AppCount', title: 'Apps', order: 20 }]),
            plugin('servers', [{ id: 'health', component: 'ServerHealth', title: 'Servers', order: 10 }]),
          ],
        },
      },
    });
    const { wrapper, unmount } = await mountShell('/');
    await flushPromises();
    const cards = wrapper.findAll('.dashboard-grid .t-card');
    expect(cards.map((c) => c.get('.t-card__title').text())).toEqual(['Servers', 'Apps']);
    expect(cards[0].text()).toContain('servers are fine');
    expect(cards[1].text()).toContain('3 apps running');
    expect(wrapper.find('.t-empty').exists()).toBe(false);
    unmount();
  });
});
