// A plain `tools/call` of an open session is answered by Tomo itself (kernel/src/mcp/direct-tool-call.ts,
// issue 19); every other request still goes through the SDK. These tests hold the direct answer to
// what the SDK answers for the same call (sent with a `_meta` progress token, which only the SDK
// serves) and check that what the transport refuses is still refused.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { connectMcp } from './support/mcp-client';
import { USER_TOKEN, testAuthPlugin } from './support/test-auth';

const toolsPlugin = definePlugin({
  id: 'direct-call-tools',
  init(ctx) {
    ctx.mcp.tool({
      name: 'whoami',
      description: 'The caller and the transport, or null.',
      access: 'public',
      input: z.object({}),
      handler: (_input, call) => (call.principal ? [call.principal.id, call.transport] : null),
    });
    ctx.mcp.tool({
      name: 'echo_title',
      description: 'Returns the title it was given.',
      access: 'authenticated',
      input: z.object({ title: z.string().min(1) }),
      output: z.object({ title: z.string() }),
      handler: ({ title }) => ({ title }),
    });
  },
});

interface RpcAnswer {
  jsonrpc: string;
  id: string | number | null;
  result?: { content: Array<{ text: string }>; structuredContent?: unknown; isError?: boolean };
  error?: { code: number; message: string };
}

let k: TestKernel;
let session: string;
const PROTOCOL = '2025-06-18';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${k.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${USER_TOKEN}`, 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL, ...headers },
    body: JSON.stringify(body),
  });

/** The same call twice: plain (answered by Tomo) and with a progress token (answered through the SDK). */
async function bothWays(id: string | number, name: string, args: unknown): Promise<{ direct: Response; viaSdk: Response }> {
  const direct = await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
  const viaSdk = await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: { progressToken: 'p-1' } } });
  return { direct, viaSdk };
}

beforeAll(async () => {
  k = await startTestKernel({ plugins: [testAuthPlugin, toolsPlugin] });
  const init = await fetch(`${k.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }),
  });
  session = init.headers.get('mcp-session-id')!;
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
});
afterAll(() => k.stop());

test('a plain call gets the JSON-RPC response the SDK sends, with its headers', async () => {
  // Watches (does not replace) the SDK transport: the plain call must not reach it, the other must.
  const transportCalls = jest.spyOn(WebStandardStreamableHTTPServerTransport.prototype, 'handleRequest');
  for (const id of [7, 'call-a']) {
    transportCalls.mockClear();
    const { direct, viaSdk } = await bothWays(id, 'whoami', {});
    expect(transportCalls).toHaveBeenCalledTimes(1);
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-type')).toMatch(/^application\/json/);
    expect(direct.headers.get('mcp-session-id')).toBe(session);
    const answer = (await direct.json()) as RpcAnswer;
    expect(answer).toEqual(await viaSdk.json());
    expect(answer).toEqual({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: JSON.stringify(['user-1', 'mcp'], null, 2) }], structuredContent: { result: ['user-1', 'mcp'] } } });
  }
  transportCalls.mockRestore();
});

test('bad arguments, no credential, an unknown tool: the same tool errors both ways', async () => {
  const bad = await bothWays(1, 'echo_title', { title: '' });
  const badAnswer = (await bad.direct.json()) as RpcAnswer;
  expect(badAnswer).toEqual(await bad.viaSdk.json());
  expect(badAnswer.result?.isError).toBe(true);
  expect(badAnswer.result?.content[0].text).toMatch(/title/);

  const noArgs = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo_title' } });
  expect(((await noArgs.json()) as RpcAnswer).result?.content[0].text).toMatch(/^validation_failed: .*title/);

  const anonymous = await bothWays(3, 'echo_title', { title: 'x' });
  const anonymousDirect = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo_title', arguments: { title: 'x' } } }, { authorization: '' });
  expect(((await anonymousDirect.json()) as RpcAnswer).result?.content[0].text).toMatch(/^unauthorized: /);
  expect(((await anonymous.direct.json()) as RpcAnswer).result?.structuredContent).toEqual({ title: 'x' });

  const unknown = await bothWays(4, 'no_such_tool', {});
  const unknownAnswer = (await unknown.direct.json()) as RpcAnswer;
  expect(unknownAnswer).toEqual(await unknown.viaSdk.json());
  expect(unknownAnswer.result?.content[0].text).toBe('unknown_tool: No tool named "no_such_tool"');
});

test('what the transport refuses is still refused (the request goes to the SDK)', async () => {
  const call = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
  expect((await post(call, { accept: 'application/json' })).status).toBe(406);
  expect((await post(call, { 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
  const arrayArgs = (await (await post({ ...call, params: { name: 'whoami', arguments: [] } })).json()) as RpcAnswer;
  expect(arrayArgs.result).toBeUndefined();
  expect(arrayArgs.error?.message).toMatch(/invalid/i); // the SDK's own JSON-RPC error for params it cannot parse
  const fractionalId = await post({ ...call, id: 1.5 });
  expect(fractionalId.status).toBe(400);
});

test('the SDK client gets the same results through the direct answer', async () => {
  const mcp = await connectMcp(k.url, USER_TOKEN);
  try {
    await mcp.client.listTools();
    expect((await mcp.client.callTool({ name: 'echo_title', arguments: { title: 'hello' } })).structuredContent).toEqual({ title: 'hello' });
    expect((await mcp.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: ['user-1', 'mcp'] });
  } finally {
    await mcp.close();
  }
});
