import type { Logger } from 'pino';
import type { Principal, Transport } from './principal';

/**
 * State kept for the life of one MCP session. The `login` tool stores the token it issued
 * here so later calls in the same session are authenticated without a header.
 */
export interface McpSessionState {
  credential?: string;
}

/**
 * Everything a route handler or MCP tool handler knows about the call besides its input.
 * The same service call serves HTTP, MCP and the CLI, so services take this, not a Koa context.
 */
export interface CallContext {
  /** The authenticated caller; undefined only on `public` routes and tools. */
  readonly principal?: Principal;
  readonly transport: Transport;
  /** Client address (the socket's, or the proxy's header when a trusted proxy is configured). */
  readonly clientIp: string;
  readonly requestId: string;
  readonly log: Logger;
  /** Present on MCP calls only. */
  readonly mcpSession?: McpSessionState;
  /** Present on HTTP calls only: set and clear cookies (the console's session cookie). */
  readonly cookies?: {
    get(name: string): string | undefined;
    set(name: string, value: string | null, options?: { maxAgeMs?: number; httpOnly?: boolean; sameSite?: 'strict' | 'lax' }): void;
  };
}

/** A CallContext whose principal is known to be set (what `authenticated` and `admin` handlers get). */
export type AuthenticatedCall = CallContext & { readonly principal: Principal };
