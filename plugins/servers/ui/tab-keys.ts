import { nextTick } from 'vue';

/**
 * The ARIA tabs pattern's keys: which tab a key press on tab `index` (of `count`) moves to —
 * arrows wrap around, Home and End go to the ends — or undefined when the key is not one of them.
 * The server page's tabs and its terminals' tabs both follow it.
 */
export function tabKeyTarget(key: string, index: number, count: number): number | undefined {
  const last = count - 1;
  const moves: Record<string, number> = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last };
  return moves[key];
}

/**
 * A key press on the tab at `index` of `keys`: selects the tab it moves to and, once it is
 * rendered, focuses its button (element id `idOf(key)`). Other keys are left alone.
 */
export async function moveBetweenTabs(event: KeyboardEvent, index: number, keys: readonly string[], select: (key: string) => void, idOf: (key: string) => string): Promise<void> {
  const next = tabKeyTarget(event.key, index, keys.length);
  if (next === undefined) return;
  event.preventDefault();
  select(keys[next]);
  await nextTick();
  document.getElementById(idOf(keys[next]))?.focus();
}
