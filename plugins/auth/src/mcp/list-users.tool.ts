import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { publicUserSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/** `list_users` (admin only). */
export function listUsersTool(s: AuthServices): ToolDefinition<Record<string, never>> {
  return {
    name: 'list_users',
    title: 'List users',
    description: 'List every Tomo user with role, disabled flag and last login (admin only): { users }.',
    input: z.strictObject({}),
    output: z.strictObject({ users: z.array(publicUserSchema) }),
    access: 'admin',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async () => ({ users: await s.users.list() }),
  };
}
