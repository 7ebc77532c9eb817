import type { IncomingMessage } from 'node:http';

/**
 * The common JSON body read without the body parser: `Content-Type: application/json` (UTF-8),
 * no Content-Encoding or Transfer-Encoding, a Content-Length within the limit. Returns undefined
 * for anything else, which the body parser (@koa/bodyparser, co-body) then reads as before.
 *
 * Why: the body parser's layers (type-is, raw-body, iconv-lite, inflation, co-body, bourne) cost
 * an MCP tool call, always a small JSON POST, about a fifth of Tomo's CPU per call (issue 19: an
 * MCP call at most 1.5x its HTTP route). The answers are co-body's in strict mode: `{}` for an
 * empty body, a 400 SyntaxError for anything but a JSON object or array, a byte-order mark
 * ignored, and (as bourne, protoAction 'error') a refused `__proto__` key.
 */
export function readPlainJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> | undefined {
  const headers = req.headers;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const type = headers['content-type']?.toLowerCase();
  if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return undefined;
  const lengthHeader = headers['content-length'];
  if (lengthHeader === undefined || !/^\d{1,15}$/.test(lengthHeader)) return undefined;
  const length = Number(lengthHeader);
  if (length > limitBytes || req.readableEnded || req.destroyed) return undefined;
  // One promise for the read and the parse (each `then` is one more per MCP call; issue 19).
  return new Promise((resolve, reject) => {
    const parse = (bytes: Buffer) => {
      try {
        resolve(parseStrictJson(bytes));
      } catch (err) {
        reject(err);
      }
    };
    // Node's parser runs this request's handler as soon as the headers are parsed, before it reads
    // on into the body. A small body sent with its headers is parsed and buffered one turn of the
    // microtask queue later, and is then taken in one read, with no listeners; a body sent after
    // its headers (as fetch sends it) is read as it comes.
    queueMicrotask(() => {
      if (req.complete && !req.destroyed && req.readableLength === length) {
        // read() hands over the whole buffer (and lets the stream end); an empty body reads as null.
        parse((req.read() as Buffer | null) ?? Buffer.alloc(0));
      } else {
        readBytes(req, length, parse, reject);
      }
    });
  });
}

/** The body's bytes. Node's parser stops at Content-Length, so only an early end can cut it short. */
function readBytes(req: IncomingMessage, length: number, done: (bytes: Buffer) => void, fail: (err: Error) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  const cleanup = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onAborted);
    req.off('close', onClose);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    if (received !== length) return fail(clientError('request size did not match content length', 'request.size.invalid'));
    done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
  };
  // As raw-body: a client that goes away mid-body is a 400 (nobody reads the answer).
  const onAborted = () => {
    cleanup();
    fail(clientError('request aborted', 'request.aborted'));
  };
  const onClose = () => {
    if (!req.readableEnded) onAborted();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onAborted);
  req.on('close', onClose);
}

/** A client error as raw-body's: a status the error middleware maps, safe to show. */
function clientError(message: string, type: string): Error {
  return Object.assign(new Error(message), { status: 400, statusCode: 400, expose: true, type });
}

// co-body's strict check (RFC 7159 whitespace, then an object or an array).
const STRICT_JSON = /^[ \t\n\r]*(\[|\{)/;
// bourne's: a `"__proto__":` key, however escaped, is worth a scan of the parsed value.
const SUSPECT_PROTO = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

function parseStrictJson(bytes: Buffer): unknown {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // iconv-lite drops the BOM too
  if (!text) return {};
  try {
    if (!STRICT_JSON.test(text)) throw new SyntaxError('invalid JSON, only supports object and array');
    const value: unknown = JSON.parse(text);
    // Such a key is spelt out, or escaped with \u: a body with neither needs no closer look.
    if ((text.includes('__proto__') || text.includes('\\u')) && SUSPECT_PROTO.test(text)) refuseProtoKeys(value);
    return value;
  } catch (err) {
    // co-body marks a parse failure as the client's (400, mapped to invalid_json).
    throw Object.assign(err as Error, { status: 400 });
  }
}

/** JSON.parse makes `__proto__` an own key; a later merge could still make it the prototype. */
function refuseProtoKeys(value: unknown): void {
  let next: unknown[] = [value];
  while (next.length) {
    const nodes = next;
    next = [];
    for (const node of nodes) {
      if (Object.prototype.hasOwnProperty.call(node, '__proto__')) throw new SyntaxError('Object contains forbidden prototype property');
      for (const child of Object.values(node as object)) if (child && typeof child === 'object') next.push(child);
    }
  }
}
