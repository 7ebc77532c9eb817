import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** A real MCP SDK client connected to Tomo's /mcp, optionally with a bearer token. */
export async function connectMcp(baseUrl: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'tomo-test-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  await client.connect(transport);
  return client;
}

/** The text of a tool result, and whether it was an error. */
export function resultText(result: unknown): { text: string; isError: boolean; structured: any } {
  const r = result as { content: Array<{ type: string; text: string }>; isError?: boolean; structuredContent?: unknown };
  return { text: r.content.map((c) => c.text).join('\n'), isError: Boolean(r.isError), structured: r.structuredContent };
}
