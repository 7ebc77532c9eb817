import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** A real MCP SDK client connected to Tomo's /mcp, optionally with a bearer token. */
export async function connectMcp(baseUrl: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'tomo-test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  await client.connect(transport);
  // The SDK client checks a result's structured content against the tool's outputSchema only for
  // tools it has listed: list them, so every test call is checked as a real agent's would be.
  await client.listTools();
  return client;
}

/** The text of a tool result, whether it was an error, its structured content, and a tool error's code, message and field. */
export function resultText(result: unknown): { text: string; isError: boolean; structured: any; error: any } {
  const r = result as { content: Array<{ type: string; text: string }>; isError?: boolean; structuredContent?: unknown; _meta?: Record<string, unknown> };
  return { text: r.content.map((c) => c.text).join('\n'), isError: Boolean(r.isError), structured: r.structuredContent, error: r._meta?.['tomo/error'] };
}
