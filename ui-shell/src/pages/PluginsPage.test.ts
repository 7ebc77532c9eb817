import { flushPromises } from '@vue/test-utils';
import { installFakeFetch, makeUser, sessionReply } from '../test-utils/fake-fetch';
import { mountShell } from '../test-utils/mount-shell';

const report = {
  plugins: [
    { id: 'servers', kind: 'plugin', version: '0.1.0', packageName: '@tomo/plugin-servers', builtin: true, state: 'active', description: 'Servers over SSH', contributes: { routes: ['GET /api/servers', 'POST /api/servers'], tools: ['list_servers'], pages: ['/servers'], widgets: [], slots: [], extensionPoints: [], migrations: ['ServersInitial1'] } },
    { id: 'moon', kind: 'plugin', version: '2.0.0', packageName: 'tomo-moon', builtin: false, state: 'disabled', error: 'Plugin "moon" failed to start: cannot reach the moon', contributes: { routes: [], tools: [], pages: [], widgets: [], slots: [], extensionPoints: [], migrations: [] } },
    { id: 'evil', kind: 'plugin', version: '1.0.0', packageName: '<img src=x onerror=alert(1)>', builtin: false, state: 'active', contributes: { routes: [], tools: [], pages: [], widgets: [], slots: [], extensionPoints: [], migrations: [] } },
  ],
};

const admin = makeUser({ id: 'u-admin', username: 'admin', email: 'a@example.com', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });

describe('PluginsPage', () => {
  it('lists every plugin with its state, the cause when disabled, and what it contributes', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply(admin), 'GET /api/ui/manifest': { body: { plugins: [] } }, 'GET /api/plugins': { body: report } });
    const { wrapper, unmount } = await mountShell('/plugins');
    await flushPromises();
    expect(wrapper.get('[data-testid="plugin-servers"]').attributes('data-state')).toBe('active');
    expect(wrapper.get('[data-testid="plugin-summary-servers"]').text()).toBe('Contributes 2 routes, 1 MCP tool, 1 page, 1 migration');
    expect(wrapper.get('[data-testid="plugin-servers"]').text()).toContain('built-in');
    expect(wrapper.get('[data-testid="plugin-moon"]').attributes('data-state')).toBe('disabled');
    expect(wrapper.get('[data-testid="plugin-error-moon"]').text()).toBe('Plugin "moon" failed to start: cannot reach the moon');
    expect(wrapper.get('[data-testid="plugins-disabled-count"]').text()).toContain('1 disabled');
    expect(wrapper.get('[data-testid="plugin-summary-evil"]').text()).toBe('Contributes nothing of its own');
    // Text stays text.
    expect(wrapper.find('[data-testid="plugin-evil"] img').exists()).toBe(false);
    expect(wrapper.get('[data-testid="plugin-evil"]').text()).toContain('<img src=x onerror=alert(1)>');
    unmount();
  });

  it('is not there for a user', async () => {
    installFakeFetch({ 'GET /api/auth/session': sessionReply({ ...admin, role: 'user' }), 'GET /api/ui/manifest': { body: { plugins: [] } } });
    const { wrapper, unmount } = await mountShell('/plugins');
    await flushPromises();
    expect(wrapper.find('[data-testid="plugin-servers"]').exists()).toBe(false);
    expect(wrapper.text()).toMatch(/not found/i);
    unmount();
  });
});
