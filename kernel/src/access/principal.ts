/**
 * Who is calling. The kernel knows no users: the auth plugin turns a credential into a
 * Principal through the `authenticate` kernel hook, and everything else only reads it.
 */
export interface Principal {
  /** Stable id of the user (a UUID from the auth plugin). */
  readonly id: string;
  /** Display name (the username). */
  readonly name: string;
  /** `admin` sees and does everything; `user` only acts on what they own. */
  readonly role: 'admin' | 'user';
  /** Server-side session or API-token record this call rides on (for revocation and logout). */
  readonly sessionId?: string;
  /** How the credential was presented. */
  readonly credentialKind: 'session' | 'api_token';
}

/** Which door a call came through: the HTTP API, MCP, or the `tomo` command line. */
export type Transport = 'http' | 'mcp' | 'cli';

/** Who may call a route or tool. */
export type Access = 'public' | 'authenticated' | 'admin';
