import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import { errorReply, installFakeFetch, type FakeCall, type FakeRoute } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { PreparationView } from './api';
import PreparationTab from './PreparationTab.vue';
import {
  DEBIAN,
  END_FRAME,
  FakeStreamServer,
  line,
  lineFrame,
  makeView,
  NEVER_PREPARED,
  routeStreamsTo,
  SERVER_ID,
  stateFrame,
  steps,
} from './test-fixtures';

enableAutoUnmount(afterEach);

const BASE = `/api/servers/${SERVER_ID}/preparation`;

async function mountTab(routes: Record<string, FakeRoute>, serverId = SERVER_ID) {
  const fake = installFakeFetch(routes);
  const server = new FakeStreamServer();
  routeStreamsTo(server);
  const wrapper = mount(PreparationTab, { props: { serverId }, attachTo: document.body });
  await flushPromises();
  return { wrapper, calls: fake.calls, routes: fake.routes, server };
}

const button = (wrapper: VueWrapper, action: string) => wrapper.get(`[data-action="${action}"]`);
const badge = (wrapper: VueWrapper) => wrapper.get('.prep-badge').text();
const stepStates = (wrapper: VueWrapper) => wrapper.findAll('.t-step').map((li) => `${li.attributes('data-step')}:${li.attributes('data-state')}`);
const currentStep = (wrapper: VueWrapper) => wrapper.find('.t-step[aria-current="step"]').attributes('data-step');
const logMessages = (wrapper: VueWrapper) => wrapper.findAll('.prep-log__line .prep-log__message').map((m) => m.text());
const posts = (calls: FakeCall[]) => calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body]);

const RUNNING: PreparationView = makeView({
  status: 'in_progress',
  currentStep: 'install-docker',
  steps: steps({ 'detect-os': 'applied', 'update-package-index': 'satisfied', 'install-docker': 'running' }),
  os: DEBIAN,
  preparer: 'debian-family',
  startedAt: '2025-03-01T10:00:00.000Z',
  recentLog: [line(10, 'Preparation started', { step: 'detect-os' }), line(11, '# apt-get install docker-ce', { step: 'install-docker' })],
});

const COMPLETED: PreparationView = makeView({
  status: 'completed',
  steps: steps({ 'detect-os': 'applied', 'update-package-index': 'satisfied', 'install-docker': 'applied', 'start-docker': 'applied', 'docker-group': 'satisfied' }),
  os: DEBIAN,
  preparer: 'debian-family',
  startedAt: '2025-03-01T10:00:00.000Z',
  finishedAt: '2025-03-01T10:03:00.000Z',
  recentLog: [line(20, 'Preparation completed: Docker is installed, running and usable by the SSH user')],
});

const FAILED: PreparationView = makeView({
  status: 'failed',
  currentStep: 'install-docker',
  failedStep: 'install-docker',
  error: 'apt-get could not download docker-ce: the mirror answered 404',
  steps: steps({ 'detect-os': 'applied', 'update-package-index': 'applied', 'install-docker': 'rolled_back' }),
  os: DEBIAN,
  preparer: 'debian-family',
  startedAt: '2025-03-01T10:00:00.000Z',
  finishedAt: '2025-03-01T10:02:00.000Z',
  recentLog: [
    line(30, 'Install Docker failed; undoing its partial change', { step: 'install-docker', level: 'warn' }),
    line(31, 'apt-get could not download docker-ce: the mirror answered 404', { step: 'install-docker', level: 'error' }),
  ],
});

describe('PreparationTab', () => {
  afterEach(() => jest.restoreAllMocks());

  it('a never-prepared server: "Not prepared", Prepare enabled, what it does explained, no stream', async () => {
    const { wrapper, calls, server } = await mountTab({ [`GET ${BASE}`]: { body: NEVER_PREPARED } });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([`GET ${BASE}`]);
    expect(badge(wrapper)).toBe('Not prepared');
    expect(button(wrapper, 'prepare').attributes('disabled')).toBeUndefined();
    expect(wrapper.find('[data-action="again"]').exists()).toBe(false);
    expect(wrapper.get('.prep-intro').text()).toContain('installs Docker');
    expect(wrapper.find('.t-steps').exists()).toBe(false);
    expect(wrapper.find('[data-result]').exists()).toBe(false);
    expect(wrapper.get('.prep-log').text()).toBe('No log yet.');
    expect(server.connections).toHaveLength(0);
  });

  it('a prepared server: "Prepared", Prepare disabled, success card, and "Run again" starts a new run', async () => {
    const { wrapper, calls, server } = await mountTab({
      [`GET ${BASE}`]: { body: COMPLETED },
      [`GET ${BASE}/log`]: { body: { lines: [] } },
      [`POST ${BASE}`]: { status: 202, body: makeView({ status: 'in_progress', currentStep: 'detect-os', steps: [{ id: 'detect-os', title: 'Detect the operating system', state: 'pending' }] }) },
    });
    expect(badge(wrapper)).toBe('Prepared');
    expect(button(wrapper, 'prepare').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-result="completed"]').text()).toContain('Docker is installed, running and usable by the SSH user. 3 steps done, 2 already in place.');
    expect(wrapper.get('[data-fact="os"]').text()).toBe('Debian GNU/Linux 12 (bookworm) · x86_64 · preparer debian-family');
    expect(stepStates(wrapper)).toEqual(['detect-os:applied', 'update-package-index:satisfied', 'install-docker:applied', 'start-docker:applied', 'docker-group:satisfied']);
    expect(wrapper.findAll('.t-step__state').map((s) => s.text())).toEqual(['Done', 'Already done', 'Done', 'Done', 'Already done']);
    expect(wrapper.find('.t-step[aria-current]').exists()).toBe(false);
    expect(server.connections).toHaveLength(0);

    await button(wrapper, 'again').trigger('click');
    await flushPromises();
    expect(posts(calls)).toEqual([[BASE, {}]]);
    expect(badge(wrapper)).toBe('Preparing');
    expect(button(wrapper, 'prepare').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-action="again"]').exists()).toBe(false);
    expect(server.connections).toHaveLength(1);
    // Resumes after the lines already shown.
    expect(server.current.afterId).toBe('20');

    // At the end, the run's lines are read again from after those shown before it.
    server.current.push(END_FRAME);
    await flushPromises();
    expect(calls.map((c) => c.url)).toContain(`${BASE}/log?afterId=20`);
    expect(badge(wrapper)).toBe('Prepared');
  });

  it('Compose v2 found by the run: "Compose v2.26.1" and the command that runs it', async () => {
    const { wrapper } = await mountTab({
      [`GET ${BASE}`]: { body: { ...COMPLETED, compose: { available: true, version: '2.26.1', command: ['docker', 'compose'] } } },
    });
    const fact = wrapper.get('[data-fact="compose"]');
    expect(fact.attributes('data-available')).toBe('true');
    expect(fact.text()).toBe('Compose v2.26.1 (docker compose)');
  });

  it('Compose unavailable: the reason, and what it means for apps; nothing shown before a run checked it', async () => {
    const reason = "no Compose v2 package in this server's repositories (docker-compose: 1.29.2-3, Compose v1)";
    const { wrapper } = await mountTab({ [`GET ${BASE}`]: { body: { ...COMPLETED, compose: { available: false, reason } } } });
    const fact = wrapper.get('[data-fact="compose"]');
    expect(fact.attributes('data-available')).toBe('false');
    expect(fact.attributes('role')).toBe('note');
    expect(fact.text()).toBe(`Compose unavailable: ${reason}. Multi-container apps cannot be installed on this server; single-container apps can.`);
    // The server is still prepared: Docker works.
    expect(badge(wrapper)).toBe('Prepared');

    const before = await mountTab({ [`GET ${BASE}`]: { body: COMPLETED } });
    expect(before.wrapper.find('[data-fact="compose"]').exists()).toBe(false);
  });

  it('a run in progress: Prepare disabled, the current step highlighted, and the live stream started after the last line', async () => {
    const { wrapper, server } = await mountTab({ [`GET ${BASE}`]: { body: RUNNING } });
    expect(badge(wrapper)).toBe('Preparing');
    expect(button(wrapper, 'prepare').attributes('disabled')).toBeDefined();
    expect(currentStep(wrapper)).toBe('install-docker');
    expect(wrapper.find('[data-step="install-docker"] .t-step__marker .t-spinner').exists()).toBe(true);
    expect(wrapper.get('[data-step="install-docker"] .t-step__state').text()).toBe('Running…');
    expect(server.connections).toHaveLength(1);
    const c = server.current;
    expect(c.url).toBe(`${BASE}/events?afterId=11`);
    expect(c.headers['X-Requested-With']).toBe('tomo-console');
    expect(wrapper.get('[data-live]').attributes('data-live')).toBe('open');
    expect(logMessages(wrapper)).toEqual(['Preparation started', '# apt-get install docker-ce']);
  });

  it('Prepare posts {} and follows the run: the stepper advances with state events, lines arrive in order, end shows the result', async () => {
    let finished = false;
    const runLines = [
      line(1, 'Preparation started', { step: 'detect-os' }),
      line(2, 'Detected Debian GNU/Linux 12 (bookworm)', { step: 'detect-os' }),
      line(3, '# apt-get install -y docker-ce', { step: 'install-docker' }),
      line(4, 'Install Docker: done', { step: 'install-docker' }),
    ];
    const { wrapper, calls, server } = await mountTab({
      [`GET ${BASE}`]: () => ({ body: finished ? { ...COMPLETED, recentLog: [runLines[3]] } : NEVER_PREPARED }),
      [`POST ${BASE}`]: { status: 202, body: makeView({ status: 'in_progress', currentStep: 'detect-os', steps: [{ id: 'detect-os', title: 'Detect the operating system', state: 'pending' }] }) },
      [`GET ${BASE}/log`]: { body: { lines: runLines } },
    });
    await button(wrapper, 'prepare').trigger('click');
    await flushPromises();
    expect(posts(calls)).toEqual([[BASE, {}]]);
    expect(server.connections).toHaveLength(1);
    const c = server.current;
    expect(c.afterId).toBeNull();
    expect(stepStates(wrapper)).toEqual(['detect-os:pending']);

    c.push(lineFrame(runLines[0]));
    c.push(stateFrame(makeView({ status: 'in_progress', currentStep: 'detect-os', steps: [{ id: 'detect-os', title: 'Detect the operating system', state: 'running' }] })));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['detect-os:running']);
    expect(currentStep(wrapper)).toBe('detect-os');

    c.push(lineFrame(runLines[1]));
    c.push(stateFrame(makeView({ status: 'in_progress', currentStep: 'detect-os', steps: steps({ 'detect-os': 'applied' }), os: DEBIAN, preparer: 'debian-family' })));
    c.push(stateFrame(makeView({ status: 'in_progress', currentStep: 'install-docker', steps: steps({ 'detect-os': 'applied', 'update-package-index': 'satisfied', 'install-docker': 'running' }), os: DEBIAN })));
    await flushPromises();
    expect(stepStates(wrapper)).toEqual(['detect-os:applied', 'update-package-index:satisfied', 'install-docker:running', 'start-docker:pending', 'docker-group:pending']);
    expect(currentStep(wrapper)).toBe('install-docker');
    expect(wrapper.get('[role="status"].t-sr-only').text()).toBe('Install Docker: running');
    expect(wrapper.get('[data-fact="os"]').text()).toContain('Debian GNU/Linux 12 (bookworm)');

    // Line 3 never reaches the stream (lost between the backlog and the live feed).
    c.push(lineFrame(runLines[3]));
    await flushPromises();
    expect(logMessages(wrapper)).toEqual([runLines[0], runLines[1], runLines[3]].map((l) => l.message));
    expect(wrapper.findAll('.prep-log__step').map((s) => s.text())).toEqual(['detect-os', 'detect-os', 'install-docker']);
    expect(wrapper.get('.prep-log__step').attributes('title')).toBe('Detect the operating system');

    finished = true;
    c.push(END_FRAME);
    await flushPromises();
    expect(c.aborted).toBe(true);
    // The final status, and the run's whole log (the tab showed no line before the run: no afterId).
    expect(calls.slice(-2).map((call) => call.url)).toEqual([BASE, `${BASE}/log`]);
    expect(badge(wrapper)).toBe('Prepared');
    expect(wrapper.find('[data-result="completed"]').exists()).toBe(true);
    expect(wrapper.find('[data-live]').exists()).toBe(false);
    expect(logMessages(wrapper)).toEqual(runLines.map((l) => l.message));
    expect(server.connections).toHaveLength(1);
  });

  it('Prepare with advanced options posts the Docker source and the sudo password, then forgets the password', async () => {
    const { wrapper, calls } = await mountTab({
      [`GET ${BASE}`]: { body: NEVER_PREPARED },
      [`POST ${BASE}`]: { status: 202, body: makeView({ status: 'in_progress', currentStep: 'detect-os', steps: [] }) },
    });
    const details = wrapper.get('details.prep-advanced');
    expect(details.attributes('open')).toBeUndefined();
    expect(details.text()).toContain('Only for servers Tomo logs in to with an SSH key and whose sudo asks for a password. Used for this run only, never stored.');
    await wrapper.get('details select').setValue('distribution');
    const password = wrapper.get('details input[type="password"]');
    expect(password.attributes('autocomplete')).toBe('new-password');
    await password.setValue('s3cret sudo');
    await button(wrapper, 'prepare').trigger('click');
    await flushPromises();
    expect(posts(calls)).toEqual([[BASE, { dockerSource: 'distribution', sudoPassword: 's3cret sudo' }]]);
    expect((wrapper.get('details input[type="password"]').element as HTMLInputElement).value).toBe('');
    // While it runs, the options cannot change.
    expect(wrapper.get('details select').attributes('disabled')).toBeDefined();
  });

  it('a failed run: error card with the step and the message; Retry posts to /retry and follows the run', async () => {
    const { wrapper, calls, server } = await mountTab({
      [`GET ${BASE}`]: { body: FAILED },
      [`POST ${BASE}/retry`]: { status: 202, body: { ...FAILED, status: 'in_progress', failedStep: null, error: null, recentLog: undefined } },
    });
    expect(badge(wrapper)).toBe('Failed');
    const card = wrapper.get('[data-result="failed"]');
    expect(card.attributes('role')).toBe('alert');
    expect(card.get('.t-result__title').text()).toBe('Preparation stopped at “Install Docker”');
    expect(card.get('.t-result__message').text()).toBe('apt-get could not download docker-ce: the mirror answered 404');
    expect(card.text()).toContain("The step's partial changes were undone.");
    expect(wrapper.get('[data-step="install-docker"] .t-step__state').text()).toBe('Failed, changes undone');
    // Starting over is allowed too, but Retry is the main action.
    expect(button(wrapper, 'prepare').attributes('disabled')).toBeUndefined();
    expect(button(wrapper, 'prepare').classes()).toContain('t-btn--secondary');
    // Warnings and errors are marked in the log.
    expect(wrapper.findAll('.prep-log__line').map((l) => [l.attributes('data-level'), l.find('.prep-log__level').exists() ? l.get('.prep-log__level').text() : ''])).toEqual([
      ['warn', 'warning'],
      ['error', 'error'],
    ]);

    await wrapper.get('details select').setValue('official');
    await button(wrapper, 'retry').trigger('click');
    await flushPromises();
    expect(posts(calls)).toEqual([[`${BASE}/retry`, { dockerSource: 'official' }]]);
    expect(wrapper.find('[data-result="failed"]').exists()).toBe(false);
    expect(badge(wrapper)).toBe('Preparing');
    expect(server.current.afterId).toBe('31');
  });

  it('a state event saying the run is over ends following it, even without an end event', async () => {
    let gets = 0;
    const { wrapper, server, calls } = await mountTab({
      [`GET ${BASE}`]: () => ({ body: ++gets > 1 ? FAILED : RUNNING }),
      [`GET ${BASE}/log`]: { body: { lines: FAILED.recentLog } },
    });
    const c = server.current;
    c.push(stateFrame(FAILED));
    await flushPromises();
    expect(c.aborted).toBe(true);
    expect(calls.map((call) => call.url)).toEqual([BASE, BASE, `${BASE}/log?afterId=11`]);
    expect(badge(wrapper)).toBe('Failed');
    expect(logMessages(wrapper).slice(-1)).toEqual(['apt-get could not download docker-ce: the mirror answered 404']);
  });

  it('409 (already running) is shown on the tab, and the run that is going on is shown and followed', async () => {
    let running = false;
    const { wrapper, server } = await mountTab({
      [`GET ${BASE}`]: () => ({ body: running ? RUNNING : NEVER_PREPARED }),
      [`POST ${BASE}`]: () => {
        running = true;
        return errorReply(409, 'conflict', 'A preparation of this server is already running', 'server_id');
      },
    });
    await button(wrapper, 'prepare').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-notice]').text()).toBe('A preparation of this server is already running');
    expect(badge(wrapper)).toBe('Preparing');
    expect(server.connections).toHaveLength(1);
  });

  it('409 on Retry (nothing to retry any more) is shown too', async () => {
    const { wrapper } = await mountTab({
      [`GET ${BASE}`]: { body: FAILED },
      [`POST ${BASE}/retry`]: errorReply(409, 'conflict', 'There is no failed preparation to retry for this server', 'server_id'),
    });
    await button(wrapper, 'retry').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-notice]').text()).toBe('There is no failed preparation to retry for this server');
  });

  it('a rejected sudo password is shown under its field and opens the advanced options', async () => {
    const { wrapper, server } = await mountTab({
      [`GET ${BASE}`]: { body: NEVER_PREPARED },
      [`POST ${BASE}`]: errorReply(400, 'validation_failed', 'sudoPassword: is too long', 'sudoPassword'),
    });
    await button(wrapper, 'prepare').trigger('click');
    await flushPromises();
    expect(wrapper.get('details.prep-advanced').attributes('open')).toBeDefined();
    expect(wrapper.get('details .t-field__error').text()).toBe('Is too long');
    expect(server.connections).toHaveLength(0);

    // Any other failure: above the form.
    installFakeFetch({ [`POST ${BASE}`]: errorReply(502, 'ssh_failed', 'Cannot reach the server over SSH') });
    await button(wrapper, 'prepare').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-form-error]').text()).toBe('Cannot reach the server over SSH');
    expect(wrapper.find('details .t-field__error').exists()).toBe(false);
  });

  it('when the stream drops it says so, reconnects after the last line, and shows no line twice', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { wrapper, server } = await mountTab({ [`GET ${BASE}`]: { body: RUNNING } });
      const first = server.current;
      first.push(lineFrame(line(12, 'Reading package lists...', { step: 'install-docker' })));
      await flushPromises();
      first.fail();
      await flushPromises();
      expect(wrapper.get('[data-live]').attributes('data-live')).toBe('reconnecting');
      jest.advanceTimersByTime(1000);
      await flushPromises();
      expect(server.connections).toHaveLength(2);
      const second = server.current;
      expect(second.afterId).toBe('12');
      // The backlog may repeat a line the tab already has.
      second.push(lineFrame(line(12, 'Reading package lists...', { step: 'install-docker' })));
      second.push(lineFrame(line(13, 'Setting up docker-ce', { step: 'install-docker' })));
      await flushPromises();
      expect(wrapper.get('[data-live]').attributes('data-live')).toBe('open');
      expect(logMessages(wrapper)).toEqual(['Preparation started', '# apt-get install docker-ce', 'Reading package lists...', 'Setting up docker-ce']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a stream the server refuses (404) stops, says so, and reloads the status', async () => {
    let gets = 0;
    const fake = installFakeFetch({ [`GET ${BASE}`]: () => ({ body: ++gets === 1 ? RUNNING : FAILED }) });
    const server = new FakeStreamServer();
    server.answers.push({ status: 404, body: { error: { code: 'not_found', message: 'Server not found' } } });
    routeStreamsTo(server);
    const wrapper = mount(PreparationTab, { props: { serverId: SERVER_ID } });
    await flushPromises();
    expect(wrapper.get('.prep-live-error').text()).toBe('The live log stopped: Server not found');
    expect(fake.calls.filter((c) => c.url === BASE)).toHaveLength(2);
    expect(badge(wrapper)).toBe('Failed');
  });

  it('stops the stream when the tab goes away', async () => {
    const { wrapper, server } = await mountTab({ [`GET ${BASE}`]: { body: RUNNING } });
    const c = server.current;
    expect(c.aborted).toBe(false);
    wrapper.unmount();
    expect(c.aborted).toBe(true);
  });

  it('follows a change of server: the old stream stops, the new server is loaded', async () => {
    const other = '0b7f5f5e-1111-4c4c-9a9a-000000000002';
    const { wrapper, server, calls } = await mountTab({
      [`GET ${BASE}`]: { body: RUNNING },
      [`GET /api/servers/${other}/preparation`]: { body: { ...NEVER_PREPARED, serverId: other } },
    });
    const c = server.current;
    await wrapper.setProps({ serverId: other });
    await flushPromises();
    expect(c.aborted).toBe(true);
    expect(calls[calls.length - 1].url).toBe(`/api/servers/${other}/preparation`);
    expect(badge(wrapper)).toBe('Not prepared');
    expect(wrapper.get('.prep-log').text()).toBe('No log yet.');
    expect(server.connections).toHaveLength(1);
  });

  it('"Show the whole log" loads the lines older than the recent ones', async () => {
    const recent = Array.from({ length: 50 }, (_, i) => line(100 + i, `line ${100 + i}`));
    const older = [line(5, 'an old run'), line(6, 'its end')];
    const { wrapper } = await mountTab({
      [`GET ${BASE}`]: { body: { ...COMPLETED, recentLog: recent } },
      [`GET ${BASE}/log`]: { body: { lines: [...older, ...recent] } },
    });
    expect(wrapper.findAll('.prep-log__line')).toHaveLength(50);
    await button(wrapper, 'full-log').trigger('click');
    await flushPromises();
    expect(logMessages(wrapper).slice(0, 3)).toEqual(['an old run', 'its end', 'line 100']);
    expect(wrapper.findAll('.prep-log__line')).toHaveLength(52);
    expect(wrapper.find('[data-action="full-log"]').exists()).toBe(false);
  });

  it('a status that cannot be loaded shows the reason and a way to try again', async () => {
    const { wrapper, routes } = await mountTab({ [`GET ${BASE}`]: errorReply(500, 'internal', 'Something broke') });
    expect(wrapper.get('[role="alert"]').text()).toContain('The preparation could not be loaded: Something broke');
    routes[`GET ${BASE}`] = { body: NEVER_PREPARED };
    await wrapper.get('[role="alert"] button').trigger('click');
    await flushPromises();
    expect(badge(wrapper)).toBe('Not prepared');
  });
});
