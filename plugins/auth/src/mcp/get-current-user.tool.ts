import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { publicUserSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/** `get_current_user`: who this session acts as. */
export function getCurrentUserTool(s: AuthServices): ToolDefinition<Record<string, never>> {
  return {
    name: 'get_current_user',
    title: 'Current user',
    description: 'Return the Tomo user this MCP session acts as: id, username, email, role (admin or user), and last login.',
    input: z.strictObject({}),
    output: publicUserSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (_input, call) => s.users.get(call.principal.id),
  };
}
