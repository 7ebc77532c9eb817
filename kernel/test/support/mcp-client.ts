import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** An MCP SDK client connected to a kernel's `/mcp` (Streamable HTTP), optionally with a bearer token. */
export async function connectMcp(baseUrl: string, token?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport; close(): Promise<void> }> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : undefined,
  });
  const client = new Client({ name: 'tomo-kernel-test', version: '0.0.0' });
  await client.connect(transport);
  // The SDK client checks a result's structured content against the tool's outputSchema only for
  // tools it has listed: list them, so every test call is checked as a real agent's would be.
  await client.listTools();
  return { client, transport, close: () => client.close() };
}

/** The text of a tool result's first content item. */
export function resultText(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content[0]?.text ?? '';
}
