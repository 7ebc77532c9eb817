/**
 * Errors that cross a transport boundary. Every transport (HTTP, MCP, CLI) maps an
 * {@link AppError} to its own shape — `{ error: { code, message, field? } }` over HTTP,
 * a tool error over MCP — so services throw these and never think about transports.
 */
export class AppError extends Error {
  /**
   * @param status HTTP status the error maps to (4xx for caller mistakes).
   * @param code   stable machine-readable code, snake_case (e.g. `validation_failed`).
   * @param message a sentence a user can act on; never contains a secret.
   * @param field  dotted path of the input field at fault, when there is one.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The JSON body sent to HTTP clients (and the structured content of an MCP tool error). */
  toJSON(): {
    /** The one key of the body, so a client tells an error from a result by its shape. */
    error: {
      /** {@link AppError.code}. */
      code: string;
      /** {@link AppError.message}. */
      message: string;
      /** {@link AppError.field}, present only when set. */
      field?: string;
    };
  } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** 400: the input broke a rule; `field` names the input, `message` the rule. */
export function badRequest(field: string | undefined, message: string, code = 'validation_failed'): AppError {
  return new AppError(400, code, message, field);
}

/** 401: no valid credentials. One message for every cause so callers learn nothing. */
export function unauthorized(message = 'Authentication required'): AppError {
  return new AppError(401, 'unauthorized', message);
}

/** 403: authenticated, but the role does not allow this. */
export function forbidden(message = 'You do not have permission to do this'): AppError {
  return new AppError(403, 'forbidden', message);
}

/**
 * 404. Also what a user gets for a record that exists but belongs to someone else,
 * so ids cannot be probed.
 */
export function notFound(what: string): AppError {
  return new AppError(404, 'not_found', `${what} not found`);
}

/** 409: the request is valid but clashes with the current state. */
export function conflict(message: string, field?: string): AppError {
  return new AppError(409, 'conflict', message, field);
}

/** 429: throttled; `retryAfterSeconds` tells the caller when to come back. */
export class TooManyRequestsError extends AppError {
  /** @param retryAfterSeconds seconds until the caller may try again: sent as the `Retry-After` header over HTTP, and in the message. */
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', `Too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

/** Raised at start-up when a plugin breaks a loading rule; the message names the plugin and the rule. */
export class PluginLoadError extends Error {
  /**
   * @param message names the plugin (or plugins, for a clash) and the rule it broke.
   * @param pluginId the plugin or module at fault, when one is (absent for a package that failed to load).
   */
  constructor(message: string, readonly pluginId?: string) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

/** Raised at start-up when configuration is invalid; the message names the key. */
export class ConfigError extends Error {
  /**
   * @param message names the key and what is wrong with it.
   * @param key dotted configuration key at fault (`server.port`; `<plugin id>.<key>` in a plugin's
   *   section); absent when the file itself is at fault (missing, not YAML).
   */
  constructor(message: string, readonly key?: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
