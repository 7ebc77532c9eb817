/**
 * Loads the xterm.js screen on demand: the dynamic import puts xterm.js in a chunk of its own,
 * fetched the first time a terminal opens. One place, so component tests can give a fake screen.
 */
import type { MountedScreen } from './xterm-screen';

export type { MountedScreen };

export async function loadScreen(): Promise<(host: HTMLElement) => MountedScreen> {
  return (await import('./xterm-screen')).createXtermScreen;
}
