import type { CallContext } from '@tomo/kernel';
import type { ActivityInput, ActivityLog, Door } from '@tomo/plugin-activity/api';

/** The door of a call, as the activity log names it (console, api, mcp, cli; system without a call). */
function doorOf(call: CallContext | undefined): Door {
  if (!call) return 'system';
  if (call.transport === 'mcp') return 'mcp';
  if (call.transport === 'cli') return 'cli';
  return call.fromConsole ? 'console' : 'api';
}

/** Who and through which door, from a call (never a credential). */
export function actorOf(call: CallContext): Pick<ActivityInput, 'userId' | 'username' | 'door' | 'clientIp'> {
  return { userId: call.principal?.id ?? null, username: call.principal?.name ?? null, door: doorOf(call), clientIp: call.clientIp };
}

/** What the alerts plugin writes to the activity log: a thin wrapper so the services stay readable. */
export type AlertsActivity = Pick<ActivityLog, 'record'>;
