import type { z } from 'zod';
import type { Access } from '../access/principal';
import type { CallFor } from '../http/route-types';

/** MCP tool annotations: hints an agent uses to decide whether to ask before calling. */
export interface ToolAnnotations {
  /** The tool changes nothing (a lookup or a listing). */
  readOnlyHint?: boolean;
  /** The tool may delete or overwrite something (only meaningful when not read-only). */
  destructiveHint?: boolean;
  /** Calling it again with the same arguments has no further effect. */
  idempotentHint?: boolean;
  /** The tool reaches outside Tomo (a server over SSH, a registry), not only Tomo's own data. */
  openWorldHint?: boolean;
}

/** An MCP tool with one access level; {@link ToolDefinition} is the union over the levels. */
export interface ToolDefinitionFor<A extends Access, I extends Record<string, unknown> = Record<string, unknown>> {
  /** snake_case; a third-party plugin's tools start with its id (`os_alpine_...`). */
  name: string;
  /** A human-readable name clients may show instead of `name`. */
  title?: string;
  /** Written for an agent: what it does, when to use it, what it returns. */
  description: string;
  /**
   * The arguments, as a zod object: it becomes the tool's JSON Schema, and arguments are parsed
   * by it (strictly) before the handler runs. Describe each field (`.describe()`) for the agent.
   */
  input: z.ZodObject<z.ZodRawShape, z.core.$strip | z.core.$strict> & z.ZodType<I>;
  /**
   * The result, as a zod object: sent as the tool's `outputSchema` (JSON Schema) so an agent knows
   * the result's shape, and the MCP SDK client checks `structuredContent` against it. Reuse the
   * `response` schema of the HTTP route that answers the same thing: a tool's result is the JSON
   * the HTTP API answers (its field names included). Test kernels check every result against it
   * (`KernelOptions.checkResponses`), undeclared fields included. Optional, so a tool without it
   * still works (its result is sent as text and unchecked structured content).
   */
  output?: z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;
  /** Who may call it, checked as for routes ({@link RouteDefinitionFor.access}). */
  access: A;
  /** Hints for the agent; sent with the tool list. */
  annotations?: ToolAnnotations;
  /**
   * Does the work with validated arguments. The result is sent back as JSON (text and structured
   * content; a result that is not an object is structured as `{ result }`, so a tool with
   * `output` returns an object); a thrown {@link AppError} becomes a tool error the agent can read (`code: message`),
   * anything else an `internal` error naming the request id. The call's principal is set unless
   * the tool is `public` ({@link CallFor}).
   */
  handler: (input: I, call: CallFor<A>) => Promise<unknown> | unknown;
}

/**
 * An MCP tool. The input schema is a zod object (made strict: unknown arguments are an error);
 * the handler's result is returned as JSON text and as structured content. A union over the
 * access levels, so the handler's `call` follows `access` as for {@link RouteDefinition}.
 */
export type ToolDefinition<I extends Record<string, unknown> = Record<string, unknown>> =
  | ToolDefinitionFor<'public', I>
  | ToolDefinitionFor<'authenticated', I>
  | ToolDefinitionFor<'admin', I>;
