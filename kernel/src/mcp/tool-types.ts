import type { z } from 'zod';
import type { Access } from '../access/principal';
import type { CallContext } from '../access/call-context';

/** MCP tool annotations: hints an agent uses to decide whether to ask before calling. */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * An MCP tool. The input schema is a zod object (made strict: unknown arguments are an error);
 * the handler's result is returned as JSON text and as structured content.
 */
export interface ToolDefinition<I extends Record<string, unknown> = Record<string, unknown>> {
  /** snake_case; a third-party plugin's tools start with its id (`os_alpine_...`). */
  name: string;
  title?: string;
  /** Written for an agent: what it does, when to use it, what it returns. */
  description: string;
  input: z.ZodObject<z.ZodRawShape, z.core.$strip | z.core.$strict> & z.ZodType<I>;
  access: Access;
  annotations?: ToolAnnotations;
  handler(input: I, call: CallContext): Promise<unknown> | unknown;
}
