import type { AuthenticatedCall, CallContext, Principal } from '@tomo/kernel';
import type { CreateServerInput, PublicServer, SystemFacts, UpdateServerInput } from '../schemas';
import type { ServerHandle } from './server-handle';
import type { HostKeyInfo } from './ssh-types';

/** What `test_connection` reports. */
export interface ConnectionTestResult {
  ok: boolean;
  status: PublicServer['status'];
  /** Present when the connection failed: a code and a sentence a user can act on. */
  error?: { code: string; message: string };
  latency?: { connectMs: number; commandMs: number };
  hostKey?: HostKeyInfo & { firstSeen: boolean };
  facts?: SystemFacts;
}

/**
 * The servers plugin's service (`ServersTokens.ServerService`): records with sealed credentials,
 * the ownership rule, connection tests, host-key trust, and handles through which other plugins
 * work on a server. Another user's server is a 404, byte for byte the same as an unknown id.
 */
export interface ServerService {
  /** A server the principal may access (404 otherwise). */
  get(principal: Principal, id: string): Promise<PublicServer>;
  /** The principal's servers (an admin's: all), by name. */
  list(principal: Principal): Promise<PublicServer[]>;
  /** Every server, for Tomo's own background work (the monitoring poller). */
  listForSystem(): Promise<PublicServer[]>;
  create(input: CreateServerInput, call: AuthenticatedCall): Promise<PublicServer>;
  update(id: string, input: UpdateServerInput, call: AuthenticatedCall): Promise<PublicServer>;
  /** Deletes the record and its credentials, closes its connection, and tells other plugins. */
  delete(id: string, call: AuthenticatedCall): Promise<void>;
  /**
   * Connects afresh, runs one round trip, records status and facts. A failure is a result, not an
   * exception. `call` (the request, when there is one) tells the host-key events which door it came through.
   */
  testConnection(principal: Principal, id: string, call?: CallContext): Promise<ConnectionTestResult>;
  /** An admin trusts the new host key the server presented, after comparing its fingerprint; announced as `hostKeyAccepted`. */
  acceptHostKey(principal: Principal, id: string, fingerprint: string, call?: CallContext): Promise<PublicServer>;
  /** A handle for one operation of the principal's on the server: ownership checked once (404 otherwise). */
  forCaller(principal: Principal, serverId: string): Promise<ServerHandle>;
  /** A handle for Tomo's own work on the server (acting as the system, not as any user); 404 for an unknown id. */
  forSystem(serverId: string): Promise<ServerHandle>;
}
