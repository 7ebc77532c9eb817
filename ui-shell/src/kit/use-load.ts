/** Loading data for a panel: the newest answer, a spinner for the first load, the error to show. */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { isApiError } from './http';

/** Options of {@link useLoad}. */
export interface LoadOptions {
  /** Only the first load shows `loading`; later ones (refreshes) replace the data in place. */
  quiet?: boolean;
}

/** What {@link useLoad} gives a panel. `E` is what `data` holds before the first answer. */
export interface LoadState<T, E = null> {
  /** The newest answer; `initial` (else null) until the first one arrived. A panel may assign it (after a change it made). */
  data: ShallowRef<T | E>;
  loading: Ref<boolean>;
  /** The message of the last load's API error; '' after a load that worked. */
  error: Ref<string>;
  /** Loads (again). Rejects only with what a panel must not swallow (a 401, a bug). */
  load: () => Promise<void>;
}

/**
 * `fetch()`'s answer in `data`, keeping only the newest when loads overlap (a slow answer to an
 * old filter must not replace a newer one). An API error goes to `error` and the data shown
 * stays; a 401 or a bug goes on to the shell's handler.
 *
 * @example
 * const { data: users, loading, error, load } = useLoad(() => api.get<User[]>('/api/users'), { initial: [] });
 * onMounted(load);
 */
export function useLoad<T>(fetch: () => Promise<T>, options: LoadOptions & { initial: T }): LoadState<T, T>;
export function useLoad<T>(fetch: () => Promise<T>, options?: LoadOptions): LoadState<T>;
export function useLoad<T>(fetch: () => Promise<T>, options: LoadOptions & { initial?: T } = {}): LoadState<T, T | null> {
  const data = shallowRef<T | null>(options.initial ?? null);
  const loading = ref(true);
  const error = ref('');
  let ticket = 0;
  let loadedOnce = false;
  async function load(): Promise<void> {
    const mine = ++ticket;
    if (!options.quiet || !loadedOnce) loading.value = true;
    try {
      const found = await fetch();
      if (mine !== ticket) return;
      data.value = found;
      error.value = '';
    } catch (err) {
      if (!isApiError(err) || err.status === 401) throw err;
      if (mine === ticket) error.value = err.message;
    } finally {
      if (mine === ticket) {
        loading.value = false;
        loadedOnce = true;
      }
    }
  }
  return { data, loading, error, load };
}
