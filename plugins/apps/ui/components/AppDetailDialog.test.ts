import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeRoute } from '../../../../ui-shell/src/test-utils/fake-fetch';
import type { AppDefinition, CatalogAppSummary } from '../api';
import { ADMIN, ALICE, DNS_APP, KUMA, makeApp, makeSummary, PORTAINER, PORTAINER_APP, signIn } from '../test-fixtures';
import AppDetailDialog from './AppDetailDialog.vue';

enableAutoUnmount(afterEach);

async function mountDialog(summary: CatalogAppSummary, detail: FakeRoute | AppDefinition, user = ADMIN) {
  const route: FakeRoute = 'id' in detail ? { body: { app: detail, source: summary.source } } : detail;
  const fetch = installFakeFetch({ [`GET /api/apps/catalog/${summary.id}`]: route });
  signIn(user);
  const wrapper = mount(AppDetailDialog, { props: { summary }, global: { stubs: { teleport: true } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const rows = (wrapper: VueWrapper, table: string) => wrapper.findAll(`[data-table="${table}"] tbody tr`).map((tr) => tr.findAll('td').map((td) => td.text()));

describe('AppDetailDialog', () => {
  it('shows what the app is, its image, ports, data, requirements and notes', async () => {
    const { wrapper } = await mountDialog(KUMA, makeApp());
    expect(wrapper.get('[role="dialog"] .t-dialog__title').text()).toBe('Uptime Kuma');
    expect(wrapper.get('.apps-detail__meta').text()).toBe('Monitoring · Version 2 · from Built-in catalog');
    expect(wrapper.get('.apps-detail__description').text()).toBe(KUMA.description);
    const website = byId(wrapper, 'app-website');
    expect(website.attributes('href')).toBe('https://uptime.kuma.pet');
    expect(website.attributes('target')).toBe('_blank');
    expect(website.attributes('rel')).toContain('noopener');
    expect(wrapper.get('[data-fact="image"]').text()).toBe('louislam/uptime-kuma:2');
    expect(wrapper.get('[data-fact="memory"]').text()).toBe('256 MiB free, at least');
    expect(wrapper.get('[data-fact="architectures"]').text()).toBe('amd64, arm64');
    expect(rows(wrapper, 'ports')).toEqual([['3001', '3001', 'TCP', 'Web interface']]);
    expect(rows(wrapper, 'volumes')).toEqual([['/app/data', 'App data folder / data', 'Database and settings']]);
    expect(wrapper.find('[data-table="settings"]').exists()).toBe(false);
    expect(byId(wrapper, 'app-notes').text()).toBe('Create the administrator account\non the first visit.');
    // A contained app: no warning block.
    expect(wrapper.find('[data-testid="app-warnings"]').exists()).toBe(false);
  });

  it('lists settings with default, required, secret and generated, and optional ports', async () => {
    const { wrapper } = await mountDialog(makeSummary({ id: 'dns-box', name: 'DNS box' }), DNS_APP);
    expect(rows(wrapper, 'ports')).toContainEqual(['67', '67', 'UDP', 'DHCPOptional']);
    const setting = (name: string) => wrapper.get(`[data-setting="${name}"]`).findAll('td').map((td) => td.findAll('span').map((span) => span.text()).join(' | ') || td.text());
    expect(setting('ADMIN_USER')).toEqual(['Admin user | ADMIN_USER', '—', 'Required']);
    expect(setting('ADMIN_PASSWORD')).toEqual(['Admin password | ADMIN_PASSWORD | For the dashboard.', '—', 'Generated (password) if left empty. Secret: stored encrypted, never shown again']);
    expect(setting('MODE')).toEqual(['Listening mode | MODE', 'all | One of: All interfaces, Local only', '']);
    expect(setting('TZ')).toEqual(['Time zone | TZ', 'Etc/UTC', '']);
    // An optional capability is a warning that applies only when enabled.
    expect(byId(wrapper, 'app-warnings').get('[data-warning="capability"]').text()).toContain('Only if you enable it when installing.');
  });

  it('puts host access in a warning block, shows host paths, and emits install with the definition', async () => {
    const { wrapper } = await mountDialog(PORTAINER, PORTAINER_APP);
    const warnings = byId(wrapper, 'app-warnings');
    expect(warnings.get('h3').text()).toContain('This app asks for access to the server itself');
    expect(warnings.text()).toContain('Portainer manages Docker itself.');
    expect(warnings.get('[data-warning="docker-socket"]').text()).toBe('Mounts the Docker socket: it can control every container and is equivalent to root on the host.');
    expect(warnings.text()).toContain('Only an administrator can install it.');
    const socket = wrapper.get('[data-table="volumes"] tr[data-volume-kind="host"]');
    expect(socket.text()).toContain('/var/run/docker.sock (the Docker socket)');
    expect(socket.text()).toContain('Host path');

    await byId(wrapper, 'install-button').trigger('click');
    expect(wrapper.emitted('install')).toEqual([[PORTAINER_APP]]);
  });

  it('does not let a user install an admin-only app, and says why', async () => {
    const { wrapper } = await mountDialog(PORTAINER, PORTAINER_APP, ALICE);
    expect(byId(wrapper, 'install-button').attributes('disabled')).toBeDefined();
    expect(byId(wrapper, 'install-admin-only').text()).toBe('Only an administrator can install this app.');
  });

  it('explains an app that left the catalog, and keeps Install disabled', async () => {
    const { wrapper } = await mountDialog(KUMA, errorReply(404, 'not_found', 'No app uptime-kuma'));
    expect(wrapper.get('[role="alert"]').text()).toContain('This app is no longer in the catalog');
    expect(byId(wrapper, 'install-button').attributes('disabled')).toBeDefined();
  });

  it('loads the next app when the summary changes, and closes', async () => {
    const { wrapper, calls } = await mountDialog(KUMA, makeApp());
    installFakeFetch({ 'GET /api/apps/catalog/portainer': { body: { app: PORTAINER_APP, source: PORTAINER.source } } });
    await wrapper.setProps({ summary: PORTAINER });
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(wrapper.get('[data-fact="image"]').text()).toBe('portainer/portainer-ce:lts');
    await wrapper.get('.t-dialog__close').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });
});
