import type { ToolDefinition } from '@tomo/kernel';
import { createUserInput, publicUserSchema } from '../schemas';
import type { AuthServices } from '../services/auth-services';

/** `create_user` (admin only). */
export function createUserTool(s: AuthServices): ToolDefinition<{ username: string; email: string; password: string; role: 'admin' | 'user' }> {
  return {
    name: 'create_user',
    title: 'Create user',
    description:
      'Create a Tomo user (admin only). username: 3-32 letters, digits, ".", "_" or "-"; password: at least 12 characters; role: "user" (default, sees only what they create) or "admin" (sees everything). Returns the new user without any password.',
    input: createUserInput,
    output: publicUserSchema,
    access: 'admin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: (input, call) => s.users.create(input, call),
  };
}
