import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeStreamServer, frame, routeStreamsTo } from '../../../../ui-shell/src/test-utils/fake-stream';
import type { AppDefinition, InstallationView } from '../api';
import { ADMIN, ALICE, DNS_APP, HOSTILE_NAME, makeApp, makeInstallation, progress, sequence, signIn, TARGETS } from '../test-fixtures';
import InstallWizard from './InstallWizard.vue';

enableAutoUnmount(afterEach);
afterEach(() => jest.useRealTimers());

const NAS = 'srv-nas';
const PREFLIGHT = `POST /api/servers/${NAS}/apps/preflight`;
const INSTALL = `POST /api/servers/${NAS}/apps`;
const OK = { body: { ok: true, errors: [], warnings: [] } };

async function mountWizard(options: { app?: AppDefinition; routes?: Record<string, FakeRoute>; user?: typeof ADMIN; props?: Record<string, unknown> } = {}) {
  const fetch = installFakeFetch({ 'GET /api/apps/targets': { body: { servers: TARGETS } }, [PREFLIGHT]: OK, ...options.routes });
  signIn(options.user ?? ADMIN);
  const wrapper = mount(InstallWizard, {
    props: { app: options.app ?? DNS_APP, ...options.props },
    global: { stubs: { teleport: true } },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, calls: fetch.calls };
}

const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);
const has = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`).exists();
const step = (wrapper: VueWrapper) => byId(wrapper, 'install-wizard').attributes('data-step');
const disabled = (wrapper: VueWrapper, id: string) => byId(wrapper, id).attributes('disabled') !== undefined;
const posts = (calls: FakeCall[], url: string) => calls.filter((c) => c.method === 'POST' && c.url === url).map((c) => c.body);

/** The message under the field holding the control `id`. */
function fieldError(wrapper: VueWrapper, id: string): string | undefined {
  const field = byId(wrapper, id).element.closest('.t-field');
  return field?.querySelector('.t-field__error')?.textContent ?? undefined;
}

async function click(wrapper: VueWrapper, id: string) {
  await byId(wrapper, id).trigger('click');
  await flushPromises();
}

/** From the server step to the settings, on `nas`. */
async function toConfigure(wrapper: VueWrapper) {
  await byId(wrapper, `wizard-server-${NAS}`).setValue(true);
  await click(wrapper, 'wizard-next');
  expect(step(wrapper)).toBe('configure');
}

async function fillRequired(wrapper: VueWrapper) {
  await byId(wrapper, 'wizard-setting-ADMIN_USER').setValue('dns-admin');
}

describe('InstallWizard: choosing the server', () => {
  it('lists every server; unprepared ones are disabled with the reason; Next waits for a choice', async () => {
    const { wrapper } = await mountWizard();
    expect(step(wrapper)).toBe('server');
    expect(wrapper.get('[role="dialog"]').attributes('aria-labelledby')).toBeDefined();
    expect(wrapper.get('.t-dialog__title').text()).toBe('Install DNS box');

    expect(disabled(wrapper, 'wizard-server-srv-pi')).toBe(true);
    expect(disabled(wrapper, 'wizard-server-srv-nas')).toBe(false);
    expect(disabled(wrapper, 'wizard-server-srv-web')).toBe(false);
    const pi = byId(wrapper, 'wizard-server-srv-pi');
    const detailId = pi.attributes('aria-describedby');
    expect(detailId && wrapper.get(`[id="${detailId}"]`).text()).toBe('not prepared yet');

    // Two prepared servers: nothing is chosen for the user.
    expect(disabled(wrapper, 'wizard-next')).toBe(true);
    await byId(wrapper, 'wizard-server-srv-web').setValue(true);
    expect(disabled(wrapper, 'wizard-next')).toBe(false);
  });

  it('chooses the only prepared server by itself, and says when no server is prepared', async () => {
    const only = [TARGETS[0], TARGETS[1]];
    const { wrapper } = await mountWizard({ routes: { 'GET /api/apps/targets': { body: { servers: only } } } });
    expect((byId(wrapper, 'wizard-server-srv-nas').element as HTMLInputElement).checked).toBe(true);
    expect(disabled(wrapper, 'wizard-next')).toBe(false);

    const none = await mountWizard({ routes: { 'GET /api/apps/targets': { body: { servers: [TARGETS[1]] } } } });
    expect(byId(none.wrapper, 'wizard-no-prepared').text()).toContain('None of your servers is prepared yet');
    expect(disabled(none.wrapper, 'wizard-next')).toBe(true);
  });

  it('starts on the server it was opened for', async () => {
    const { wrapper } = await mountWizard({ props: { serverId: 'srv-web' } });
    expect((byId(wrapper, 'wizard-server-srv-web').element as HTMLInputElement).checked).toBe(true);
  });
});

describe('InstallWizard: ports and settings', () => {
  it('offers a field per port and setting: selects for choices, password fields for secrets, required ones marked', async () => {
    const { wrapper } = await mountWizard();
    await toConfigure(wrapper);
    for (const id of ['wizard-port-53-tcp', 'wizard-port-53-udp', 'wizard-port-80-tcp', 'wizard-port-67-udp']) expect(has(wrapper, id)).toBe(true);
    expect((byId(wrapper, 'wizard-port-80-tcp').element as HTMLInputElement).value).toBe('8081');

    expect(byId(wrapper, 'wizard-setting-MODE').element.tagName).toBe('SELECT');
    expect((byId(wrapper, 'wizard-setting-MODE').element as HTMLSelectElement).value).toBe('all');
    expect(byId(wrapper, 'wizard-setting-ADMIN_PASSWORD').attributes('type')).toBe('password');
    expect(byId(wrapper, 'wizard-setting-API_KEY').attributes('type')).toBe('password');
    expect(byId(wrapper, 'wizard-setting-TZ').attributes('type')).toBe('text');
    expect((byId(wrapper, 'wizard-setting-TZ').element as HTMLInputElement).value).toBe('Etc/UTC');

    const hint = (id: string) => byId(wrapper, id).element.closest('.t-field')?.querySelector('.t-field__hint')?.textContent ?? '';
    expect(hint('wizard-setting-ADMIN_PASSWORD')).toContain('Generated if left empty');
    expect(hint('wizard-setting-API_KEY')).not.toContain('Generated');
    expect(byId(wrapper, 'wizard-setting-ADMIN_USER').attributes('aria-required')).toBe('true');
    const label = (id: string) => wrapper.get(`label[for="${byId(wrapper, id).attributes('id')}"]`).text();
    expect(label('wizard-setting-ADMIN_USER')).toBe('Admin user *');
    expect(label('wizard-setting-TZ')).toBe('Time zone');
  });

  it('checks ports (1–65535, no host port twice per protocol) and required settings before asking the server', async () => {
    const { wrapper, calls } = await mountWizard();
    await toConfigure(wrapper);
    await byId(wrapper, 'wizard-port-80-tcp').setValue('53');
    await byId(wrapper, 'wizard-port-67-udp-publish').setValue(true);
    await byId(wrapper, 'wizard-port-67-udp').setValue('70000');
    await click(wrapper, 'wizard-next');

    expect(step(wrapper)).toBe('configure');
    expect(fieldError(wrapper, 'wizard-port-80-tcp')).toBe('Host port 53/tcp is already used for container port 53/tcp');
    expect(fieldError(wrapper, 'wizard-port-67-udp')).toBe('Use a port from 1 to 65535');
    // DNS publishes 53 on tcp and on udp: not a conflict.
    expect(fieldError(wrapper, 'wizard-port-53-tcp')).toBeUndefined();
    expect(fieldError(wrapper, 'wizard-port-53-udp')).toBeUndefined();
    expect(fieldError(wrapper, 'wizard-setting-ADMIN_USER')).toBe('Enter Admin user');
    // A generated secret left empty is fine.
    expect(fieldError(wrapper, 'wizard-setting-ADMIN_PASSWORD')).toBeUndefined();
    expect(posts(calls, `/api/servers/${NAS}/apps/preflight`)).toEqual([]);
    expect(document.activeElement).toBe(byId(wrapper, 'wizard-port-80-tcp').element);

    await byId(wrapper, 'wizard-port-80-tcp').setValue('');
    await byId(wrapper, 'wizard-port-67-udp').setValue('0');
    await click(wrapper, 'wizard-next');
    expect(fieldError(wrapper, 'wizard-port-80-tcp')).toBe('Enter a host port');
    expect(fieldError(wrapper, 'wizard-port-67-udp')).toBe('Use a port from 1 to 65535');

    // An optional port left unpublished is not checked and is sent as null.
    await byId(wrapper, 'wizard-port-80-tcp').setValue('8081');
    await byId(wrapper, 'wizard-port-67-udp-publish').setValue(false);
    expect(disabled(wrapper, 'wizard-port-67-udp')).toBe(true);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    expect(step(wrapper)).toBe('confirm');
    expect(posts(calls, `/api/servers/${NAS}/apps/preflight`)).toEqual([
      {
        appId: 'dns-box',
        ports: { '53/tcp': 53, '53/udp': 53, '80/tcp': 8081, '67/udp': null },
        settings: { ADMIN_USER: 'dns-admin', MODE: 'all', TZ: 'Etc/UTC' },
      },
    ]);
  });

  it("shows the preflight's field errors under their fields, and the others above the form", async () => {
    const { wrapper } = await mountWizard({
      routes: {
        [PREFLIGHT]: {
          body: {
            ok: false,
            errors: [
              { field: 'ports.80/tcp', message: 'ports.80/tcp: host port 8081 is already used by another container on nas' },
              { field: 'settings.ADMIN_USER', message: 'must not be "root"' },
              { field: 'serverId', message: 'Docker on nas is not answering' },
            ],
            warnings: [],
          },
        },
      },
    });
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    expect(step(wrapper)).toBe('configure');
    expect(fieldError(wrapper, 'wizard-port-80-tcp')).toBe('Host port 8081 is already used by another container on nas');
    expect(byId(wrapper, 'wizard-port-80-tcp').attributes('aria-invalid')).toBe('true');
    expect(fieldError(wrapper, 'wizard-setting-ADMIN_USER')).toBe('must not be "root"');
    expect(byId(wrapper, 'wizard-form-error').text()).toBe('Docker on nas is not answering');
  });

  it('places an error answer of the preflight (4xx with a field) under its field', async () => {
    const { wrapper } = await mountWizard({ routes: { [PREFLIGHT]: errorReply(400, 'validation_failed', 'settings.MODE: must be one of all, local', 'settings.MODE') } });
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    expect(fieldError(wrapper, 'wizard-setting-MODE')).toBe('Must be one of all, local');
  });

  it('lets only an administrator enable an optional capability, and sends it', async () => {
    const user = await mountWizard({ user: ALICE });
    await toConfigure(user.wrapper);
    expect(disabled(user.wrapper, 'wizard-capability-NET_ADMIN')).toBe(true);

    const { wrapper, calls } = await mountWizard();
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await byId(wrapper, 'wizard-capability-NET_ADMIN').setValue(true);
    await click(wrapper, 'wizard-next');
    expect((posts(calls, `/api/servers/${NAS}/apps/preflight`)[0] as { capabilities: string[] }).capabilities).toEqual(['NET_ADMIN']);
    expect(byId(wrapper, 'wizard-summary').get('[data-summary="capabilities"]').text()).toBe('NET_ADMIN');
  });
});

describe('InstallWizard: confirming', () => {
  it('never shows a typed secret in the summary', async () => {
    const { wrapper } = await mountWizard();
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await byId(wrapper, 'wizard-setting-API_KEY').setValue('sekrit-api-key');
    await click(wrapper, 'wizard-next');
    const summary = byId(wrapper, 'wizard-summary');
    const setting = (name: string) => summary.get(`[data-setting="${name}"]`).text();
    expect(setting('API_KEY')).toBe('API key: Set (hidden)');
    expect(setting('ADMIN_PASSWORD')).toBe('Admin password: Generated at install (never shown)');
    expect(setting('MODE')).toBe('Listening mode: All interfaces (all)');
    expect(setting('ADMIN_USER')).toBe('Admin user: dns-admin');
    expect(summary.get('[data-summary="server"]').text()).toContain('nas');
    expect(summary.get('[data-summary="ports"]').text()).toContain('8081 → 80/tcp');
    expect(wrapper.html()).not.toContain('sekrit-api-key');
  });

  it('requires "I understand" before installing when the server reports host-access warnings', async () => {
    const warning = 'Adds the Linux capability NET_ADMIN. Reason: Only for DHCP.';
    const { wrapper, calls } = await mountWizard({
      routes: {
        [PREFLIGHT]: { body: { ok: true, errors: [], warnings: [warning] } },
        [INSTALL]: { status: 202, body: { installation: makeInstallation({ state: 'installing', progress: progress({ check: 'running' }) }) } },
      },
    });
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    expect(step(wrapper)).toBe('confirm');
    expect(byId(wrapper, 'wizard-warnings').text()).toContain(warning);
    expect(disabled(wrapper, 'wizard-install')).toBe(true);
    expect((byId(wrapper, 'wizard-acknowledge').element as HTMLInputElement).checked).toBe(false);

    await click(wrapper, 'wizard-install');
    expect(posts(calls, `/api/servers/${NAS}/apps`)).toEqual([]);

    await byId(wrapper, 'wizard-acknowledge').setValue(true);
    expect(disabled(wrapper, 'wizard-install')).toBe(false);
    await click(wrapper, 'wizard-install');
    expect(posts(calls, `/api/servers/${NAS}/apps`)).toHaveLength(1);
    expect(step(wrapper)).toBe('deploy');
  });

  it('without warnings, Install is enabled at once; going back and forth asks for the acknowledgement again', async () => {
    const replies = sequence(OK, { body: { ok: true, errors: [], warnings: ['Runs privileged.'] } });
    const { wrapper } = await mountWizard({ routes: { [PREFLIGHT]: replies } });
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    expect(has(wrapper, 'wizard-warnings')).toBe(false);
    expect(disabled(wrapper, 'wizard-install')).toBe(false);

    await click(wrapper, 'wizard-back');
    expect(step(wrapper)).toBe('configure');
    // What was typed is still there.
    expect((byId(wrapper, 'wizard-setting-ADMIN_USER').element as HTMLInputElement).value).toBe('dns-admin');
    await click(wrapper, 'wizard-next');
    expect(disabled(wrapper, 'wizard-install')).toBe(true);
  });

  it('goes back to the field when the install request names one (a port taken meanwhile); other refusals show on the summary', async () => {
    const replies = sequence(
      errorReply(409, 'port_in_use', 'ports.80/tcp: host port 8081 was taken meanwhile', 'ports.80/tcp'),
      errorReply(403, 'forbidden', 'Only an administrator can install this app'),
    );
    const { wrapper } = await mountWizard({ routes: { [INSTALL]: replies } });
    await toConfigure(wrapper);
    await fillRequired(wrapper);
    await click(wrapper, 'wizard-next');
    await click(wrapper, 'wizard-install');
    expect(step(wrapper)).toBe('configure');
    expect(fieldError(wrapper, 'wizard-port-80-tcp')).toBe('Host port 8081 was taken meanwhile');

    await click(wrapper, 'wizard-next');
    await click(wrapper, 'wizard-install');
    expect(step(wrapper)).toBe('confirm');
    expect(byId(wrapper, 'wizard-install-error').text()).toBe('Only an administrator can install this app');
  });
});

describe('InstallWizard: the install', () => {
  const CONTAINED = makeApp();
  const started = makeInstallation({ state: 'installing', url: null, progress: progress({ check: 'running' }) });
  const EVENTS = `/api/apps/installations/${started.id}/events`;

  async function startInstall(routes: Record<string, FakeRoute> = {}) {
    const mounted = await mountWizard({ app: CONTAINED, routes: { [INSTALL]: { status: 202, body: { installation: started } }, ...routes }, props: { streamTuning: { retryMs: 5, idleTimeoutMs: 0 } } });
    const server = new FakeStreamServer();
    routeStreamsTo(server);
    await toConfigure(mounted.wrapper);
    await click(mounted.wrapper, 'wizard-next');
    await click(mounted.wrapper, 'wizard-install');
    expect(step(mounted.wrapper)).toBe('deploy');
    return { ...mounted, server };
  }

  async function push(server: FakeStreamServer, text: string) {
    server.current.push(text);
    await flushPromises();
  }

  const states = (wrapper: VueWrapper) => ['check', 'pull', 'create', 'start', 'health'].map((id) => `${id}:${byId(wrapper, `install-step-${id}`).attributes('data-state')}`);
  const installationFrame = (overrides: Partial<InstallationView>) => frame('installation', { installation: makeInstallation({ state: 'installing', url: null, ...overrides }) });

  it('follows the install on its event stream and shows each step until it runs, then links to the app', async () => {
    const { wrapper, server } = await startInstall();
    expect(server.connections.map((c) => [c.url, c.headers['X-Requested-With']])).toEqual([[EVENTS, 'tomo-console']]);
    expect(states(wrapper)).toEqual(['check:running', 'pull:pending', 'create:pending', 'start:pending', 'health:pending']);
    expect(wrapper.get('[role="status"][aria-live="polite"]').text()).toBe('Check the server: running');
    expect(has(wrapper, 'install-result')).toBe(false);

    await push(server, installationFrame({ progress: progress({ check: 'done', pull: 'running' }, { check: 'Docker 24.0.7, 3.1 GiB free' }) }));
    await push(server, frame('progress', { steps: progress({ check: 'done', pull: 'running' }, { check: 'Docker 24.0.7, 3.1 GiB free', pull: 'Downloading 12.3 MB / 40.1 MB' }) }));
    expect(states(wrapper)).toEqual(['check:done', 'pull:running', 'create:pending', 'start:pending', 'health:pending']);
    expect(byId(wrapper, 'install-step-pull').text()).toContain('Downloading 12.3 MB / 40.1 MB');
    expect(byId(wrapper, 'install-step-pull').attributes('aria-current')).toBe('step');

    await push(server, frame('progress', { steps: progress({ check: 'done', pull: 'done', create: 'done', start: 'done', health: 'running' }, { pull: 'image already present' }) }));
    expect(states(wrapper)).toEqual(['check:done', 'pull:done', 'create:done', 'start:done', 'health:running']);

    await push(server, frame('installation', { installation: makeInstallation() }) + frame('end', {}));
    expect(states(wrapper)).toEqual(['check:done', 'pull:done', 'create:done', 'start:done', 'health:done']);
    const result = byId(wrapper, 'install-result');
    expect(result.attributes('data-result')).toBe('success');
    expect(result.text()).toContain('Uptime Kuma is installed and running on nas.');
    const link = byId(wrapper, 'install-open');
    expect(link.attributes('href')).toBe('http://192.168.1.20:3001/');
    expect(link.attributes('target')).toBe('_blank');
    expect(link.attributes('rel')).toContain('noopener');
    expect(wrapper.emitted('installed')).toHaveLength(1);
    expect(byId(wrapper, 'wizard-close').text()).toBe('Close');
    // Finished: the stream is closed, and nothing polls.
    expect(server.current.aborted).toBe(true);
    expect(server.connections).toHaveLength(1);
  });

  it('ends with the failure in plain words, and lets the user change the settings', async () => {
    const failed = makeInstallation({
      state: 'failed',
      url: null,
      error: 'The image louislam/uptime-kuma:2 could not be downloaded: the registry answered "manifest unknown"',
      progress: progress({ check: 'done', pull: 'failed' }, { pull: 'manifest unknown' }),
    });
    const { wrapper, server } = await startInstall();
    await push(server, frame('installation', { installation: failed }) + frame('end', {}));
    expect(states(wrapper)).toEqual(['check:done', 'pull:failed', 'create:pending', 'start:pending', 'health:pending']);
    const result = byId(wrapper, 'install-result');
    expect(result.attributes('data-result')).toBe('failed');
    expect(result.attributes('role')).toBe('alert');
    expect(result.text()).toContain('could not be downloaded: the registry answered "manifest unknown"');
    expect(result.text()).toContain("the app's data folder was kept");
    expect(wrapper.emitted('installed')).toBeUndefined();

    await click(wrapper, 'wizard-retry');
    expect(step(wrapper)).toBe('configure');
  });

  it('says so while the stream reconnects after a drop, and goes on from the whole view it sends again', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      const { wrapper, server } = await startInstall();
      server.answers.push({ status: 502, body: { error: { code: 'bad_gateway', message: 'Bad gateway' } } });
      server.current.fail();
      await flushPromises();
      expect(byId(wrapper, 'install-stream-problem').text()).toContain('Tomo did not answer (The live stream was interrupted)');
      jest.advanceTimersByTime(5);
      await flushPromises();
      expect(byId(wrapper, 'install-stream-problem').text()).toContain('Tomo did not answer (Bad gateway)');
      jest.advanceTimersByTime(10);
      await flushPromises();
      expect(server.connections).toHaveLength(2);
      expect(has(wrapper, 'install-stream-problem')).toBe(false);
      await push(server, frame('installation', { installation: makeInstallation() }) + frame('end', {}));
      expect(byId(wrapper, 'install-result').attributes('data-result')).toBe('success');
    } finally {
      jest.useRealTimers();
    }
  });

  it('an installation removed meanwhile (404) ends the install with that said', async () => {
    const { wrapper, server } = await startInstall();
    server.answers.push({ status: 404, body: { error: { code: 'not_found', message: 'Installation not found' } } });
    server.current.end();
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await flushPromises();
    expect(server.connections).toHaveLength(1);
    expect(byId(wrapper, 'install-result').text()).toContain('The installation was removed while it was being installed.');
  });

  it('says so when the app was installed but does not run', async () => {
    const crashed = makeInstallation({ state: 'crashed', stateDetail: 'exited with code 1 at 10:02' });
    const { wrapper, server } = await startInstall();
    await push(server, frame('installation', { installation: crashed }) + frame('end', {}));
    expect(byId(wrapper, 'install-result').text()).toContain('The app was installed but is not running (crashed): exited with code 1 at 10:02');
  });

  it('closes the stream when closed', async () => {
    const { wrapper, server } = await startInstall();
    const connection = server.current;
    await click(wrapper, 'wizard-close');
    expect(wrapper.emitted('close')).toHaveLength(1);
    await wrapper.setProps({ app: null });
    await flushPromises();
    expect(connection.aborted).toBe(true);
    expect(server.connections).toHaveLength(1);
  });
});

describe('InstallWizard: names are text', () => {
  it('renders markup in app and server names as text', async () => {
    const app = makeApp({ name: HOSTILE_NAME });
    const { wrapper } = await mountWizard({ app, routes: { 'GET /api/apps/targets': { body: { servers: [{ ...TARGETS[0], name: HOSTILE_NAME }] } } } });
    expect(wrapper.get('.t-dialog__title').text()).toBe(`Install ${HOSTILE_NAME}`);
    expect(wrapper.get('.apps-target__name').text()).toBe(HOSTILE_NAME);
    expect(wrapper.find('img[src="x"]').exists()).toBe(false);
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });
});
