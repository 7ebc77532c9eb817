/**
 * The terminals open on a server page, as tabs: open a new one (it becomes the shown one),
 * show another, close one (the one beside it is shown). Each tab's terminal stays mounted while
 * it exists, so switching never reconnects; closing it unmounts it, which closes its shell.
 */
import type { TerminalState } from '@tomo/ui-shell/kit';
import { computed, ref } from 'vue';

export interface TerminalTab {
  /** Stable for the tab's life: the key of its component and its element ids. */
  key: string;
  title: string;
  state: TerminalState;
}

export function useTerminalTabs() {
  const tabs = ref<TerminalTab[]>([]);
  const activeKey = ref<string | null>(null);
  let opened = 0;

  const active = computed(() => tabs.value.find((tab) => tab.key === activeKey.value) ?? null);

  function open(): TerminalTab {
    opened += 1;
    const tab: TerminalTab = { key: `terminal-${opened}`, title: `Shell ${opened}`, state: 'starting' };
    tabs.value = [...tabs.value, tab];
    activeKey.value = tab.key;
    return tab;
  }

  function select(key: string): void {
    if (tabs.value.some((tab) => tab.key === key)) activeKey.value = key;
  }

  function close(key: string): void {
    const index = tabs.value.findIndex((tab) => tab.key === key);
    if (index < 0) return;
    const rest = tabs.value.filter((tab) => tab.key !== key);
    tabs.value = rest;
    if (activeKey.value === key) activeKey.value = (rest[index] ?? rest[index - 1])?.key ?? null;
  }

  function setState(key: string, state: TerminalState): void {
    const tab = tabs.value.find((t) => t.key === key);
    if (tab) tab.state = state;
  }

  return { tabs, activeKey, active, open, select, close, setState };
}
