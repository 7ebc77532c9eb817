/**
 * Follows an installation's logs on its event stream (`GET /api/apps/installations/:id/logs/stream`,
 * through the kit's `api.stream`): the newest lines first, then each line as the app prints it.
 * Paused, new lines are held back (and counted) until resumed. A dropped stream reconnects by
 * itself and goes on after the last line seen (the kit sends its id back); the server's `end`
 * (the containers stopped) stops following until asked again.
 */
import { api, type EventStream, type StreamEvent, type StreamOptions } from '@tomo/ui-shell/kit';
import { ref, shallowRef } from 'vue';
import { appsApi, type LogLineView } from '../api';

/** Lines kept in the page; older ones are dropped (the download holds what is kept). */
export const MAX_KEPT_LINES = 5000;
/** Lines asked for when the view opens. */
export const FIRST_TAIL = 500;

export type LogsStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export function useAppLogs(installationId: () => string, tuning: StreamOptions = {}) {
  const lines = shallowRef<LogLineView[]>([]);
  const services = ref<string[]>([]);
  const paused = ref(false);
  /** Lines that arrived while paused. */
  const held = shallowRef<LogLineView[]>([]);
  const status = ref<LogsStatus>('connecting');
  /** Why the stream stopped or is reconnecting, for the user. */
  const problem = ref('');
  let stream: EventStream | null = null;

  const keep = (more: LogLineView[]) => {
    const all = [...lines.value, ...more];
    lines.value = all.length > MAX_KEPT_LINES ? all.slice(-MAX_KEPT_LINES) : all;
  };

  function onEvent(event: StreamEvent): void {
    const data = JSON.parse(event.data) as { services?: string[]; lines?: LogLineView[]; reason?: string };
    if (event.type === 'ready' && data.services) services.value = data.services;
    else if (event.type === 'lines' && data.lines) {
      if (paused.value) held.value = [...held.value, ...data.lines].slice(-MAX_KEPT_LINES);
      else keep(data.lines);
    } else if (event.type === 'end') {
      status.value = 'ended';
      problem.value = data.reason ?? 'The logs ended.';
      close();
    }
  }

  function close(): void {
    stream?.close();
    stream = null;
  }

  /** (Re)starts following from the newest lines. */
  function start(): void {
    close();
    lines.value = [];
    held.value = [];
    status.value = 'connecting';
    problem.value = '';
    stream = api.stream(
      appsApi.logsStreamUrl(installationId(), { tail: FIRST_TAIL }),
      {
        onEvent,
        onOpen: () => {
          status.value = 'live';
          problem.value = '';
        },
        onError: (err, willRetry) => {
          status.value = willRetry ? 'reconnecting' : 'failed';
          problem.value = willRetry ? `Tomo did not answer (${err.message}). Trying again…` : `The logs cannot be shown: ${err.message}`;
        },
      },
      tuning,
    );
  }

  function pause(): void {
    paused.value = true;
  }

  function resume(): void {
    paused.value = false;
    if (held.value.length) keep(held.value);
    held.value = [];
  }

  return { lines, services, paused, held, status, problem, start, stop: close, pause, resume };
}
