import type { Logger } from 'pino';
import type { z } from 'zod';
import type { McpSessionState } from '../access/call-context';
import { invokeHandler } from '../access/invoke-handler';
import { AppError } from '../errors';
import type { HookRegistry } from '../hooks/hook-set';
import { answerMismatch } from '../http/answer-check';
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
  _meta?: Record<string, unknown>;
}

/** Where a tool error's code, message and field travel for clients that read more than the text. */
export const TOOL_ERROR_META = 'tomo/error';

/** What a tool call knows about its request. */
export interface ToolCallRequest {
  /** Credential sent with this HTTP request (Authorization header), if any. */
  headerCredential?: string;
  clientIp: string;
  requestId: string;
  session: McpSessionState;
  /** Test kernels: check the result against the tool's `output` schema (`KernelOptions.checkResponses`). */
  checkOutput?: boolean;
}

/**
 * A tool error an agent can read: `code: message`, flagged `isError`. No structured content: the
 * SDK client checks structured content against the tool's `outputSchema` even on an error, and
 * an error is not the result that schema describes. Code, message and field go in `_meta`.
 */
export function toolError(error: AppError): ToolResult {
  return {
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    isError: true,
    _meta: { [TOOL_ERROR_META]: error.toJSON().error },
  };
}

/** A result that breaks its tool's `output` schema (a programming error, found by test kernels). */
class OutputContractError extends Error {}

function checkOutput(tool: string, schema: z.ZodType, structured: Record<string, unknown>): void {
  const mismatch = answerMismatch(schema, structured);
  if (mismatch && 'issues' in mismatch) throw new OutputContractError(`MCP tool ${tool} returned structured content that does not match its outputSchema: ${mismatch.issues}`);
  if (mismatch) throw new OutputContractError(`MCP tool ${tool} returned a field its outputSchema does not declare: ${mismatch.undeclared}`);
}

/**
 * A tool call's answer, serialised once: `json` is the `tools/call` result as the JSON text the
 * wire carries (the direct answer writes it as it is); `toResult()` is the same result as an
 * object, parsed only where one is needed (the SDK's transport, which serialises it again).
 */
export interface ToolOutcome {
  isError: boolean;
  json: string;
  toResult(): ToolResult;
}

/** A result object as an outcome (errors: small, and rare on the hot path). */
export function outcomeOf(result: ToolResult): ToolOutcome {
  return { isError: result.isError === true, json: JSON.stringify(result), toResult: () => result };
}

/**
 * A handler's result as the text an agent reads (pretty-printed JSON) and the structured content
 * (the same JSON: a record, or `{ result }` around anything else). Why text and structured
 * content come from one JSON.stringify: the structured content must be a plain record (a TypeORM
 * entity is a class instance, which the SDK's result schema refuses) and say what the text says;
 * going through JSON.stringify, JSON.parse and the envelope's JSON.stringify again cost a third
 * of Tomo's own CPU per call (issue 19). JSON allows the text's whitespace inside the envelope.
 */
function successOutcome(result: unknown): ToolOutcome {
  const text: string | undefined = JSON.stringify(result ?? null, null, 2);
  // A function or a symbol has no JSON: a programming error, answered as an internal error.
  if (text === undefined) throw new TypeError('MCP tool result has no JSON representation');
  const structuredJson = text.startsWith('{') ? text : `{"result":${text}}`;
  const json = `{"content":[{"type":"text","text":${JSON.stringify(text)}}],"structuredContent":${structuredJson}}`;
  return { isError: false, json, toResult: () => JSON.parse(json) as ToolResult };
}

/**
 * Runs one tool call with the same checks as an HTTP route: authenticate (header credential,
 * else the session's), authorise, validate arguments strictly, then call the handler; the result
 * goes back as JSON text and as structured content (checked against `output` in test kernels).
 */
export async function runTool(
  entry: ToolEntry,
  args: unknown,
  request: ToolCallRequest,
  hooks: HookRegistry,
  log: Logger,
): Promise<ToolOutcome> {
  const def = entry.definition;
  try {
    const credential = request.headerCredential ?? request.session.credential;
    const found = authorize(hooks, def.access, credential, 'mcp', request.clientIp);
    const principal = found instanceof Promise ? await found : found;
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
    const outcome = successOutcome(result);
    if (request.checkOutput && def.output) checkOutput(def.name, def.output, outcome.toResult().structuredContent as Record<string, unknown>);
    return outcome;
  } catch (err) {
    if (err instanceof OutputContractError) {
      // Test kernels only: say which tool broke its schema, to the test that called it.
      log.error({ err, tool: def.name, requestId: request.requestId }, err.message);
      return outcomeOf(toolError(new AppError(500, 'output_contract', err.message)));
    }
    const mapped = toAppError(err);
    if (mapped) return outcomeOf(toolError(mapped));
    log.error({ err, tool: def.name, requestId: request.requestId }, 'MCP tool failed');
    return outcomeOf(toolError(new AppError(500, 'internal', `Internal error (request ${request.requestId})`)));
  }
}
