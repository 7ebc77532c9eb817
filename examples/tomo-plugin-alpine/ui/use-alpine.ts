import { api } from '@tomo/ui-shell/kit';
import { ref } from 'vue';

export interface Mirror {
  serverId: string;
  url: string;
  updatedAt: string;
}

export interface Preparer {
  id: string;
  supported: string[];
}

/** What the page and the card show: the Alpine preparer's versions, and the mirrors chosen. */
export function useAlpine() {
  const mirrors = ref<Mirror[]>([]);
  const versions = ref<string[]>([]);
  const error = ref('');
  const loaded = ref(false);
  async function load(): Promise<void> {
    try {
      const [m, p] = await Promise.all([
        api.get<{ mirrors: Mirror[] }>('/api/alpine/mirrors'),
        api.get<{ preparers: Preparer[] }>('/api/preparation/preparers'),
      ]);
      mirrors.value = m.mirrors;
      versions.value = p.preparers.find((x) => x.id === 'alpine')?.supported ?? [];
    } catch (err) {
      error.value = (err as Error).message;
    } finally {
      loaded.value = true;
    }
  }
  return { mirrors, versions, error, loaded, load };
}
