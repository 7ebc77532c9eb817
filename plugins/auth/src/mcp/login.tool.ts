import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { mcpLoginInput, publicUserSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/**
 * `login`: authenticates this MCP session. The session token is kept server-side for the MCP
 * session and is deliberately NOT returned: an agent's transcript is no place for a credential.
 * An account with two-factor on needs `totp` (a current code or a recovery code): without it the
 * tool answers the error `second_factor_required` (an MCP client has no second round trip).
 */
export function loginTool(s: AuthServices): ToolDefinition<z.output<typeof mcpLoginInput>> {
  return {
    name: 'login',
    title: 'Log in',
    description:
      'Log this MCP session in to Tomo with a username and password, plus `totp` (a current 6-digit authenticator code or a recovery code) when the account has two-factor authentication on; ' +
      'without it such an account answers the error second_factor_required. Later tool calls in the same session act as that user. ' +
      'Not needed when the client already sends an API token (Authorization: Bearer). Returns { loggedIn, user, expiresAt, twoFactorEnrolmentRequired } ' +
      '(the user, when the session expires, and whether the two-factor policy asks this user to enrol a second factor in the console).',
    input: mcpLoginInput,
    output: z.strictObject({
      loggedIn: z.literal(true),
      user: publicUserSchema,
      expiresAt: z.string().meta({ format: 'date-time' }),
      twoFactorEnrolmentRequired: z.boolean(),
    }),
    access: 'public',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: async (input, call) => {
      const result = await s.login.login(input.username, input.password, call, input.totp);
      if (call.mcpSession) call.mcpSession.credential = result.token;
      return { loggedIn: true, user: result.user, expiresAt: result.expiresAt, twoFactorEnrolmentRequired: result.twoFactorEnrolmentRequired };
    },
  };
}
