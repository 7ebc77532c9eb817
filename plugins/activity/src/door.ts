import type { CallContext } from '@tomo/kernel';
import type { Door } from './views';

export type { Door };

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
