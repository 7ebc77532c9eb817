/** Small pieces of state the apps panels share: a remembered choice, a poller. */
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';

/**
 * A choice kept in `localStorage` under `key`, so the page opens the way it was left. A stored
 * value that is not one of `allowed` (an old version, a hand edit) gives `fallback`; storage that
 * cannot be used (private mode, quota) only means the choice is not remembered.
 */
export function useStoredChoice<T extends string>(key: string, allowed: readonly T[], fallback: T): Ref<T> {
  let initial = fallback;
  try {
    const stored = window.localStorage.getItem(key);
    if (stored !== null && (allowed as readonly string[]).includes(stored)) initial = stored as T;
  } catch {
    // Not remembered; the default is fine.
  }
  const choice = ref(initial) as Ref<T>;
  watch(choice, (value) => {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // Not remembered; the page still works.
    }
  });
  return choice;
}

/**
 * Calls `tick` every `ms` while started: the next call is scheduled only after the previous one
 * finished, so a slow server never gets overlapping requests. `tick` returns false to stop.
 * Stops by itself when the component (effect scope) goes away.
 */
export function usePoller(tick: () => Promise<boolean | void>, ms: number): { start: (immediately?: boolean) => void; stop: () => void; active: Ref<boolean> } {
  const active = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every start/stop, so a tick that finishes after a stop schedules nothing. */
  let generation = 0;

  function schedule(mine: number, delay: number): void {
    timer = setTimeout(async () => {
      if (mine !== generation) return;
      let again: boolean | void;
      try {
        again = await tick();
      } catch (err) {
        // An error `tick` did not handle (the session ended…): stop, and let the shell report it.
        if (mine === generation) stop();
        throw err;
      }
      if (mine !== generation) return;
      if (again === false) stop();
      else schedule(mine, ms);
    }, delay);
  }

  function start(immediately = false): void {
    stop();
    active.value = true;
    schedule(++generation, immediately ? 0 : ms);
  }

  function stop(): void {
    generation++;
    clearTimeout(timer);
    active.value = false;
  }

  if (getCurrentScope()) onScopeDispose(stop);
  return { start, stop, active };
}
