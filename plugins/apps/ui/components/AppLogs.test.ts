import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { installFakeFetch } from '../../../../ui-shell/src/test-utils/fake-fetch';
import { FakeStreamServer, frame, routeStreamsTo } from '../../../../ui-shell/src/test-utils/fake-stream';
import type { LogLineView } from '../api';
import { HOSTILE_NAME, signIn } from '../test-fixtures';
import AppLogs from './AppLogs.vue';

enableAutoUnmount(afterEach);

const ID = 'inst-1';
const STREAM = `/api/apps/installations/${ID}/logs/stream?tail=500`;
let seq = 0;
const line = (text: string, overrides: Partial<LogLineView> = {}): LogLineView => ({
  service: 'web',
  stream: 'stdout',
  time: `2026-12-06T23:10:${String(10 + (seq++ % 50)).padStart(2, '0')}.000000000Z`,
  text,
  ...overrides,
});

async function mountLogs() {
  installFakeFetch({});
  signIn();
  const server = new FakeStreamServer();
  routeStreamsTo(server, /\/logs\/stream(\?|$)/);
  const wrapper = mount(AppLogs, { props: { installationId: ID, appName: 'Uptime Kuma', streamTuning: { retryMs: 5, idleTimeoutMs: 0 } }, attachTo: document.body });
  await flushPromises();
  return { wrapper, server };
}

async function push(server: FakeStreamServer, text: string) {
  server.current.push(text);
  await flushPromises();
}

const texts = (wrapper: VueWrapper) => wrapper.findAll('[data-testid="logs-line"] .apps-logs__text').map((l) => l.text());
/** jsdom's Blob has no text(); FileReader reads it. */
const blobText = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });
const byId = (wrapper: VueWrapper, id: string) => wrapper.get(`[data-testid="${id}"]`);

describe('AppLogs', () => {
  it('opens the stream with the newest 500 lines and shows each burst as it arrives, stderr marked', async () => {
    const { wrapper, server } = await mountLogs();
    expect(server.connections.map((c) => [c.url, c.headers['X-Requested-With']])).toEqual([[STREAM, 'tomo-console']]);
    expect(byId(wrapper, 'logs-status').attributes('data-status')).toBe('live');
    expect(wrapper.text()).toContain('No lines yet.');
    await push(server, frame('ready', { services: ['web'] }) + frame('lines', { lines: [line('started'), line('password: ••••••')] }, 'a'));
    await push(server, frame('lines', { lines: [line('oops', { stream: 'stderr' })] }, 'b'));
    expect(texts(wrapper)).toEqual(['started', 'password: ••••••', 'oops']);
    expect(wrapper.findAll('[data-testid="logs-line"]')[2].attributes('data-stream')).toBe('stderr');
  });

  it('pause holds new lines back and counts them; resume shows them', async () => {
    const { wrapper, server } = await mountLogs();
    await push(server, frame('ready', { services: ['web'] }) + frame('lines', { lines: [line('one')] }));
    await byId(wrapper, 'logs-pause').trigger('click');
    await push(server, frame('lines', { lines: [line('two'), line('three')] }));
    expect(texts(wrapper)).toEqual(['one']);
    expect(byId(wrapper, 'logs-status').text()).toContain('Paused: 2 new lines waiting');
    await byId(wrapper, 'logs-resume').trigger('click');
    expect(texts(wrapper)).toEqual(['one', 'two', 'three']);
    expect(byId(wrapper, 'logs-status').attributes('data-status')).toBe('live');
  });

  it('filters by service and searches (any case), marking the match; markup in a line stays text', async () => {
    const { wrapper, server } = await mountLogs();
    await push(server, frame('ready', { services: ['db', 'web'] }));
    await push(server, frame('lines', { lines: [line('GET /health 200'), line('checkpoint done', { service: 'db' }), line(HOSTILE_NAME), line('get /login 302')] }));
    expect(wrapper.findAll('.apps-logs__service').map((s) => s.text())).toEqual(['web', 'db', 'web', 'web']);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(texts(wrapper)).toContain(HOSTILE_NAME);

    await byId(wrapper, 'logs-service').setValue('db');
    expect(texts(wrapper)).toEqual(['checkpoint done']);
    await byId(wrapper, 'logs-service').setValue('');
    await byId(wrapper, 'logs-search').setValue('get /');
    expect(texts(wrapper)).toEqual(['GET /health 200', 'get /login 302']);
    expect(wrapper.findAll('mark').map((m) => m.text())).toEqual(['GET /', 'get /']);
    // The line is shown exactly (white space is kept in the log box): nothing added around the marks.
    expect(wrapper.findAll('.apps-logs__text').map((t) => t.element.textContent)).toEqual(['GET /health 200', 'get /login 302']);
    expect(byId(wrapper, 'logs-status').text()).toContain('2 of 4 lines');
    await byId(wrapper, 'logs-search').setValue('nothing like it');
    expect(wrapper.text()).toContain('No line matches.');
  });

  it('downloads the lines shown as a text file', async () => {
    const { wrapper, server } = await mountLogs();
    const saved: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:logs';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    try {
      await push(server, frame('ready', { services: ['web'] }) + frame('lines', { lines: [line('alpha', { time: '2026-12-06T23:10:00.000000000Z' }), line('beta', { time: '2026-12-06T23:10:01.000000000Z', stream: 'stderr' })] }));
      await byId(wrapper, 'logs-search').setValue('beta');
      await byId(wrapper, 'logs-download').trigger('click');
      expect(names).toEqual([expect.stringMatching(/^uptime-kuma-logs-.*\.txt$/)]);
      expect(await blobText(saved[0])).toBe('2026-12-06T23:10:01.000000000Z web stderr beta\n');
    } finally {
      click.mockRestore();
    }
  });

  it('says when the app stopped and follows again on request; reconnects after a drop', async () => {
    const { wrapper, server } = await mountLogs();
    await push(server, frame('ready', { services: ['web'] }) + frame('lines', { lines: [line('one')] }, '2026-12-06T23:10:00.000000000Z'));
    server.current.fail();
    await flushPromises();
    await new Promise((r) => setTimeout(r, 20));
    await flushPromises();
    expect(server.connections).toHaveLength(2);
    // The kit sends the last event id back: the server goes on after that line.
    expect(server.current.headers['Last-Event-ID']).toBe('2026-12-06T23:10:00.000000000Z');
    await push(server, frame('end', { reason: 'The containers stopped: there is nothing more to follow' }));
    expect(byId(wrapper, 'logs-status').attributes('data-status')).toBe('ended');
    expect(byId(wrapper, 'logs-problem').text()).toContain('The containers stopped');
    expect(texts(wrapper)).toEqual(['one']);
    await byId(wrapper, 'logs-restart').trigger('click');
    await flushPromises();
    expect(server.connections).toHaveLength(3);
    expect(texts(wrapper)).toEqual([]);
  });

  it('a 404 (the app is gone) stops following and says why', async () => {
    installFakeFetch({});
    signIn();
    const server = new FakeStreamServer();
    server.answers.push({ status: 404, body: { error: { code: 'not_found', message: 'Installation not found' } } });
    routeStreamsTo(server, /\/logs\/stream(\?|$)/);
    const wrapper = mount(AppLogs, { props: { installationId: ID, appName: 'X', streamTuning: { retryMs: 5, idleTimeoutMs: 0 } } });
    await flushPromises();
    expect(byId(wrapper, 'logs-status').attributes('data-status')).toBe('failed');
    expect(byId(wrapper, 'logs-problem').text()).toContain('Installation not found');
  });

  it('closes the stream when it goes away', async () => {
    const { wrapper, server } = await mountLogs();
    wrapper.unmount();
    expect(server.current.aborted).toBe(true);
  });
});
