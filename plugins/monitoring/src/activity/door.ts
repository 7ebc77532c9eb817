import type { CallContext } from '@tomo/kernel';

/** Which door an action came through. `system` is Tomo itself (background jobs, finished runs). */
export type Door = 'console' | 'api' | 'mcp' | 'cli' | 'system';

/**
 * The door of a call. HTTP calls are the console's when they come with the console's header and
 * no bearer token (a console login too, before any session exists), the API's otherwise.
 */
export function doorOf(call: CallContext | undefined): Door {
  if (!call) return 'system';
  if (call.transport === 'mcp') return 'mcp';
  if (call.transport === 'cli') return 'cli';
  return call.fromConsole ? 'console' : 'api';
}
