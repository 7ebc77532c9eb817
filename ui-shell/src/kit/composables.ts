/** Small reactive helpers panels share. */
import { getCurrentScope, onScopeDispose, ref, watch, type Ref } from 'vue';

/** `source`, but only after it stopped changing for `ms` (typing in a search box). */
export function useDebounced<T>(source: Ref<T>, ms: number): Ref<T> {
  const settled = ref(source.value) as Ref<T>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(source, (value) => {
    clearTimeout(timer);
    timer = setTimeout(() => (settled.value = value), ms);
  });
  if (getCurrentScope()) onScopeDispose(() => clearTimeout(timer));
  return settled;
}
