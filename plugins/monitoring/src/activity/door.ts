import { SESSION_COOKIE, type CallContext } from '@tomo/kernel';

/** Which door an action came through. `system` is Tomo itself (background jobs, finished runs). */
export type Door = 'console' | 'api' | 'mcp' | 'cli' | 'system';

/**
 * The door of a call. HTTP calls are the console's when they ride on the console's session
 * cookie (the kernel accepts it only with the console's header), the API's otherwise. A login
 * request carries no session yet, so a console login counts as `api` unless the browser still
 * held a session cookie: the call context does not show the console's header.
 */
export function doorOf(call: CallContext | undefined): Door {
  if (!call) return 'system';
  if (call.transport === 'mcp') return 'mcp';
  if (call.transport === 'cli') return 'cli';
  return call.cookies?.get(SESSION_COOKIE) ? 'console' : 'api';
}
