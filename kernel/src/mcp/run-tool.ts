import type { Logger } from 'pino';
import type { McpSessionState } from '../access/call-context';
import { invokeHandler } from '../access/invoke-handler';
import { AppError } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { authorize } from '../http/authenticate';
import { strictIfObject } from '../http/run-route';
import { toAppError } from '../http/error-middleware';
import { zodErrorToAppError } from '../http/zod-error';
import type { ToolEntry } from './tool-registry';

/** The MCP `tools/call` result shape. */
export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** What a tool call knows about its request. */
export interface ToolCallRequest {
  /** Credential sent with this HTTP request (Authorization header), if any. */
  headerCredential?: string;
  clientIp: string;
  requestId: string;
  session: McpSessionState;
}

/** A tool error an agent can read: `code: message`, flagged `isError`. */
export function toolError(error: AppError): ToolResult {
  return {
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structuredContent: error.toJSON(),
    isError: true,
  };
}

/**
 * Runs one tool call with the same checks as an HTTP route: authenticate (header credential,
 * else the session's), authorise, validate arguments strictly, then call the handler.
 */
export async function runTool(
  entry: ToolEntry,
  args: unknown,
  request: ToolCallRequest,
  hooks: HookRegistry,
  log: Logger,
): Promise<ToolResult> {
  const def = entry.definition;
  try {
    const credential = request.headerCredential ?? request.session.credential;
    const principal = await authorize(hooks, def.access, credential, 'mcp', request.clientIp);
    const parsed = strictIfObject(def.input).safeParse(args ?? {});
    if (!parsed.success) throw zodErrorToAppError(parsed.error, 'arguments');
    const result = await invokeHandler(def, parsed.data, {
      principal,
      transport: 'mcp',
      clientIp: request.clientIp,
      requestId: request.requestId,
      log,
      mcpSession: request.session,
    });
    // Through JSON and back: structured content must be a plain record (a TypeORM entity is a class
    // instance, which the SDK's result schema refuses), and it must say what the text says.
    const text = JSON.stringify(result ?? null, null, 2);
    const plain: unknown = JSON.parse(text);
    const structured = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? (plain as Record<string, unknown>) : { result: plain };
    return { content: [{ type: 'text', text }], structuredContent: structured };
  } catch (err) {
    const mapped = toAppError(err);
    if (mapped) return toolError(mapped);
    log.error({ err, tool: def.name, requestId: request.requestId }, 'MCP tool failed');
    return toolError(new AppError(500, 'internal', `Internal error (request ${request.requestId})`));
  }
}
