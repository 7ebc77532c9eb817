import zlib from 'node:zlib';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { countNotes, testNotesPlugin } from './support/notes-plugin';
import { ADMIN_TOKEN, testAuthPlugin } from './support/test-auth';

let t: TestKernel;

beforeAll(async () => {
  // The smallest body limit the config allows, so "too large" is cheap to send.
  t = await startTestKernel({ plugins: [testAuthPlugin, testNotesPlugin], config: { server: { bodyLimitBytes: 1024 } } });
});
afterAll(() => t.stop());

const post = (init: { body?: unknown; rawBody?: string; headers?: Record<string, string> }) => t.request('POST', '/api/notes', { token: ADMIN_TOKEN, ...init });

/** Every bad request must leave the table empty: the handler (the only writer) never ran. */
afterEach(async () => {
  expect(await countNotes(t)).toBe(0);
});

test('malformed JSON: 400 invalid_json naming the body', async () => {
  const res = await post({ rawBody: '{"title": "x", "priority": ', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(400);
  expect(res.body.error).toEqual({ code: 'invalid_json', message: 'Request body is not valid JSON', field: 'body' });
});

test('a bare JSON string (not an object) is refused as invalid JSON', async () => {
  const res = await post({ rawBody: '"just a string"', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_json');
});

test('a JSON array where an object is expected names the body', async () => {
  const res = await post({ body: [{ title: 'x', priority: 1 }] });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.field).toBeUndefined();
  expect(res.body.error.message).toMatch(/^body: .*object/);
});

test.each([
  ['title', { title: 42, priority: 1 }, /string/],
  ['priority', { title: 'x', priority: 'high' }, /number/],
  ['priority', { title: 'x', priority: 1.5 }, /int/],
  ['priority', { title: 'x', priority: 9 }, /5/],
  ['title', { title: '', priority: 1 }, /1/],
])('wrong type or range: 400 naming %s', async (field, body, rule) => {
  const res = await post({ body });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.field).toBe(field);
  expect(res.body.error.message.startsWith(`${field}: `)).toBe(true);
  expect(res.body.error.message).toMatch(rule);
});

test('a missing field is reported as required, by name', async () => {
  const res = await post({ body: { title: 'x' } });
  expect(res.status).toBe(400);
  expect(res.body.error).toEqual({ code: 'validation_failed', message: 'priority: is required', field: 'priority' });
});

test('an empty JSON body reports the first required field', async () => {
  const res = await post({ rawBody: '', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('title');
});

test('an unknown field is refused and named (object bodies are strict)', async () => {
  const res = await post({ body: { title: 'x', priority: 1, ownerId: 'someone-else' } });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('ownerId');
  expect(res.body.error.message).toBe('ownerId: unknown field: not accepted here');
});

test('several unknown fields are all listed', async () => {
  const res = await post({ body: { title: 'x', priority: 1, a: 1, b: 2 } });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('a');
  expect(res.body.error.message).toContain('unknown fields (a, b)');
});

test('a body over server.bodyLimitBytes: 413 payload_too_large', async () => {
  const res = await post({ body: { title: 'x'.repeat(2000), priority: 1 } });
  expect(res.status).toBe(413);
  expect(res.body.error).toEqual({ code: 'payload_too_large', message: 'Request body is larger than the limit', field: 'body' });
});

test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('content type %s on a body route: 415', async (type) => {
  const res = await post({ rawBody: 'title=x&priority=1', headers: { 'content-type': type } });
  expect(res.status).toBe(415);
  expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
});

test('a body with no content type at all: 415', async () => {
  const res = await post({ rawBody: '{"title":"x","priority":1}' });
  expect(res.status).toBe(415);
});

test.each([
  ['gzip', Buffer.from('not gzip at all')],
  ['deflate', Buffer.from('xx')],
  ['br', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
  ['gzip', zlib.gzipSync(Buffer.from('{"title":"x","priority":1}')).subarray(0, 12)],
])('a body its Content-Encoding (%s) cannot decode: 400 invalid_body, not a 500', async (encoding, bytes) => {
  const res = await fetch(`${t.url}/api/notes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-encoding': encoding },
    body: bytes,
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ error: { code: 'invalid_body', message: 'Request body could not be decoded with its Content-Encoding', field: 'content-encoding' } });
});

test('a gzip body that decodes is parsed (and validated) as usual', async () => {
  const res = await fetch(`${t.url}/api/notes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: zlib.gzipSync(Buffer.from('{"title":"x","priority":"high"}')),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { field: string } }).error.field).toBe('priority');
});

test('a streamed (chunked) non-JSON body without Content-Length: 415, not parsed as {}', async () => {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"title":"x","priority":1}'));
      controller.close();
    },
  });
  const res = await fetch(`${t.url}/api/notes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' },
    body,
    duplex: 'half',
  } as RequestInit);
  expect(res.headers.get('content-type')).toMatch(/json/);
  expect(res.status).toBe(415);
});

test.each([
  ['a bell', 'a\u0007b'],
  ['a NUL', 'a\u0000b'],
  ['a newline', 'line one\nline two'],
  ['an escape sequence', '\u001b[31mred'],
  ['DEL', 'a\u007f'],
])('control characters in a string field the schema forbids (%s): 400 naming it', async (_name, title) => {
  const res = await post({ body: { title, priority: 1 } });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('title');
  expect(res.body.error.message).toBe('title: must not contain control characters');
});

test('bad query and path parameters name the parameter', async () => {
  const q = await t.request('GET', '/api/notes?limit=lots', { token: ADMIN_TOKEN });
  expect(q.status).toBe(400);
  expect(q.body.error.field).toBe('limit');
  const unknownQuery = await t.request('GET', '/api/notes?sort=desc', { token: ADMIN_TOKEN });
  expect(unknownQuery.status).toBe(400);
  expect(unknownQuery.body.error.field).toBe('sort');
  const p = await t.request('GET', '/api/notes/abc', { token: ADMIN_TOKEN });
  expect(p.status).toBe(400);
  expect(p.body.error.field).toBe('id');
});

describe('the same route accepts good input', () => {
  // Proves the assertions above can fail: the route does write when the input is right.
  afterEach(async () => {
    await t.kernel.dataSource.query('DELETE FROM "test_notes"');
  });

  test('a valid body is stored (201) and a tab-free, unicode title is fine', async () => {
    const res = await post({ body: { title: 'Grüße, 世界 "quoted" <b>', priority: 3 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Grüße, 世界 "quoted" <b>', priority: 3, ownerId: 'admin-1' });
    expect(await countNotes(t)).toBe(1);
    const [row] = await t.kernel.dataSource.query('SELECT title FROM "test_notes"');
    expect(row.title).toBe('Grüße, 世界 "quoted" <b>');
  });

  test('JSON with a charset parameter is accepted', async () => {
    const res = await post({ rawBody: '{"title":"x","priority":0}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(201);
    expect(await countNotes(t)).toBe(1);
  });
});
