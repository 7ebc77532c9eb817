import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import type { AuthServices } from '../services/auth-services';

/** `logout`: ends the session this MCP session logged in with. */
export function logoutTool(s: AuthServices): ToolDefinition<Record<string, never>> {
  return {
    name: 'logout',
    title: 'Log out',
    description: 'End the login of this MCP session. Later calls need a new login (or an API token). An API token itself is not revoked by this.',
    input: z.strictObject({}),
    output: z.strictObject({ loggedOut: z.literal(true) }),
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async (_input, call) => {
      await s.login.logout(call.principal, call);
      if (call.mcpSession) call.mcpSession.credential = undefined;
      return { loggedOut: true as const };
    },
  };
}
