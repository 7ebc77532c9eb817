import { z } from 'zod';
import type { RouteEntry } from './route-registry';
import { strictIfObject } from './run-route';

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(io === 'input' ? strictIfObject(schema) : schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

/** Builds the OpenAPI 3.1 document from the registered routes' schemas. */
export function buildOpenApi(routes: readonly RouteEntry[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of routes) {
    const def = entry.definition;
    const oaPath = def.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    const err = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
    let operation: Record<string, unknown>;
    if (entry.websocket) {
      responses['101'] = { description: 'Switching Protocols: the WebSocket is open' };
      responses['426'] = err('Not a WebSocket upgrade request');
      operation = { summary: def.summary, ...(entry.definition.description ? { description: entry.definition.description } : {}), tags: [def.tag ?? entry.owner], responses };
    } else if (entry.raw) {
      responses['200'] = { description: 'Streamed response' };
      operation = { summary: def.summary, tags: [def.tag ?? entry.owner], responses };
    } else {
      const route = entry.definition;
      // A route without a response schema answers 204 (checked in test kernels: checkResponses).
      if (route.response) {
        responses[String(route.successStatus ?? 200)] = { description: 'Success', content: { 'application/json': { schema: toJsonSchema(route.response, 'output') } } };
      } else {
        responses['204'] = { description: 'Done; no content' };
      }
      responses['400'] = err('Invalid input: the message names the field and the rule');
      // A record named in the path that does not exist, or is someone else's (the same answer).
      if (route.params) responses['404'] = err('No such record, or not yours');
      operation = {
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag ?? entry.owner],
        parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } } } }
          : {}),
        responses,
      };
    }
    if (def.access !== 'public') {
      operation.security = [{ bearerAuth: [] }];
      responses['401'] = err('Not authenticated');
      if (def.access === 'admin') responses['403'] = err('Admin only');
    }
    paths[oaPath] = { ...(paths[oaPath] ?? {}), [def.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A session token from login, or a personal API token' } } },
    paths,
  };
}
