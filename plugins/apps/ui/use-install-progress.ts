/**
 * Follows an install the server runs in the background: polls the installation every `pollMs`
 * while it is `installing` and exposes where it got to. A failed poll is retried (a blip of the
 * network must not look like a failed install); only a 404 (the installation is gone) ends it.
 */
import { isApiError, usePolling } from '@tomo/ui-shell/kit';
import { computed, ref, shallowRef } from 'vue';
import { appsApi, type InstallationView } from './api';

/**
 * How an install ended, for the wizard's result block. `cleanedUp`: the installer removed what it
 * had created (state `failed`); otherwise the container exists but does not run as it should.
 */
export type InstallOutcome = { kind: 'success'; installation: InstallationView } | { kind: 'failed'; message: string; cleanedUp: boolean };

export function useInstallProgress(pollMs = 700) {
  const installation = shallowRef<InstallationView | null>(null);
  /** A poll that failed; polling goes on. */
  const pollProblem = ref('');
  /** The installation disappeared while it was followed (removed elsewhere). */
  const gone = ref(false);

  const poller = usePolling(async () => {
    const current = installation.value;
    if (!current) return false;
    try {
      installation.value = await appsApi.installation(current.id);
      pollProblem.value = '';
    } catch (err) {
      if (!isApiError(err) || err.status === 401) throw err;
      if (err.status === 404) {
        gone.value = true;
        return false;
      }
      pollProblem.value = `Tomo did not answer (${err.message}). Trying again…`;
      return true;
    }
    return installation.value.state === 'installing';
  }, pollMs, { pauseWhileHidden: false });

  /** Starts following `view` (the answer of the install request). */
  function follow(view: InstallationView): void {
    installation.value = view;
    pollProblem.value = '';
    gone.value = false;
    if (view.state === 'installing') poller.start();
  }

  function reset(): void {
    poller.stop();
    installation.value = null;
    pollProblem.value = '';
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

  return { installation, pollProblem, outcome, follow, reset, polling: poller.active };
}
