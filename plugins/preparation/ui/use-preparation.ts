/**
 * One server's preparation as the tab shows it: the status, the log, and the live stream that
 * keeps both current while a run is in progress.
 */
import { api, isApiError, type EventStream, type StreamEvent, type StreamOptions } from '@tomo/ui-shell/kit';
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import { mergeLines, preparationApi, type LogLine, type PreparationView, type StartOptions } from './api';

/** The most lines the tab keeps (the oldest go first). */
export const MAX_LINES = 3000;

/** How the live stream is doing: `off` (not needed), `connecting`, `open`, or `reconnecting` after a drop. */
export type LiveState = 'off' | 'connecting' | 'open' | 'reconnecting';

/** Options for tests: the stream's timings. */
export type StreamTuning = Pick<StreamOptions, 'retryMs' | 'maxRetryMs' | 'idleTimeoutMs'>;

export function usePreparation(serverId: Ref<string>, tuning: StreamTuning = {}) {
  const view = ref<PreparationView | null>(null);
  const lines = shallowRef<LogLine[]>([]);
  const loading = ref(false);
  const loadError = ref('');
  const live = ref<LiveState>('off');
  /** A problem of the live stream that retrying did not fix (shown beside the log). */
  const liveError = ref('');
  /** True once the whole log (not only the recent lines) was loaded. */
  const fullLog = ref(false);

  let stream: EventStream | null = null;
  /** The last line id before the current stream opened: the run's lines are after it. */
  let runBaseId: number | undefined;
  /** Bumped when the server changes or the tab goes away: late answers for before are dropped. */
  let generation = 0;

  const lastLineId = (): number | undefined => (lines.value.length > 0 ? lines.value[lines.value.length - 1].id : undefined);

  function addLines(incoming: readonly LogLine[]): void {
    const merged = mergeLines(lines.value, incoming);
    if (merged === lines.value) return;
    lines.value = merged.length > MAX_LINES ? merged.slice(merged.length - MAX_LINES) : merged;
  }

  function setView(next: PreparationView): void {
    const { recentLog, ...rest } = next;
    view.value = rest;
    if (recentLog) addLines(recentLog);
  }

  /** Errors a panel must not swallow: not an API error, or a 401 (the shell signs the user out). */
  function mustRethrow(err: unknown): boolean {
    return !isApiError(err) || err.status === 401;
  }

  async function load(): Promise<void> {
    const id = serverId.value;
    const gen = generation;
    loading.value = true;
    loadError.value = '';
    try {
      const found = await preparationApi.status(id);
      if (gen !== generation) return;
      setView(found);
      if (found.status === 'in_progress') follow();
    } catch (err) {
      if (gen !== generation) return;
      if (mustRethrow(err)) throw err;
      loadError.value = (err as Error).message;
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  function onEvent(event: StreamEvent, gen: number): void {
    if (gen !== generation) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // not ours: ignore
    }
    if (event.type === 'line') {
      addLines([data as LogLine]);
    } else if (event.type === 'state') {
      const next = data as PreparationView;
      setView(next);
      // A finished run is over even if its `end` event gets lost (it follows right after).
      if (next.status !== 'in_progress') {
        stopStream();
        void finish(gen);
      }
    } else if (event.type === 'end') {
      stopStream();
      void finish(gen);
    }
  }

  /** Starts the live stream (once), resuming after the last line shown. */
  function follow(): void {
    if (stream) return;
    const id = serverId.value;
    const gen = generation;
    runBaseId = lastLineId();
    liveError.value = '';
    live.value = 'connecting';
    stream = api.stream(
      () => preparationApi.eventsUrl(id, lastLineId()),
      {
        onEvent: (event) => onEvent(event, gen),
        onOpen: () => {
          if (gen === generation) live.value = 'open';
        },
        onError: (error, willRetry) => {
          if (gen !== generation) return;
          if (willRetry) {
            live.value = 'reconnecting';
            return;
          }
          stream = null;
          live.value = 'off';
          liveError.value = `The live log stopped: ${error.message}`;
          // Through the kit's client: a 401 signs the user out, anything else shows on the tab.
          void load().catch(() => undefined);
        },
      },
      { ...tuning, lastEventId: runBaseId !== undefined ? String(runBaseId) : undefined },
    );
  }

  function stopStream(): void {
    stream?.close();
    stream = null;
    live.value = 'off';
  }

  /** The run ended: the final status, and every line of the run (lines may have been missed while reconnecting). */
  async function finish(gen: number): Promise<void> {
    const id = serverId.value;
    try {
      const [final, runLines] = await Promise.all([preparationApi.status(id), preparationApi.log(id, runBaseId)]);
      if (gen !== generation) return;
      setView(final);
      addLines(runLines);
      // Started again elsewhere in the meantime: keep following.
      if (final.status === 'in_progress') follow();
    } catch (err) {
      if (gen !== generation) return;
      if (mustRethrow(err)) throw err;
      loadError.value = (err as Error).message;
    }
  }

  /** Starts a run (or retries the failed one). Rejects with the API's error (409 when one is running). */
  async function start(options: StartOptions, retry = false): Promise<void> {
    const id = serverId.value;
    const gen = generation;
    const started = retry ? await preparationApi.retry(id, options) : await preparationApi.start(id, options);
    if (gen !== generation) return;
    setView(started);
    loadError.value = '';
    // A stream still open from before ended with the old run; the new run needs a fresh one.
    stopStream();
    follow();
  }

  /** Loads every stored line, not only the recent ones. */
  async function loadFullLog(): Promise<void> {
    const gen = generation;
    const all = await preparationApi.log(serverId.value);
    if (gen !== generation) return;
    addLines(all);
    fullLog.value = true;
  }

  function reset(): void {
    generation++;
    stopStream();
    view.value = null;
    lines.value = [];
    loadError.value = '';
    liveError.value = '';
    fullLog.value = false;
    runBaseId = undefined;
  }

  watch(serverId, () => {
    reset();
    void load();
  });
  onBeforeUnmount(() => {
    generation++;
    stopStream();
  });

  return { view, lines, loading, loadError, live, liveError, fullLog, load, start, follow, stopStream, loadFullLog };
}
