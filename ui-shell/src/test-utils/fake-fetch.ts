/**
 * A stand-in for `fetch` in console tests (jsdom has none): answers by "METHOD /path" and records
 * every call. Only the parts of `Response` the kit's API client reads are provided.
 */

import type { User } from '../kit/types';

/** One request the code under test made. */
export interface FakeCall {
  method: string;
  url: string;
  body: unknown;
  /** The body as sent when it is not a JSON string (a `Blob` upload). */
  rawBody?: unknown;
  headers: Record<string, string>;
  credentials?: RequestCredentials;
}

/** What a route answers. */
export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fixed reply, or a function of the call (may be async, e.g. to hold a request open). */
export type FakeRoute = FakeReply | ((call: FakeCall) => FakeReply | Promise<FakeReply>);

/** An error body as the server sends it. */
export function errorReply(status: number, code: string, message: string, field?: string, headers?: Record<string, string>): FakeReply {
  return { status, body: { error: { code, message, ...(field ? { field } : {}) } }, headers };
}

function fakeResponse(reply: FakeReply): Response {
  const status = reply.status ?? 200;
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const headers = new Map(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
    text: async () => text,
    json: async () => JSON.parse(text),
    blob: async () => new Blob([text]),
  } as unknown as Response;
}

/** The answer of `GET /api/auth/session`: `user` signed in, or nobody (null). */
export function sessionReply(user: User | null): FakeReply {
  return { body: { authenticated: user !== null, user } };
}

/** Replaces `global.fetch`; routes are keyed "GET /api/auth/session". Unknown routes answer 404. */
export function installFakeFetch(routes: Record<string, FakeRoute>): { calls: FakeCall[]; routes: Record<string, FakeRoute> } {
  const calls: FakeCall[] = [];
  const fake = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const call: FakeCall = {
      method,
      url,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      rawBody: typeof init.body === 'string' ? undefined : (init.body ?? undefined),
      headers: { ...(init.headers as Record<string, string>) },
      credentials: init.credentials,
    };
    calls.push(call);
    const route = routes[`${method} ${url.split('?')[0]}`];
    if (!route) return fakeResponse(errorReply(404, 'not_found', `No route ${method} ${url}`));
    return fakeResponse(typeof route === 'function' ? await route(call) : route);
  };
  (globalThis as { fetch: unknown }).fetch = jest.fn(fake);
  return { calls, routes };
}

/** A user as the API returns it. */
export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 'u-admin',
    username: 'admin',
    email: 'admin@example.com',
    role: 'admin',
    disabled: false,
    createdAt: '2025-01-10T09:00:00.000Z',
    updatedAt: '2025-01-10T09:00:00.000Z',
    lastLoginAt: null,
    ...overrides,
  };
}
