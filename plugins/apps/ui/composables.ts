/** A piece of state the apps panels share: a remembered choice. */
import { ref, watch, type Ref } from 'vue';

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
