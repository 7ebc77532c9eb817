import { z } from 'zod';
import { authTypeSchema, credentialsSchema, hostSchema, portSchema, serverNameSchema, sshUsernameSchema } from '../schemas';

/** `server_id` as the spec's tools name it. */
export const serverIdArg = z.uuid('must be a valid server id');

/** The spec's `add_server(name, host, port, username, auth_type, credentials)`. */
export const addServerArgs = z.strictObject({
  name: serverNameSchema,
  host: hostSchema,
  port: portSchema.default(22),
  username: sshUsernameSchema,
  auth_type: authTypeSchema,
  credentials: credentialsSchema,
});

export const updateServerArgs = z.strictObject({
  server_id: serverIdArg,
  name: serverNameSchema.optional(),
  host: hostSchema.optional(),
  port: portSchema.optional(),
  username: sshUsernameSchema.optional(),
  auth_type: authTypeSchema.optional(),
  credentials: credentialsSchema.optional(),
});
