import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { loginInput, publicUserSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/**
 * `login`: authenticates this MCP session. The session token is kept server-side for the MCP
 * session and is deliberately NOT returned: an agent's transcript is no place for a credential.
 */
export function loginTool(s: AuthServices): ToolDefinition<{ username: string; password: string }> {
  return {
    name: 'login',
    title: 'Log in',
    description:
      'Log this MCP session in to Tomo with a username and password. Later tool calls in the same session act as that user. ' +
      'Not needed when the client already sends an API token (Authorization: Bearer). Returns { loggedIn, user, expiresAt } (the user, and when the session expires).',
    input: loginInput,
    output: z.strictObject({ loggedIn: z.literal(true), user: publicUserSchema, expiresAt: z.string().meta({ format: 'date-time' }) }),
    access: 'public',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: async (input, call) => {
      const result = await s.login.login(input.username, input.password, call);
      if (call.mcpSession) call.mcpSession.credential = result.token;
      return { loggedIn: true, user: result.user, expiresAt: result.expiresAt };
    },
  };
}
