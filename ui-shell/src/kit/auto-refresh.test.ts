import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { AUTO_REFRESH_KEY, useAutoRefresh } from './auto-refresh';

enableAutoUnmount(afterEach);
beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  window.localStorage.clear();
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
});

/** A component that refreshes with `tick` and shows the switch's state. */
function panel(tick: () => Promise<unknown>, ms = 1000) {
  return defineComponent({
    setup() {
      const { enabled } = useAutoRefresh(tick, ms);
      return () => h('input', { type: 'checkbox', checked: enabled.value, onChange: (e: Event) => (enabled.value = (e.target as HTMLInputElement).checked) });
    },
  });
}

async function advance(ms: number): Promise<void> {
  jest.advanceTimersByTime(ms);
  await flushPromises();
}

describe('useAutoRefresh', () => {
  it('calls the tick every interval, one at a time: the next waits for a slow one to finish', async () => {
    let finish: (() => void) | undefined;
    const tick = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    mount(panel(tick));
    await advance(1000);
    expect(tick).toHaveBeenCalledTimes(1);
    await advance(5000);
    expect(tick).toHaveBeenCalledTimes(1);
    finish!();
    await flushPromises();
    await advance(1000);
    expect(tick).toHaveBeenCalledTimes(2);
  });

  it('skips the calls while the browser tab is hidden', async () => {
    const tick = jest.fn(async () => undefined);
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    mount(panel(tick));
    await advance(3000);
    expect(tick).not.toHaveBeenCalled();
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    await advance(1000);
    expect(tick).toHaveBeenCalledTimes(1);
  });

  it('is one switch for every panel on the page, remembered; it stops when the panels go away', async () => {
    const first = jest.fn(async () => undefined);
    const second = jest.fn(async () => undefined);
    const a = mount(panel(first));
    const b = mount(panel(second));
    await a.get('input').setValue(false);
    expect((b.get('input').element as HTMLInputElement).checked).toBe(false);
    expect(window.localStorage.getItem(AUTO_REFRESH_KEY)).toBe('off');
    await advance(3000);
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([0, 0]);
    await b.get('input').setValue(true);
    await advance(1000);
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
    a.unmount();
    b.unmount();
    await advance(5000);
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
  });

  it('still works when the browser refuses storage (private mode, quota)', async () => {
    jest.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('SecurityError');
    });
    jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    const tick = jest.fn(async () => undefined);
    const wrapper = mount(panel(tick));
    expect((wrapper.get('input').element as HTMLInputElement).checked).toBe(true);
    await wrapper.get('input').setValue(false);
    await advance(2000);
    expect(tick).not.toHaveBeenCalled();
  });
});
