import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Relays MCP messages between stdio (a desktop client) and Tomo's Streamable HTTP endpoint,
 * unchanged, so the desktop client talks to the running service with an API token. Resolves
 * when either side closes.
 */
export async function bridgeStdioToHttp(url: URL, token: string): Promise<void> {
  const stdio = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const done = new Promise<void>((resolve) => {
    stdio.onclose = () => resolve();
    remote.onclose = () => resolve();
  });
  const replyWithError = (message: JSONRPCMessage, err: Error) => {
    if ('id' in message && message.id !== undefined && 'method' in message) {
      void stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `Tomo at ${url.origin} did not answer: ${err.message}` } });
    }
  };
  stdio.onmessage = (message) => {
    remote.send(message).catch((err: Error) => replyWithError(message, err));
  };
  remote.onmessage = (message) => {
    void stdio.send(message);
  };
  remote.onerror = (err) => process.stderr.write(`tomo mcp: ${err.message}\n`);
  await remote.start();
  await stdio.start();
  await done;
  await Promise.allSettled([remote.close(), stdio.close()]);
}
