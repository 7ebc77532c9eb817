import { enableAutoUnmount, flushPromises, mount, VueWrapper } from '@vue/test-utils';
import type { LogLine } from '../api';
import { line, steps } from '../test-fixtures';
import LogView from './LogView.vue';

enableAutoUnmount(afterEach);

/** jsdom does no layout: give the log box a size and a scroll position. */
function layout(el: HTMLElement, size: { scrollHeight: number; clientHeight: number }): void {
  Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => size.scrollHeight });
  Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => size.clientHeight });
}

const box = (wrapper: VueWrapper) => wrapper.get('.prep-log').element as HTMLElement;
const lines = (n: number, from = 1): LogLine[] => Array.from({ length: n }, (_, i) => line(from + i, `line ${from + i}`));

describe('LogView', () => {
  it('shows time, step tag (with the step title), level for warnings and errors, and the message', () => {
    const wrapper = mount(LogView, {
      props: {
        lines: [
          line(1, 'Preparation started'),
          line(2, 'Retrying apt-get', { step: 'install-docker', level: 'warn' }),
          line(3, 'E: Unable to locate package docker-ce\nE: second line', { step: 'install-docker', level: 'error' }),
        ],
        steps: steps(),
      },
    });
    const rows = wrapper.findAll('.prep-log__line');
    expect(rows.map((r) => r.classes().find((c) => c.startsWith('prep-log__line--')))).toEqual(['prep-log__line--info', 'prep-log__line--warn', 'prep-log__line--error']);
    expect(rows[0].find('.prep-log__step').exists()).toBe(false);
    expect(rows[0].find('.prep-log__level').exists()).toBe(false);
    expect(rows[1].get('.prep-log__step').text()).toBe('install-docker');
    expect(rows[1].get('.prep-log__step').attributes('title')).toBe('Install Docker');
    expect(rows[1].get('.prep-log__level').text()).toBe('warning');
    expect(rows[2].get('.prep-log__level').text()).toBe('error');
    expect(rows[2].get('.prep-log__message').text()).toBe('E: Unable to locate package docker-ce\nE: second line');
    expect(rows[0].get('time').attributes('datetime')).toBe('2025-03-01T10:00:00.000Z');
    expect(wrapper.get('.prep-log').attributes('role')).toBe('log');
  });

  it('follows new lines at the bottom; scrolling up pauses that, "Jump to the latest line" resumes it', async () => {
    const size = { scrollHeight: 1000, clientHeight: 200 };
    const wrapper = mount(LogView, { props: { lines: lines(20), steps: [] }, attachTo: document.body });
    const el = box(wrapper);
    layout(el, size);

    size.scrollHeight = 1100;
    await wrapper.setProps({ lines: lines(22) });
    await flushPromises();
    expect(el.scrollTop).toBe(1100);

    // The user scrolls up to read.
    el.scrollTop = 300;
    await wrapper.get('.prep-log').trigger('scroll');
    expect(wrapper.get('.prep-log').attributes('data-following')).toBe('false');
    size.scrollHeight = 1200;
    await wrapper.setProps({ lines: lines(24) });
    await flushPromises();
    expect(el.scrollTop).toBe(300);

    await wrapper.get('.prep-log__jump').trigger('click');
    expect(el.scrollTop).toBe(1200);
    expect(wrapper.find('.prep-log__jump').exists()).toBe(false);

    // Scrolling back down to (near) the bottom resumes following as well.
    el.scrollTop = 100;
    await wrapper.get('.prep-log').trigger('scroll');
    expect(wrapper.get('.prep-log').attributes('data-following')).toBe('false');
    el.scrollTop = 1200 - 200 - 10;
    await wrapper.get('.prep-log').trigger('scroll');
    expect(wrapper.get('.prep-log').attributes('data-following')).toBe('true');
    size.scrollHeight = 1300;
    await wrapper.setProps({ lines: lines(26) });
    await flushPromises();
    expect(el.scrollTop).toBe(1300);
  });

  it('says when there is no log yet', () => {
    expect(mount(LogView, { props: { lines: [], steps: [] } }).get('.prep-log').text()).toBe('No log yet.');
  });
});
