import { effectScope, nextTick, ref } from 'vue';
import { ApiError } from './api';
import { useLoad } from './use-load';
import { usePolling } from './use-polling';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('useLoad', () => {
  it('keeps only the newest answer when loads overlap, and shows loading only the first time when quiet', async () => {
    const answers: Array<(v: string) => void> = [];
    const state = useLoad(() => new Promise<string>((resolve) => answers.push(resolve)), { quiet: true });
    expect(state.loading.value).toBe(true);
    const first = state.load();
    const second = state.load();
    answers[1]('new');
    answers[0]('old');
    await Promise.all([first, second]);
    expect([state.data.value, state.loading.value]).toEqual(['new', false]);
    void state.load();
    expect(state.loading.value).toBe(false);
  });

  it('starts from `initial` when given (a list shows empty, not null), and a panel may assign the data', async () => {
    const state = useLoad(async () => ['a', 'b'], { initial: [] as string[] });
    expect(state.data.value).toEqual([]);
    await state.load();
    expect(state.data.value).toEqual(['a', 'b']);
    state.data.value = [...state.data.value, 'c'];
    expect(state.data.value).toEqual(['a', 'b', 'c']);
  });

  it('an API error is shown and keeps the data; a 401 or a bug goes on', async () => {
    let fail: unknown;
    const state = useLoad(async () => {
      if (fail) throw fail;
      return 1;
    });
    await state.load();
    fail = new ApiError(503, 'unavailable', 'Try later');
    await state.load();
    expect([state.data.value, state.error.value, state.loading.value]).toEqual([1, 'Try later', false]);
    fail = new ApiError(401, 'unauthorized', 'Signed out');
    await expect(state.load()).rejects.toMatchObject({ status: 401 });
    fail = new TypeError('bug');
    await expect(state.load()).rejects.toThrow('bug');
  });
});

describe('usePolling', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never overlaps: the next call waits for the previous one; false stops', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    let again = true;
    const scope = effectScope();
    const polling = scope.run(() =>
      usePolling(() => {
        calls++;
        return new Promise<boolean>((resolve) => (release = () => resolve(again)));
      }, 100),
    )!;
    polling.start();
    expect(polling.active.value).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(calls).toBe(1);
    release();
    await flush();
    jest.advanceTimersByTime(100);
    expect(calls).toBe(2);
    again = false;
    release();
    await flush();
    expect(polling.active.value).toBe(false);
    jest.advanceTimersByTime(1000);
    expect(calls).toBe(2);
    scope.stop();
  });

  it('follows an enabled switch, skips while the tab is hidden, and stops with its component', async () => {
    const tick = jest.fn(async () => undefined);
    const enabled = ref(true);
    const scope = effectScope();
    scope.run(() => usePolling(tick, () => 50, { enabled }));
    jest.advanceTimersByTime(50);
    await flush();
    expect(tick).toHaveBeenCalledTimes(1);
    enabled.value = false;
    await nextTick();
    jest.advanceTimersByTime(500);
    expect(tick).toHaveBeenCalledTimes(1);
    enabled.value = true;
    await nextTick();
    const hidden = jest.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    jest.advanceTimersByTime(50);
    await flush();
    expect(tick).toHaveBeenCalledTimes(1);
    hidden.mockRestore();
    jest.advanceTimersByTime(50);
    await flush();
    expect(tick).toHaveBeenCalledTimes(2);
    scope.stop();
    jest.advanceTimersByTime(500);
    expect(tick).toHaveBeenCalledTimes(2);
  });

  it('enabled: true starts at once; start(true) calls without waiting a period', async () => {
    const tick = jest.fn(async () => undefined);
    const scope = effectScope();
    const polling = scope.run(() => usePolling(tick, 1000, { enabled: true, pauseWhileHidden: false }))!;
    expect(polling.active.value).toBe(true);
    polling.start(true);
    jest.advanceTimersByTime(0);
    await flush();
    expect(tick).toHaveBeenCalledTimes(1);
    scope.stop();
    expect(polling.active.value).toBe(false);
  });
});
