// readPlainJsonBody (issue 19) must answer as the body parser it stands in for on /mcp: each body
// below is sent to both (the parser configured as createHttpApp configures it) and the outcomes
// compared: the parsed value, or the error's status and kind.
import type { AddressInfo } from 'node:net';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { readPlainJsonBody } from './plain-json-body';

const LIMIT = 1000;
type Outcome = { value: unknown } | { status: number; syntax: boolean } | { fallback: true };

const outcomeOfError = (err: unknown): Outcome => ({ status: (err as { status: number }).status, syntax: err instanceof SyntaxError });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function answer(res: import('node:http').ServerResponse, outcome: Outcome): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(outcome));
}

/** The fast path alone, as a plain Node server. */
const fast = createServer((req: IncomingMessage, res) => {
  const read = readPlainJsonBody(req, LIMIT);
  if (!read) {
    req.resume();
    return answer(res, { fallback: true });
  }
  read.then((value) => answer(res, { value }), (err: unknown) => answer(res, outcomeOfError(err)));
});

/** The body parser, with createHttpApp's options. */
const parserApp = new Koa();
parserApp.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.body = outcomeOfError(err);
  }
});
parserApp.use(bodyParser({ enableTypes: ['json'], parsedMethods: ['POST'], jsonLimit: LIMIT, jsonStrict: true, encoding: 'utf-8' }));
parserApp.use((ctx) => {
  ctx.body = { value: (ctx.request as { body?: unknown }).body };
});
const parser = createServer(parserApp.callback());

let fastHost: string;
let parserHost: string;
beforeAll(async () => {
  [fastHost, parserHost] = [await listen(fast), await listen(parser)];
});
afterAll(async () => {
  await Promise.all([fast, parser].map((s) => new Promise((r) => s.close(r))));
});

/** POSTs raw bytes with the given headers (Content-Length set unless given) and reads the outcome. */
function post(host: string, body: Buffer, headers: Record<string, string>): Promise<Outcome> {
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/mcp', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(JSON.parse(text) as Outcome));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const SAME_AS_PARSER: Array<[string, Buffer, Record<string, string>?]> = [
  ['a JSON-RPC call', Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":"é"}}}')],
  ['an array (a batch)', Buffer.from('[{"jsonrpc":"2.0","method":"notifications/initialized"}]')],
  ['leading whitespace', Buffer.from(' \n\t{"a":1}')],
  ['charset=utf-8', Buffer.from('{"a":"ü"}'), { 'content-type': 'application/json; charset=utf-8' }],
  ['upper-case type', Buffer.from('{"a":1}'), { 'content-type': 'Application/JSON' }],
  ['a byte-order mark', Buffer.from('\ufeff{"a":1}')],
  ['an empty body', Buffer.alloc(0)],
  ['malformed JSON', Buffer.from('{"a":')],
  ['a string, not an object', Buffer.from('"text"')],
  ['a number', Buffer.from('42')],
  ['a __proto__ key', Buffer.from('{"a":{"__proto__":{"admin":true}}}')],
  ['an escaped __proto__ key', Buffer.from('{"\\u005f_proto__":{"admin":true}}')],
  ['"__proto__" as a value', Buffer.from('{"name":"__proto__"}')],
];

test.each(SAME_AS_PARSER)('%s: the same outcome as the body parser', async (_name, body, headers = JSON_TYPE) => {
  const viaFast = await post(fastHost, body, headers);
  expect(viaFast).not.toEqual({ fallback: true });
  expect(viaFast).toEqual(await post(parserHost, body, headers));
});

test('a __proto__ key is refused, as the parser refuses it', async () => {
  expect(await post(fastHost, Buffer.from('{"__proto__":{"admin":true}}'), JSON_TYPE)).toEqual({ status: 400, syntax: true });
});

test.each<[string, Record<string, string>, Buffer?]>([
  ['a Content-Encoding', { ...JSON_TYPE, 'content-encoding': 'gzip' }],
  ['another media type', { 'content-type': 'text/plain' }],
  ['another charset', { 'content-type': 'application/json; charset=latin1' }],
  ['no Content-Type', {}],
  ['a body over the limit', JSON_TYPE, Buffer.from(`{"a":"${'x'.repeat(LIMIT)}"}`)],
])('%s: left to the body parser', async (_name, headers, body = Buffer.from('{"a":1}')) => {
  expect(await post(fastHost, body, headers)).toEqual({ fallback: true });
});

test('a chunked body (no Content-Length) is left to the body parser', async () => {
  const [hostname, port] = fastHost.split(':');
  const outcome = await new Promise<Outcome>((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/mcp', headers: JSON_TYPE }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Outcome));
    });
    req.on('error', reject);
    req.write('{"a":');
    req.end('1}');
  });
  expect(outcome).toEqual({ fallback: true });
});

test('a body that arrives after the headers, in parts, is read as it comes', async () => {
  const [hostname, port] = fastHost.split(':');
  const body = '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}}';
  const outcome = await new Promise<Outcome>((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/mcp', headers: { ...JSON_TYPE, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Outcome));
    });
    req.on('error', reject);
    // The headers go first and alone; the body follows in two writes, a pause apart.
    req.flushHeaders();
    setTimeout(() => req.write(body.slice(0, 20)), 50);
    setTimeout(() => req.end(body.slice(20)), 100);
  });
  expect(outcome).toEqual({ value: JSON.parse(body) });
});
