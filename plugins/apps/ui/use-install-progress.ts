/**
 * Follows an install the server runs in the background, on the installation's event stream
 * (`GET /api/apps/installations/:id/events`, through the kit's `api.stream`): the whole view first
 * and last, the steps as they change. A dropped stream reconnects by itself (each connection
 * starts with the whole view, so nothing is missed) and says so meanwhile; only a 404 (the
 * installation is gone) ends it.
 */
import { api, type EventStream, type StreamEvent, type StreamOptions } from '@tomo/ui-shell/kit';
import { computed, ref, shallowRef } from 'vue';
import { appsApi, type InstallationView, type InstallStepView } from './api';

/**
 * How an install ended, for the wizard's result block. `cleanedUp`: the installer removed what it
 * had created (state `failed`); otherwise the container exists but does not run as it should.
 */
export type InstallOutcome = { kind: 'success'; installation: InstallationView } | { kind: 'failed'; message: string; cleanedUp: boolean };

/** `tuning`: the stream's reconnect timings (tests shorten them). */
export function useInstallProgress(tuning: StreamOptions = {}) {
  const installation = shallowRef<InstallationView | null>(null);
  /** The stream dropped and is reconnecting. */
  const streamProblem = ref('');
  /** The installation disappeared while it was followed (removed elsewhere). */
  const gone = ref(false);
  let stream: EventStream | null = null;

  function onEvent(event: StreamEvent): void {
    const data = JSON.parse(event.data) as { installation?: InstallationView; steps?: InstallStepView[] };
    if (event.type === 'installation' && data.installation) installation.value = data.installation;
    else if (event.type === 'progress' && data.steps && installation.value) installation.value = { ...installation.value, progress: data.steps };
    else if (event.type === 'end') stop();
  }

  function stop(): void {
    stream?.close();
    stream = null;
  }

  /** Starts following `view` (the answer of the install request). */
  function follow(view: InstallationView): void {
    stop();
    installation.value = view;
    streamProblem.value = '';
    gone.value = false;
    if (view.state !== 'installing') return;
    stream = api.stream(
      appsApi.eventsUrl(view.id),
      {
        onEvent,
        onOpen: () => (streamProblem.value = ''),
        onError: (err, willRetry) => {
          if (willRetry) streamProblem.value = `Tomo did not answer (${err.message}). Trying again…`;
          else if (err.status === 404) gone.value = true;
          else streamProblem.value = `The install can no longer be followed here (${err.message}). See the server's Apps tab.`;
        },
      },
      tuning,
    );
  }

  function reset(): void {
    stop();
    installation.value = null;
    streamProblem.value = '';
    gone.value = false;
  }

  const outcome = computed<InstallOutcome | null>(() => {
    if (gone.value) return { kind: 'failed', message: 'The installation was removed while it was being installed.', cleanedUp: false };
    const view = installation.value;
    if (!view || view.state === 'installing') return null;
    if (view.state === 'running') return { kind: 'success', installation: view };
    if (view.state === 'failed') return { kind: 'failed', message: view.error ?? 'The install failed, and the server gave no reason.', cleanedUp: true };
    // Installed, but not running as it should (the container exited, Docker stopped answering…).
    const detail = view.stateDetail ?? view.error;
    return { kind: 'failed', message: `The app was installed but is not running (${view.state})${detail ? `: ${detail}` : '.'}`, cleanedUp: false };
  });

  return { installation, streamProblem, outcome, follow, reset };
}
