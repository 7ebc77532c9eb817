import { PluginLoadError } from '../errors';

/** Anything with an id and the ids it depends on. */
export interface Orderable {
  id: string;
  dependsOn?: readonly string[];
}

/**
 * Orders plugins so each comes after what it depends on, keeping the given order otherwise.
 * Throws {@link PluginLoadError} naming the cycle (`a -> b -> a`).
 */
export function orderByDependencies<T extends Orderable>(items: readonly T[]): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const done = new Set<string>();
  const visiting: string[] = [];
  const out: T[] = [];
  const visit = (item: T): void => {
    if (done.has(item.id)) return;
    const at = visiting.indexOf(item.id);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), item.id].join(' -> ');
      throw new PluginLoadError(`Plugin dependency cycle: ${cycle}`, item.id);
    }
    visiting.push(item.id);
    for (const dep of item.dependsOn ?? []) {
      const target = byId.get(dep);
      if (target) visit(target);
    }
    visiting.pop();
    done.add(item.id);
    out.push(item);
  };
  for (const item of items) visit(item);
  return out;
}
