import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpSessionState } from '../access/call-context';
import type { HookRegistry } from '../hooks/hook-set';
import { credentialFromRequest } from '../http/credentials';
import { JSON_TYPE, strictIfObject } from '../http/run-route';
import { AppError } from '../errors';
import { UNKNOWN_TOOL, type McpMetrics } from '../metrics/mcp-metrics';
import { directToolCall } from './direct-tool-call';
import { outcomeOf, runTool, toolError, type ToolOutcome } from './run-tool';
import type { ToolEntry, ToolRegistry } from './tool-registry';
import { serveWithWebTransport } from './web-request-bridge';
import { lazyModule } from '../lazy/lazy-module';

// The MCP SDK (its server, transport, and the zod schemas of every message) is loaded when `/mcp`
// is first used: an instance no agent talks to never holds it (issue 19, idle memory).
const sdkServer = lazyModule<typeof import('@modelcontextprotocol/sdk/server/index.js')>(require, '@modelcontextprotocol/sdk/server/index.js');
const sdkTransport = lazyModule<typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')>(require, '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js');
const sdkTypes = lazyModule<typeof import('@modelcontextprotocol/sdk/types.js')>(require, '@modelcontextprotocol/sdk/types.js');

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  state: McpSessionState;
  lastSeen: number;
}

/** Per-request facts passed to tool handlers through the SDK's `authInfo` slot. */
interface RequestFacts {
  headerCredential?: string;
  clientIp: string;
  requestId: string;
}

/** A tool's zod object as the JSON Schema MCP sends (no `$schema`: clients validate with their own draft). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as { type: 'object'; [key: string]: unknown };
  delete json.$schema;
  return json;
}

/** One tool as `tools/list` describes it. */
interface ListedTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema?: { type: 'object'; [key: string]: unknown };
  annotations: Record<string, unknown>;
}

function jsonRpcError(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = { jsonrpc: '2.0', error: { code: -32000, message }, id: null };
}

/**
 * Serves the MCP tool registry over Streamable HTTP at `/mcp`. Each MCP session gets its own
 * SDK server and transport; identity is resolved per call (header, or the token the `login`
 * tool stored in the session), so tools pass the same checks as HTTP routes.
 */
export class McpEndpoint {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;
  private draining = false;
  private toolList?: { from: readonly ToolEntry[]; tools: ListedTool[] };

  constructor(
    private readonly tools: ToolRegistry,
    private readonly hooks: HookRegistry,
    private readonly log: Logger,
    private readonly info: { name: string; version: string },
    private readonly idleMs: number,
    /** Test kernels: check each result against its tool's `output` schema (`KernelOptions.checkResponses`). */
    private readonly checkOutputs = false,
    /** Counts tool calls for `/metrics`. */
    private readonly metrics?: McpMetrics,
  ) {
    this.sweeper = setInterval(() => void this.closeIdle(), Math.min(60000, idleMs)).unref();
  }

  /** Number of open sessions (for status and tests). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private createServer(state: McpSessionState): Server {
    const { CallToolRequestSchema, ListToolsRequestSchema } = sdkTypes();
    const server = new (sdkServer().Server)(this.info, { capabilities: { tools: { listChanged: false } } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: this.listedTools() }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) =>
      (await this.callTool(request.params.name, request.params.arguments, (extra.authInfo?.extra ?? {}) as unknown as RequestFacts, state)).toResult(),
    );
    return server;
  }

  /** One `tools/call`, whichever way it came (through the SDK, or answered directly). */
  private callTool(name: string, args: unknown, facts: RequestFacts, state: McpSessionState): Promise<ToolOutcome> {
    const entry = this.tools.get(name);
    // A double, not hrtime.bigint(): two BigInts per call were garbage for the same precision.
    const started = performance.now();
    if (!entry) {
      this.metrics?.record(UNKNOWN_TOOL, 'error', (performance.now() - started) / 1000);
      return Promise.resolve(outcomeOf(toolError(new AppError(404, 'unknown_tool', `No tool named "${name}"`))));
    }
    const request = { headerCredential: facts.headerCredential, clientIp: facts.clientIp ?? '', requestId: facts.requestId ?? randomUUID(), session: state, checkOutput: this.checkOutputs };
    // Recorded in a `then`, not after an `await`: one promise fewer per call (issue 19).
    return runTool(entry, args, request, this.hooks, this.log).then((result) => {
      this.metrics?.record(entry.definition.name, result.isError ? 'error' : 'ok', (performance.now() - started) / 1000);
      return result;
    });
  }

  /**
   * The `tools/list` answer. Converting every tool's schemas to JSON Schema takes tens of ms, so
   * it is done once and again only when the registry's tools change.
   */
  private listedTools(): ListedTool[] {
    const entries = this.tools.all();
    if (this.toolList?.from.length !== entries.length || this.toolList.from.some((e, i) => e !== entries[i])) {
      this.toolList = {
        from: entries,
        tools: entries.map(({ definition: t }) => ({
          name: t.name,
          ...(t.title ? { title: t.title } : {}),
          description: t.description,
          inputSchema: jsonSchemaOf(strictIfObject(t.input), 'input'),
          ...(t.output ? { outputSchema: jsonSchemaOf(t.output, 'output') } : {}),
          annotations: { ...(t.title ? { title: t.title } : {}), ...t.annotations },
        })),
      };
    }
    return this.toolList.tools;
  }

  /**
   * Koa handler for POST/GET/DELETE /mcp. Not `async`: a plain `tools/call` of an open session,
   * nearly every request, is answered through one promise, the tool's (issue 19).
   */
  handle(ctx: Context): Promise<void> {
    if (this.draining) {
      jsonRpcError(ctx, 503, 'Tomo is shutting down');
      return Promise.resolve();
    }
    const sessionId = ctx.get('mcp-session-id');
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    const body = (ctx.request as { body?: unknown }).body;
    if (sessionId && !session) {
      jsonRpcError(ctx, 404, 'MCP session not found or expired; start a new session');
      return Promise.resolve();
    }
    if (!session) return this.openAndServe(ctx, body);
    session.lastSeen = Date.now();
    const facts: RequestFacts = { headerCredential: credentialFromRequest(ctx), clientIp: ctx.ip, requestId: String(ctx.state.requestId) };
    const call = directToolCall(ctx, body, sdkTypes().SUPPORTED_PROTOCOL_VERSIONS);
    if (!call) return serveWithWebTransport(ctx, session.transport, body, { token: '', clientId: 'tomo', scopes: [], extra: { ...facts } });
    return this.callTool(call.name, call.arguments, facts, session.state).then((outcome) => {
      // The JSON-RPC response the SDK's transport would send in JSON mode, headers included.
      ctx.set('mcp-session-id', sessionId);
      ctx.res.setHeader('Content-Type', JSON_TYPE);
      // The result is JSON text already (see ToolOutcome): the envelope is put around it, not re-serialised.
      ctx.body = `{"result":${outcome.json},"jsonrpc":"2.0","id":${JSON.stringify(call.id)}}`;
    });
  }

  /** A request without a session: only an `initialize` opens one (through the SDK, which answers it). */
  private async openAndServe(ctx: Context, body: unknown): Promise<void> {
    if (ctx.method !== 'POST' || !sdkTypes().isInitializeRequest(body)) {
      return jsonRpcError(ctx, 400, 'No MCP session: send an initialize request first');
    }
    const session = await this.open();
    session.lastSeen = Date.now();
    const facts: RequestFacts = { headerCredential: credentialFromRequest(ctx), clientIp: ctx.ip, requestId: String(ctx.state.requestId) };
    await serveWithWebTransport(ctx, session.transport, body, { token: '', clientId: 'tomo', scopes: [], extra: { ...facts } });
  }

  private async open(): Promise<Session> {
    const state: McpSessionState = {};
    const server = this.createServer(state);
    const session: Session = { server, state, lastSeen: Date.now(), transport: undefined as unknown as WebStandardStreamableHTTPServerTransport };
    session.transport = new (sdkTransport().WebStandardStreamableHTTPServerTransport)({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        this.sessions.set(id, session);
      },
    });
    session.transport.onclose = () => {
      if (session.transport.sessionId) this.sessions.delete(session.transport.sessionId);
    };
    await server.connect(session.transport);
    return session;
  }

  private async closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen < cutoff) {
        this.sessions.delete(id);
        await session.server.close().catch(() => undefined);
      }
    }
  }

  /**
   * First step of shutdown: refuse new requests and end each session's long-lived GET stream
   * (it never ends by itself, so the HTTP server could not drain); calls in flight still finish.
   */
  drain(): void {
    this.draining = true;
    for (const session of this.sessions.values()) session.transport.closeStandaloneSSEStream();
  }

  /** Closes every session (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.server.close().catch(() => undefined)));
  }
}
