import type { Logger } from 'pino';
import type { Principal, Transport } from './principal';

/**
 * State kept for the life of one MCP session. The `login` tool stores the token it issued
 * here so later calls in the same session are authenticated without a header.
 */
export interface McpSessionState {
  /** The bearer token the session's later calls authenticate with (a call's own header wins). */
  credential?: string;
}

/**
 * Everything a route handler or MCP tool handler knows about the call besides its input.
 * The same service call serves HTTP, MCP and the CLI, so services take this, not a Koa context.
 */
export interface CallContext {
  /** The authenticated caller; undefined only on `public` routes and tools. */
  readonly principal?: Principal;
  /** Which door the call came through: `http`, `mcp` or `cli`. */
  readonly transport: Transport;
  /** Client address (the socket's, or the proxy's header when a trusted proxy is configured). */
  readonly clientIp: string;
  /** A UUID per request, shown in 500 responses (`Internal error (request …)`); log it to tie lines together. */
  readonly requestId: string;
  /**
   * A logger for this call: the owning plugin's child logger for routes, the MCP endpoint's for
   * tools. It does not add `requestId` by itself.
   */
  readonly log: Logger;
  /**
   * HTTP calls only: true when the request came from Tomo's console (its `X-Requested-With`
   * header, no bearer token). It tells the door for records such as the activity log, including
   * for a console login that has no session yet. Anyone can send that header: never base an
   * access decision on it.
   */
  readonly fromConsole?: boolean;
  /** Present on MCP calls only. */
  readonly mcpSession?: McpSessionState;
  /** Present on HTTP calls only: set and clear cookies (the console's session cookie). */
  readonly cookies?: {
    /** The request's cookie of that name, if sent. */
    get(name: string): string | undefined;
    /**
     * Sets a cookie for path `/` (`Secure` when the request came over HTTPS); `null` clears it.
     * `httpOnly` defaults to true and `sameSite` to `strict`; without `maxAgeMs` it is a session cookie.
     */
    set(name: string, value: string | null, options?: { maxAgeMs?: number; httpOnly?: boolean; sameSite?: 'strict' | 'lax' }): void;
  };
}

/** A CallContext whose principal is known to be set (what `authenticated` and `admin` handlers get). */
export type AuthenticatedCall = CallContext & {
  /** Always set: the kernel rejected the call with 401 before the handler otherwise. */
  readonly principal: Principal;
};
