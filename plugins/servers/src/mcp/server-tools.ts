import { z } from 'zod';
import type { ToolDefinition } from '@tomo/kernel';
import { connectionTestResultSchema, publicServerSchema } from '../schemas';
import type { ServerService } from '../services/server-service';
import { addServerArgs, serverIdArg, updateServerArgs } from './server-tool-inputs';

type Args<T extends z.ZodType> = z.output<T>;

/** `add_server`. */
export function addServerTool(servers: ServerService): ToolDefinition<Args<typeof addServerArgs>> {
  return {
    name: 'add_server',
    title: 'Add server',
    description:
      'Add a Linux server reachable over SSH. auth_type "password" takes credentials.password; "key" takes credentials.privateKey (OpenSSH/PEM text) and credentials.passphrase if the key is encrypted. ' +
      'Credentials are stored encrypted and never returned. Nothing connects yet: call test_connection next and show the user the host-key fingerprint it reports. Returns the server (id in "id").',
    input: addServerArgs,
    output: publicServerSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    handler: (a, call) =>
      servers.create({ name: a.name, host: a.host, port: a.port, username: a.username, authType: a.auth_type, credentials: a.credentials }, { ...call, principal: call.principal }),
  };
}

/** `test_connection`. */
export function testConnectionTool(servers: ServerService): ToolDefinition<{ server_id: string }> {
  return {
    name: 'test_connection',
    title: 'Test connection',
    description:
      'Connect to a server over SSH and run one command: returns ok, latency (connectMs, commandMs), the host key fingerprint (firstSeen: true on first contact, to be checked by the user), and system facts (OS, kernel, CPUs, memory, disk, Docker version). ' +
      'On failure returns ok: false with an error code (auth_failed, connection_refused, host_unreachable, timed_out, host_key_changed, ...) and message. Updates the server status.',
    input: z.strictObject({ server_id: serverIdArg }),
    output: connectionTestResultSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    handler: (a, call) => servers.testConnection(call.principal, a.server_id, call),
  };
}

/** `list_servers`. */
export function listServersTool(servers: ServerService): ToolDefinition<Record<string, never>> {
  return {
    name: 'list_servers',
    title: 'List servers',
    description: 'List the servers this user may see (all for an admin) with status (unknown, online, offline, error), last check, host key and system facts: { servers }. Never includes credentials.',
    input: z.strictObject({}),
    output: z.strictObject({ servers: z.array(publicServerSchema) }),
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (_a, call) => ({ servers: await servers.list(call.principal) }),
  };
}

/** `get_server`. */
export function getServerTool(servers: ServerService): ToolDefinition<{ server_id: string }> {
  return {
    name: 'get_server',
    title: 'Get server',
    description: 'One server by id: address, user, auth type, hasCredentials, host key (and a pending new key if it changed), status, last error, system facts.',
    input: z.strictObject({ server_id: serverIdArg }),
    output: publicServerSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => servers.get(call.principal, a.server_id),
  };
}

/** `update_server`. */
export function updateServerTool(servers: ServerService): ToolDefinition<Args<typeof updateServerArgs>> {
  return {
    name: 'update_server',
    title: 'Update server',
    description:
      'Change a server: name, host, port, username, auth_type, credentials. Omit credentials to keep the stored ones (they are required when auth_type changes). Changing host or port forgets the trusted host key. Returns the server.',
    input: updateServerArgs,
    output: publicServerSchema,
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: (a, call) =>
      servers.update(a.server_id, { name: a.name, host: a.host, port: a.port, username: a.username, authType: a.auth_type, credentials: a.credentials }, { ...call, principal: call.principal }),
  };
}

/** `delete_server`. */
export function deleteServerTool(servers: ServerService): ToolDefinition<{ server_id: string }> {
  return {
    name: 'delete_server',
    title: 'Delete server',
    description: 'Remove a server from Tomo: closes its connections and deletes its stored credentials and what depends on it. Does not touch the machine itself. Returns { deleted: true, serverId }.',
    input: z.strictObject({ server_id: serverIdArg }),
    output: z.strictObject({ deleted: z.literal(true), serverId: z.string() }),
    access: 'authenticated',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (a, call) => {
      await servers.delete(a.server_id, { ...call, principal: call.principal });
      // Field names as every other result (the HTTP API's): serverId, not the argument's server_id.
      return { deleted: true as const, serverId: a.server_id };
    },
  };
}

/** `accept_host_key` (admin): not in the spec's list, but the issue asks for the route and tool. */
export function acceptHostKeyTool(servers: ServerService): ToolDefinition<{ server_id: string; fingerprint: string }> {
  return {
    name: 'accept_host_key',
    title: 'Accept new host key',
    description:
      "Admin only. Trust the new SSH host key a server presented after its key changed. Only call this after the user has confirmed the fingerprint (e.g. with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server); the fingerprint must match the pending one exactly.",
    input: z.strictObject({ server_id: serverIdArg, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint (SHA256:…)') }),
    output: publicServerSchema,
    access: 'admin',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: (a, call) => servers.acceptHostKey(call.principal, a.server_id, a.fingerprint, call),
  };
}
