/** Words and labels the apps panels show; plain functions so they are tested without a component. */
import { busyStates } from '@tomo/ui-shell/kit';
import type { AppVolume, InstallationState, InstalledPortView } from './api';

/** States in which Tomo is still working on the installation (the lists refresh by themselves). */
export const BUSY_STATES = busyStates('app') as ReadonlySet<InstallationState>;

/** `media-server` → `Media server`. */
export function categoryLabel(slug: string): string {
  const words = slug.replace(/-/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : slug;
}

/** The letter shown when an app has no icon (or it cannot be loaded): the name's first letter or digit. */
export function initialOf(name: string): string {
  const match = /[\p{L}\p{N}]/u.exec(name);
  return match ? match[0].toLocaleUpperCase() : '?';
}

/** One of six colours for the initial, always the same for a name. */
export function colourOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 6;
}

/** `128` → `128 MiB`, `2048` → `2 GiB`, `1536` → `1.5 GiB`. */
export function formatMemory(mib: number): string {
  if (mib < 1024) return `${mib} MiB`;
  const gib = mib / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/** `8081 → 80/tcp`: where to reach it on the server, and where it goes in the container. */
export function publishedPort(port: Pick<InstalledPortView, 'host' | 'container' | 'protocol'>): string {
  return `${port.host} → ${port.container}/${port.protocol}`;
}

/** Where a volume's data lives on the server, in words. */
export function volumeSource(volume: AppVolume): string {
  if (volume.kind === 'host') return volume.dockerSocket ? `${volume.hostPath} (the Docker socket)` : volume.hostPath;
  return volume.subPath ? `App data folder / ${volume.subPath}` : 'App data folder';
}

/** `1 app`, `3 apps`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * `url` when it is an http(s) address, else undefined. The backend already checks, but a link
 * must never become `javascript:` even if a catalog or a stored row is wrong.
 */
export function webUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A file size for people: "512 B", "12.3 KiB", "4.0 MiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
