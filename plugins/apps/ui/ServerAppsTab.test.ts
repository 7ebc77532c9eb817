import { enableAutoUnmount, flushPromises, mount, RouterLinkStub, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { InstallationView } from './api';
import { FakeStreamServer, frame, routeStreamsTo } from '../../../ui-shell/src/test-utils/fake-stream';
import ServerAppsTab from './ServerAppsTab.vue';
import { HOSTILE_NAME, makeInstallation, progress, sequence, SERVER_ID, signIn } from './test-fixtures';

enableAutoUnmount(afterEach);
afterEach(() => jest.useRealTimers());

const LIST = `GET /api/servers/${SERVER_ID}/apps`;
const listReply = (installations: InstallationView[]) => ({ body: { installations } });

const kuma = makeInstallation();
const jelly = makeInstallation({
  id: 'inst-2',
  appId: 'jellyfin',
  appName: 'Jellyfin',
  containerName: 'tomo-jellyfin-aa11bb',
  state: 'stopped',
  url: 'http://192.168.1.20:8096/',
  ports: [{ container: 8096, host: 8096, protocol: 'tcp', description: 'Web interface' }],
  dataDir: '/srv/tomo/apps/tomo-jellyfin-aa11bb',
});
const pihole = makeInstallation({
  id: 'inst-3',
  appId: 'pihole',
  appName: 'Pi-hole',
  containerName: 'tomo-pihole-cc22dd',
  state: 'crashed',
  stateDetail: 'exited with code 137 at 10:42',
  url: null,
  ports: [
    { container: 53, host: 53, protocol: 'tcp' },
    { container: 53, host: 53, protocol: 'udp' },
  ],
});

async function mountTab(routes: Record<string, FakeRoute>, props: Record<string, unknown> = {}) {
  const fetch = installFakeFetch(routes);
  signIn();
  const wrapper = mount(ServerAppsTab, {
    props: { serverId: SERVER_ID, ...props },
    global: { stubs: { teleport: true, RouterLink: RouterLinkStub } },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const row = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="app-row-${id}"]`);
const badge = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="app-state-${id}"] .t-badge`);
const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const lists = (calls: FakeCall[]) => calls.filter((c) => c.method === 'GET' && c.url === `/api/servers/${SERVER_ID}/apps`).length;

describe('ServerAppsTab', () => {
  it("lists the server's apps sorted by name, with state badges, details, ports and address", async () => {
    const states: InstallationView[] = [
      kuma,
      jelly,
      pihole,
      makeInstallation({ id: 'inst-4', appName: 'Missing app', state: 'missing', stateDetail: 'The container is gone' }),
      makeInstallation({ id: 'inst-5', appName: 'Failed app', state: 'failed', error: 'The image could not be downloaded', url: null }),
      makeInstallation({ id: 'inst-6', appName: 'Unknown app', state: 'unknown', stateDetail: 'Docker is not answering: connection refused' }),
      makeInstallation({ id: 'inst-7', appName: 'Removing app', state: 'removing' }),
      makeInstallation({ id: 'inst-8', appName: 'Installing app', state: 'installing', progress: progress({ check: 'running' }) }),
    ];
    const { wrapper } = await mountTab({ [LIST]: listReply(states) });
    expect(wrapper.findAll('tbody tr').map((tr) => tr.get('.apps-table__name').text())).toEqual([
      'Failed app',
      'Installing app',
      'Jellyfin',
      'Missing app',
      'Pi-hole',
      'Removing app',
      'Unknown app',
      'Uptime Kuma',
    ]);
    const look = (id: string) => [badge(wrapper, id).text(), badge(wrapper, id).classes().find((c) => c.startsWith('t-badge--'))];
    expect(look('inst-1')).toEqual(['Running', 't-badge--success']);
    expect(look('inst-2')).toEqual(['Stopped', 't-badge--neutral']);
    expect(look('inst-3')).toEqual(['Crashed', 't-badge--danger']);
    expect(look('inst-4')).toEqual(['Missing', 't-badge--danger']);
    expect(look('inst-5')).toEqual(['Install failed', 't-badge--danger']);
    expect(look('inst-6')).toEqual(['Unknown', 't-badge--warning']);
    expect(look('inst-7')).toEqual(['Removing', 't-badge--info']);
    expect(look('inst-8')).toEqual(['Installing', 't-badge--info']);
    expect(wrapper.get('[data-testid="app-state-inst-3"]').attributes('data-state')).toBe('crashed');

    expect(row(wrapper, 'inst-3').text()).toContain('exited with code 137 at 10:42');
    expect(row(wrapper, 'inst-5').text()).toContain('The image could not be downloaded');
    expect(row(wrapper, 'inst-3').findAll('li').map((li) => li.text())).toEqual(['53 → 53/tcp', '53 → 53/udp']);
    const link = row(wrapper, 'inst-1').get('[data-testid="app-url"]');
    expect(link.attributes('href')).toBe('http://192.168.1.20:3001/');
    expect(link.attributes('target')).toBe('_blank');
    expect(link.attributes('rel')).toContain('noopener');
    expect(row(wrapper, 'inst-1').get('.apps-table__container').text()).toBe('tomo-uptime-kuma-3f2a1c');

    // Start for a stopped or crashed app, Stop for a running one; nothing while Tomo works on it.
    const actions = (id: string) => ['app-start', 'app-stop', 'app-uninstall'].filter((a) => row(wrapper, id).find(`[data-testid="${a}"]`).exists());
    expect(actions('inst-1')).toEqual(['app-stop', 'app-uninstall']);
    expect(actions('inst-2')).toEqual(['app-start', 'app-uninstall']);
    expect(actions('inst-3')).toEqual(['app-start', 'app-uninstall']);
    expect(row(wrapper, 'inst-8').get('[data-testid="app-uninstall"]').attributes('disabled')).toBeDefined();
  });

  it("lists each service's state for an app of several services, naming the one that crashed; one-service apps show none", async () => {
    const stack = makeInstallation({
      id: 'inst-10',
      appId: 'three-tier',
      appName: 'Three tier',
      containerName: 'tomo-three-tier-1a2b3c',
      state: 'crashed',
      stateDetail: 'cache: exited with code 1 at 10:42',
      deployment: 'compose',
      projectName: 'tomo-three-tier-1a2b3c',
      services: [
        { name: 'web', state: 'running', health: 'healthy', detail: null },
        { name: 'db', state: 'running', health: 'starting', detail: null },
        { name: 'cache', state: 'crashed', health: null, detail: 'exited with code 1 at 10:42' },
      ],
    });
    const { wrapper } = await mountTab({ [LIST]: listReply([kuma, stack]) });

    expect(badge(wrapper, stack.id).text()).toBe('Crashed');
    expect(badge(wrapper, stack.id).classes()).toContain('t-badge--danger');
    const services = row(wrapper, stack.id).get('[data-testid="app-services"]');
    expect(services.attributes('aria-label')).toBe('Services of Three tier');
    // In the order the API gives, each with the app's badge vocabulary and looks.
    const seen = services.findAll('li').map((li) => {
      const serviceBadge = li.get('.t-badge');
      return [li.get('.apps-services__name').text(), li.attributes('data-state'), serviceBadge.text(), serviceBadge.classes().find((c) => c.startsWith('t-badge--'))];
    });
    expect(seen).toEqual([
      ['web', 'running', 'Running', 't-badge--success'],
      ['db', 'running', 'Running', 't-badge--success'],
      ['cache', 'crashed', 'Crashed', 't-badge--danger'],
    ]);
    expect(services.get('[data-testid="app-service-db"] [data-health]').text()).toBe('health check starting');
    expect(services.get('[data-testid="app-service-web"] [data-health]').attributes('data-health')).toBe('healthy');
    const cache = services.get('[data-testid="app-service-cache"]');
    expect(cache.find('[data-health]').exists()).toBe(false);
    expect(cache.get('.apps-services__detail').text()).toBe('exited with code 1 at 10:42');
    expect(cache.get('.t-badge').attributes('title')).toBe('exited with code 1 at 10:42');

    // A single-service app looks as before: no list of services.
    expect(row(wrapper, kuma.id).find('[data-testid="app-services"]').exists()).toBe(false);
  });

  it('updates the services\' states when the list is read again', async () => {
    const services = (cache: 'running' | 'crashed') => [
      { name: 'web', state: 'running' as const, health: null, detail: null },
      { name: 'cache', state: cache, health: null, detail: null },
    ];
    const crashed = makeInstallation({ id: 'inst-11', appName: 'Pair', state: 'crashed', services: services('crashed') });
    const { wrapper } = await mountTab({ [LIST]: sequence(listReply([crashed]), listReply([{ ...crashed, state: 'running', services: services('running') }])) });
    expect(row(wrapper, crashed.id).get('[data-testid="app-service-cache"]').attributes('data-state')).toBe('crashed');
    await byId(wrapper, 'apps-refresh').trigger('click');
    await flushPromises();
    expect(badge(wrapper, crashed.id).text()).toBe('Running');
    expect(row(wrapper, crashed.id).get('[data-testid="app-service-cache"] .t-badge').text()).toBe('Running');
  });

  it('starts and stops an app, then reads the list again', async () => {
    const started = { ...jelly, state: 'running' as const };
    const stopped = { ...kuma, state: 'stopped' as const };
    const { wrapper, calls } = await mountTab({
      [LIST]: sequence(listReply([kuma, jelly]), listReply([kuma, started]), listReply([stopped, started])),
      [`POST /api/apps/installations/${jelly.id}/start`]: { body: { installation: started } },
      [`POST /api/apps/installations/${kuma.id}/stop`]: { body: { installation: stopped } },
    });
    await row(wrapper, jelly.id).get('[data-testid="app-start"]').trigger('click');
    await flushPromises();
    expect(badge(wrapper, jelly.id).text()).toBe('Running');
    await row(wrapper, kuma.id).get('[data-testid="app-stop"]').trigger('click');
    await flushPromises();
    expect(badge(wrapper, kuma.id).text()).toBe('Stopped');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([`/api/apps/installations/${jelly.id}/start`, `/api/apps/installations/${kuma.id}/stop`]);
    expect(lists(calls)).toBe(3);
  });

  it('says why an action failed', async () => {
    const { wrapper } = await mountTab({
      [LIST]: listReply([kuma]),
      [`POST /api/apps/installations/${kuma.id}/stop`]: errorReply(502, 'docker_unreachable', 'Docker on nas is not answering'),
    });
    await row(wrapper, kuma.id).get('[data-testid="app-stop"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('.apps-action-error').text()).toBe('Uptime Kuma could not be stopped: Docker on nas is not answering');
  });

  it("uninstalls after confirmation, keeping the data unless the box is ticked", async () => {
    const { wrapper, calls } = await mountTab({
      [LIST]: sequence(listReply([kuma, jelly]), listReply([jelly]), listReply([])),
      [`DELETE /api/apps/installations/${kuma.id}`]: { body: { removed: true, dataDeleted: false } },
      [`DELETE /api/apps/installations/${jelly.id}`]: { body: { removed: true, dataDeleted: true } },
    });
    await row(wrapper, kuma.id).get('[data-testid="app-uninstall"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.get('.t-dialog__title').text()).toBe('Uninstall Uptime Kuma?');
    const box = byId(wrapper, 'uninstall-delete-data');
    expect((box.element as HTMLInputElement).checked).toBe(false);
    expect(box.element.closest('label')?.textContent).toContain("Also delete the app's data (/srv/tomo/apps/tomo-uptime-kuma-3f2a1c)");
    // Focus starts on Cancel, so Enter does not uninstall by accident.
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    await byId(wrapper, 'uninstall-confirm').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`/api/apps/installations/${kuma.id}?deleteData=false`]);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(wrapper.find(`[data-testid="app-row-${kuma.id}"]`).exists()).toBe(false);

    await row(wrapper, jelly.id).get('[data-testid="app-uninstall"]').trigger('click');
    await flushPromises();
    expect((byId(wrapper, 'uninstall-delete-data').element as HTMLInputElement).checked).toBe(false);
    await byId(wrapper, 'uninstall-delete-data').setValue(true);
    expect(byId(wrapper, 'uninstall-confirm').text()).toBe('Uninstall and delete data');
    await byId(wrapper, 'uninstall-confirm').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)[1]).toBe(`/api/apps/installations/${jelly.id}?deleteData=true`);
    expect(wrapper.get('.t-empty__title').text()).toBe('No apps on this server yet');
    expect(wrapper.findComponent(RouterLinkStub).props('to')).toBe('/apps');
  });

  it('keeps the dialog open with the reason when uninstalling fails; Cancel sends nothing', async () => {
    const { wrapper, calls } = await mountTab({
      [LIST]: listReply([kuma]),
      [`DELETE /api/apps/installations/${kuma.id}`]: errorReply(409, 'busy', 'Uptime Kuma is being started; try again in a moment'),
    });
    await row(wrapper, kuma.id).get('[data-testid="app-uninstall"]').trigger('click');
    await flushPromises();
    await byId(wrapper, 'uninstall-confirm').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="dialog"] [role="alert"]').text()).toBe('Uptime Kuma is being started; try again in a moment');
    const cancel = wrapper.get('[role="dialog"]').findAll('button').find((b) => b.text() === 'Cancel');
    await cancel!.trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('refreshes by itself while an app is being installed or removed, and stops after', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const installing = makeInstallation({ state: 'installing', progress: progress({ check: 'done', pull: 'running' }) });
    const { wrapper, calls } = await mountTab({ [LIST]: sequence(listReply([installing]), listReply([installing]), listReply([kuma])) }, { refreshMs: 1000 });
    expect(badge(wrapper, kuma.id).text()).toBe('Installing');
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(lists(calls)).toBe(2);
    jest.advanceTimersByTime(1000);
    await flushPromises();
    expect(lists(calls)).toBe(3);
    expect(badge(wrapper, kuma.id).text()).toBe('Running');
    jest.advanceTimersByTime(10000);
    await flushPromises();
    expect(lists(calls)).toBe(3);
  });

  it('shows why the list could not be loaded, and tries again', async () => {
    const { wrapper } = await mountTab({ [LIST]: sequence(errorReply(404, 'not_found', 'Server not found'), listReply([kuma])) });
    expect(wrapper.get('[role="alert"]').text()).toContain('The apps could not be loaded: Server not found');
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(badge(wrapper, kuma.id).text()).toBe('Running');
  });

  it('renders markup in app names and details as text, and links only http(s) addresses', async () => {
    const hostile = makeInstallation({ appName: HOSTILE_NAME, stateDetail: HOSTILE_NAME, state: 'crashed', url: 'javascript:alert(1)' });
    const { wrapper } = await mountTab({ [LIST]: listReply([hostile]) });
    // Only http(s) addresses become links.
    expect(row(wrapper, hostile.id).find('[data-testid="app-url"]').exists()).toBe(false);
    expect(row(wrapper, hostile.id).get('.apps-table__name').text()).toBe(HOSTILE_NAME);
    expect(row(wrapper, hostile.id).get('.apps-table__detail').text()).toBe(HOSTILE_NAME);
    await row(wrapper, hostile.id).get('[data-testid="app-uninstall"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('.t-dialog__title').text()).toBe(`Uninstall ${HOSTILE_NAME}?`);
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  it("opens an app's logs in a dialog, following its log stream; apps without containers have no Logs button", async () => {
    const failed = makeInstallation({ id: 'inst-9', appId: 'broken', appName: 'Broken', containerName: 'tomo-broken-1', state: 'failed', error: 'pull failed' });
    const { wrapper } = await mountTab({ [LIST]: listReply([kuma, failed]) });
    const server = new FakeStreamServer();
    routeStreamsTo(server, /\/logs\/stream(\?|$)/);
    expect(row(wrapper, failed.id).find('[data-testid="app-logs"]').exists()).toBe(false);
    await row(wrapper, kuma.id).get('[data-testid="app-logs"]').trigger('click');
    await flushPromises();
    expect(document.querySelector('[role="dialog"]')?.textContent).toContain(`Logs of ${kuma.appName}`);
    expect(server.connections.map((c) => c.url)).toEqual([`/api/apps/installations/${kuma.id}/logs/stream?tail=500`]);
    server.current.push(frame('ready', { services: [kuma.appId] }) + frame('lines', { lines: [{ service: kuma.appId, stream: 'stdout', time: '2026-12-06T23:10:00.000000000Z', text: 'listening on 3001' }] }));
    await flushPromises();
    expect(document.querySelector('[data-testid="logs-line"]')?.textContent).toContain('listening on 3001');
  });
});
