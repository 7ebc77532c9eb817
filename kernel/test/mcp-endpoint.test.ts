import { z } from 'zod';
import { definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { countNotes, TestNoteEntity, testNotesPlugin } from './support/notes-plugin';
import { connectMcp, resultText } from './support/mcp-client';
import { ADMIN_TOKEN, USER_TOKEN, testAuthPlugin } from './support/test-auth';

const toolsPlugin = definePlugin({
  id: 'tools',
  dependsOn: ['test-notes'],
  init(ctx) {
    ctx.mcp.tool({
      name: 'add_note',
      title: 'Add a note',
      description: 'Adds a note owned by the caller and returns it.',
      access: 'authenticated',
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
      input: z.object({ title: z.string().min(1).describe('What the note says'), priority: z.number().int().min(0).max(5) }),
      handler: async (input, call) => {
        const repo = ctx.dataSource.getRepository(TestNoteEntity);
        return repo.save(repo.create({ ...input, ownerId: call.principal.id }));
      },
    });
    ctx.mcp.tool({
      name: 'purge_notes',
      description: 'Deletes every note. Admin only.',
      access: 'admin',
      annotations: { destructiveHint: true },
      input: z.object({}),
      handler: async () => {
        await ctx.dataSource.query('DELETE FROM "test_notes"');
        return { purged: true };
      },
    });
    ctx.mcp.tool({
      name: 'remember_token',
      description: 'Stores a credential in this MCP session, as the auth plugin\'s login tool does.',
      access: 'public',
      input: z.object({ token: z.string() }),
      handler: ({ token }, call) => {
        call.mcpSession!.credential = token;
        return 'remembered';
      },
    });
    ctx.mcp.tool({
      name: 'whoami',
      description: 'The caller, or null.',
      access: 'public',
      input: z.object({}),
      handler: (_input, call) => (call.principal ? [call.principal.id, call.transport] : null),
    });
    ctx.mcp.tool({
      name: 'epoch',
      description: 'Returns a date, which travels as JSON (an ISO string).',
      access: 'public',
      annotations: { readOnlyHint: true, idempotentHint: true },
      input: z.object({}),
      handler: () => ({ at: new Date(0) }),
    });
    ctx.mcp.tool({
      name: 'explode',
      description: 'Always fails with an unexpected error.',
      access: 'public',
      input: z.object({}),
      handler: () => {
        throw new Error('secret internals /etc/shadow');
      },
    });
  },
});

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, toolsPlugin] });
});
afterAll(() => t.stop());
afterEach(async () => {
  await t.kernel.dataSource.query('DELETE FROM "test_notes"');
});

test('tools/list shows every tool with its strict input schema, description and annotations', async () => {
  const mcp = await connectMcp(t.url, USER_TOKEN);
  try {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(['add_note', 'epoch', 'explode', 'purge_notes', 'remember_token', 'whoami']);
    const add = tools.find((x) => x.name === 'add_note')!;
    expect(add.title).toBe('Add a note');
    expect(add.description).toBe('Adds a note owned by the caller and returns it.');
    expect(add.inputSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['title', 'priority'],
      properties: { title: { type: 'string', minLength: 1, description: 'What the note says' }, priority: { type: 'integer', minimum: 0, maximum: 5 } },
    });
    expect(add.inputSchema).not.toHaveProperty('$schema');
    expect(add.annotations).toEqual({ title: 'Add a note', readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(tools.find((x) => x.name === 'purge_notes')!.annotations).toEqual({ destructiveHint: true });
  } finally {
    await mcp.close();
  }
});

test('a tool call with a header credential runs as that principal and writes through the service', async () => {
  const mcp = await connectMcp(t.url, USER_TOKEN);
  try {
    const res = await mcp.client.callTool({ name: 'add_note', arguments: { title: 'from mcp', priority: 2 } });
    expect(res.isError).toBeFalsy();
    expect(res.structuredContent).toMatchObject({ title: 'from mcp', priority: 2, ownerId: 'user-1' });
    expect(JSON.parse(resultText(res))).toMatchObject({ title: 'from mcp' });
    expect(await countNotes(t)).toBe(1);
    const who = await mcp.client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toEqual({ result: ['user-1', 'mcp'] });
  } finally {
    await mcp.close();
  }
});

test('structured content is the JSON the text shows (dates as ISO strings, entities as plain objects)', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const res = await mcp.client.callTool({ name: 'epoch', arguments: {} });
    expect(res.structuredContent).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(JSON.parse(resultText(res))).toEqual(res.structuredContent);
  } finally {
    await mcp.close();
  }
});

test('an admin-only tool is refused for a user with a tool error, and does nothing', async () => {
  const user = await connectMcp(t.url, USER_TOKEN);
  try {
    await user.client.callTool({ name: 'add_note', arguments: { title: 'keep me', priority: 1 } });
    const res = await user.client.callTool({ name: 'purge_notes', arguments: {} });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toBe('forbidden: Only an admin can do this');
    expect(res.structuredContent).toBeUndefined();
    expect(res._meta).toEqual({ 'tomo/error': { code: 'forbidden', message: 'Only an admin can do this' } });
    expect(await countNotes(t)).toBe(1);
  } finally {
    await user.close();
  }
  const admin = await connectMcp(t.url, ADMIN_TOKEN);
  try {
    const res = await admin.client.callTool({ name: 'purge_notes', arguments: {} });
    expect(res.isError).toBeFalsy();
    expect(await countNotes(t)).toBe(0);
  } finally {
    await admin.close();
  }
});

test('without credentials an authenticated tool is a tool error (unauthorized)', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const res = await mcp.client.callTool({ name: 'add_note', arguments: { title: 'x', priority: 1 } });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toBe('unauthorized: Authentication required');
    expect(await countNotes(t)).toBe(0);
  } finally {
    await mcp.close();
  }
});

test('an unknown tool is a tool error naming it', async () => {
  const mcp = await connectMcp(t.url, ADMIN_TOKEN);
  try {
    const res = await mcp.client.callTool({ name: 'no_such_tool', arguments: {} });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toBe('unknown_tool: No tool named "no_such_tool"');
  } finally {
    await mcp.close();
  }
});

test.each([
  ['priority', { title: 'x', priority: 'high' }, /^validation_failed: priority: .*number/],
  ['priority', { title: 'x' }, /^validation_failed: priority: is required$/],
  ['colour', { title: 'x', priority: 1, colour: 'red' }, /^validation_failed: colour: unknown field/],
])('invalid arguments are a tool error naming the argument (%s), and nothing is written', async (field, args, text) => {
  const mcp = await connectMcp(t.url, ADMIN_TOKEN);
  try {
    const res = await mcp.client.callTool({ name: 'add_note', arguments: args });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(text);
    expect((res._meta as any)['tomo/error'].field).toBe(field);
    expect(await countNotes(t)).toBe(0);
  } finally {
    await mcp.close();
  }
});

test('an unexpected error is a generic internal tool error; the detail only goes to the log', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const res = await mcp.client.callTool({ name: 'explode', arguments: {} });
    expect(res.isError).toBe(true);
    expect(resultText(res)).toMatch(/^internal: Internal error \(request [0-9a-f-]{36}\)$/);
    expect(resultText(res)).not.toContain('shadow');
    expect(t.logs().some((l) => l.includes('MCP tool failed') && l.includes('secret internals'))).toBe(true);
  } finally {
    await mcp.close();
  }
});

test("a credential a tool stores in the session authenticates that session's later calls, and no other session's", async () => {
  const a = await connectMcp(t.url);
  const b = await connectMcp(t.url);
  try {
    expect((await a.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: null });
    expect((await a.client.callTool({ name: 'add_note', arguments: { title: 'x', priority: 1 } })).isError).toBe(true);

    expect((await a.client.callTool({ name: 'remember_token', arguments: { token: USER_TOKEN } })).structuredContent).toEqual({ result: 'remembered' });
    expect((await a.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: ['user-1', 'mcp'] });
    const added = await a.client.callTool({ name: 'add_note', arguments: { title: 'via session', priority: 1 } });
    expect(added.isError).toBeFalsy();
    expect(added.structuredContent).toMatchObject({ ownerId: 'user-1' });
    // Still a user: the session credential gets the same role checks.
    expect(resultText(await a.client.callTool({ name: 'purge_notes', arguments: {} }))).toMatch(/^forbidden/);

    expect((await b.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: null });
    expect(a.transport.sessionId).toBeDefined();
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a header credential takes precedence over the session credential', async () => {
  const mcp = await connectMcp(t.url, ADMIN_TOKEN);
  try {
    await mcp.client.callTool({ name: 'remember_token', arguments: { token: USER_TOKEN } });
    expect((await mcp.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: ['admin-1', 'mcp'] });
  } finally {
    await mcp.close();
  }
});

describe('raw HTTP on /mcp', () => {
  const rpc = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });

  test('a request without a session that is not initialize: 400 JSON-RPC error', async () => {
    const res = await rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'No MCP session: send an initialize request first' }, id: null });
  });

  test('a body that is not JSON, or has a __proto__ key: 400 invalid_json, as on every route', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const body of ['{"jsonrpc":', '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"__proto__":{"admin":true}}}', '"initialize"']) {
      const res = await fetch(`${t.url}/mcp`, { method: 'POST', headers, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'invalid_json', message: 'Request body is not valid JSON', field: 'body' } });
    }
  });

  test('GET without a session is refused the same way', async () => {
    const res = await fetch(`${t.url}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(400);
  });

  test('an unknown or closed session id: 404 asking for a new session', async () => {
    const res = await rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-session-id': '00000000-0000-0000-0000-000000000000' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/session not found or expired/);

    const mcp = await connectMcp(t.url);
    const id = mcp.transport.sessionId!;
    await mcp.transport.terminateSession(); // DELETE /mcp closes it on the server
    await mcp.close();
    const after = await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });
    expect(after.status).toBe(404);
  });
});

describe('idle sessions', () => {
  let k: TestKernel;
  beforeAll(async () => {
    k = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, toolsPlugin], config: { mcp: { sessionIdleMs: 1000 } } });
  });
  afterAll(() => k.stop());

  test('a session unused for longer than mcp.sessionIdleMs is closed', async () => {
    const mcp = await connectMcp(k.url, USER_TOKEN);
    try {
      expect((await mcp.client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toEqual({ result: ['user-1', 'mcp'] });
      await new Promise((r) => setTimeout(r, 2200));
      await expect(mcp.client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow(/404|session not found/i);
    } finally {
      await mcp.close();
    }
  });
});

describe('the event stream of a session (GET /mcp)', () => {
  let k: TestKernel;
  beforeAll(async () => {
    k = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin, toolsPlugin] });
  });
  afterAll(() => k.stop());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${k.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${USER_TOKEN}`, ...headers },
      body: JSON.stringify(body),
    });

  test('stays open as text/event-stream while calls are answered as JSON, and ends when Tomo stops', async () => {
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    expect(init.status).toBe(200);
    const session = init.headers.get('mcp-session-id')!;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);

    const stream = await fetch(`${k.url}/mcp`, { headers: { accept: 'text/event-stream', ...headers } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const ended = reader.read().then(async function drain(r): Promise<boolean> {
      return r.done ? true : drain(await reader.read());
    });

    // With the stream open, a call is answered on its own POST, as JSON.
    const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } }, headers);
    expect(call.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await call.json()) as { result: { structuredContent: unknown } }).result.structuredContent).toEqual({ result: ['user-1', 'mcp'] });
    const stillOpen = await Promise.race([ended, new Promise((r) => setTimeout(() => r('open'), 200))]);
    expect(stillOpen).toBe('open');

    const stopped = Date.now();
    await k.stop();
    expect(await ended).toBe(true);
    expect(Date.now() - stopped).toBeLessThan(5000);
  });
});
