/**
 * A tool's `output` schema: listed as its `outputSchema`, its result sent as structured content
 * that the real MCP SDK client checks against it, and checked by test kernels (a result that breaks
 * it is a tool error naming the tool and the field). Tool errors carry no structured content, so
 * the client's check does not turn them into exceptions; a tool without `output` still works.
 */
import { z } from 'zod';
import { AppError, definePlugin } from '@tomo/kernel';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { connectMcp, resultText } from './support/mcp-client';

const noteOutput = z.strictObject({ id: z.number().int(), title: z.string(), at: z.string().meta({ format: 'date-time' }) });

const outputPlugin = definePlugin({
  id: 'typed-tools',
  init(ctx) {
    ctx.mcp.tool({
      name: 'typed_note',
      description: 'Returns a note, or fails with a tool error when asked to.',
      access: 'public',
      input: z.object({ fail: z.boolean().optional() }),
      output: noteOutput,
      handler: ({ fail }) => {
        if (fail) throw new AppError(409, 'conflict', 'The note is busy', 'fail');
        return { id: 7, title: 'typed', at: new Date(0) };
      },
    });
    ctx.mcp.tool({
      name: 'leaky_note',
      description: 'Returns a field its output schema does not declare (a non-strict object, which zod would silently strip).',
      access: 'public',
      input: z.object({}),
      output: z.object(noteOutput.shape),
      handler: () => ({ id: 1, title: 'x', at: new Date(0).toISOString(), passwordHash: 'secretShape' }),
    });
    ctx.mcp.tool({
      name: 'wrong_note',
      description: 'Returns a result of the wrong type.',
      access: 'public',
      input: z.object({}),
      output: noteOutput,
      handler: () => ({ id: 'one', title: 'x', at: new Date(0).toISOString() }),
    });
    ctx.mcp.tool({
      name: 'untyped_note',
      description: 'A tool without output schema, as a third-party plugin may still register.',
      access: 'public',
      input: z.object({}),
      handler: () => ({ anything: ['goes'] }),
    });
  },
});

let t: TestKernel;
beforeAll(async () => {
  t = await startTestKernel({ plugins: [outputPlugin] });
});
afterAll(() => t.stop());

test('tools/list carries the output schema as JSON Schema; a tool without one has none', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const { tools } = await mcp.client.listTools();
    const typed = tools.find((x) => x.name === 'typed_note')!;
    expect(typed.outputSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['id', 'title', 'at'],
      properties: { id: { type: 'integer' }, title: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
    });
    expect(typed.outputSchema).not.toHaveProperty('$schema');
    expect(tools.find((x) => x.name === 'untyped_note')!.outputSchema).toBeUndefined();
  } finally {
    await mcp.close();
  }
});

test('a result is structured content the SDK client accepts, equal to the JSON text', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const res = await mcp.client.callTool({ name: 'typed_note', arguments: {} });
    expect(res.isError).toBeFalsy();
    expect(res.structuredContent).toEqual({ id: 7, title: 'typed', at: '1970-01-01T00:00:00.000Z' });
    expect(JSON.parse(resultText(res))).toEqual(res.structuredContent);
    expect((await mcp.client.callTool({ name: 'untyped_note', arguments: {} })).structuredContent).toEqual({ anything: ['goes'] });
  } finally {
    await mcp.close();
  }
});

test('a tool error of a tool with an output schema reaches the SDK client as an error result, without structured content', async () => {
  const mcp = await connectMcp(t.url);
  try {
    // Would throw "Structured content does not match the tool's output schema" if the error carried any.
    const res = await mcp.client.callTool({ name: 'typed_note', arguments: { fail: true } });
    expect(res.isError).toBe(true);
    expect(res.structuredContent).toBeUndefined();
    expect(resultText(res)).toBe('conflict: The note is busy');
    expect(res._meta).toEqual({ 'tomo/error': { code: 'conflict', message: 'The note is busy', field: 'fail' } });
    const invalid = await mcp.client.callTool({ name: 'typed_note', arguments: { fail: 'yes' } });
    expect(invalid).toMatchObject({ isError: true });
    expect(resultText(invalid)).toMatch(/^validation_failed: fail: /);
  } finally {
    await mcp.close();
  }
});

test('a test kernel refuses a result that breaks its output schema, naming the tool and the field, and sends none of it', async () => {
  const mcp = await connectMcp(t.url);
  try {
    const leaky = await mcp.client.callTool({ name: 'leaky_note', arguments: {} });
    expect(leaky.isError).toBe(true);
    expect(resultText(leaky)).toBe('output_contract: MCP tool leaky_note returned a field its outputSchema does not declare: passwordHash');
    expect(JSON.stringify(leaky)).not.toContain('secretShape');
    const wrong = await mcp.client.callTool({ name: 'wrong_note', arguments: {} });
    expect(wrong.isError).toBe(true);
    expect(resultText(wrong)).toMatch(/^output_contract: MCP tool wrong_note returned structured content that does not match its outputSchema: id: /);
  } finally {
    await mcp.close();
  }
});
