import type { Duplex } from 'node:stream';
import type { OpenStream } from './stream-agent';

/** An engine's answer to a GET: its status and its whole body. */
export interface WholeAnswer {
  status: number;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;
/** More than this before the end of the head is not an HTTP answer. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * GETs `path` from an engine's API socket as an HTTP/1.0 request and gathers the whole answer.
 *
 * Why not the HTTP client dockerode uses: to an HTTP/1.1 request Docker streams a log as one
 * chunk of the chunked encoding per log entry, so a 10,000-line tail reaches Node's HTTP parser
 * as 10,000 chunks, each a call into JavaScript, a buffer and a stream event. To HTTP/1.0 (no
 * chunked encoding there) Go's server sends the body as it is and closes the connection at its
 * end: a megabyte arrives in a few dozen reads. Only for reads whose answer is gathered whole.
 * A chunked answer (a server that ignores the request's version) is still read correctly.
 * `idleTimeoutMs` bounds the wait for each next byte, as docker-modem's timeout does.
 */
export function getWholeBody(open: OpenStream, path: string, idleTimeoutMs: number): Promise<WholeAnswer> {
  if (!path.startsWith('/') || /[^!-~]/.test(path)) return Promise.reject(new Error(`Not a request path: ${JSON.stringify(path)}`));
  return open().then(
    (stream) =>
      new Promise<WholeAnswer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let done = false;
        const finish = (err: Error | undefined) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          stream.destroy();
          if (err) return reject(err);
          try {
            resolve(parseAnswer(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
          } catch (parseError) {
            reject(parseError as Error);
          }
        };
        const timer = setTimeout(() => finish(new Error(`The engine sent nothing for ${idleTimeoutMs} ms (GET ${path.split('?')[0]})`)), idleTimeoutMs);
        stream.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          timer.refresh();
        });
        stream.on('end', () => finish(undefined));
        stream.on('error', (err: Error) => finish(err));
        stream.on('close', () => finish(new Error(`The engine closed the connection before the end of the answer (GET ${path.split('?')[0]})`)));
        writeRequest(stream, path);
      }),
  );
}

function writeRequest(stream: Duplex, path: string): void {
  stream.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: tomo\r\n\r\n`);
}

/** Splits an HTTP/1.x answer into its status and body (Content-Length and chunked bodies honoured, else up to the end). */
export function parseAnswer(raw: Buffer): WholeAnswer {
  const headEnd = raw.indexOf(HEAD_END);
  if (headEnd < 0 || headEnd > MAX_HEAD_BYTES) throw new Error('The engine did not answer in HTTP (no end of the head)');
  const head = raw.toString('latin1', 0, headEnd);
  const status = STATUS_LINE.exec(head);
  if (!status) throw new Error(`The engine did not answer in HTTP: ${JSON.stringify(head.split('\r\n')[0].slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(headEnd + HEAD_END.length);
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) {
    body = dechunk(body);
  } else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'));
    if (!Number.isSafeInteger(length) || length < 0 || length > body.length) throw new Error('The engine closed the connection before the end of the answer (short body)');
    body = body.subarray(0, length);
  }
  return { status: Number(status[1]), body };
}

/** The body of the chunked encoding: each chunk's size line (hex, maybe extensions), its bytes, CRLF; a 0 chunk ends it. */
export function dechunk(encoded: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', at);
    if (lineEnd < 0) throw new Error('The engine closed the connection before the end of the answer (chunk size missing)');
    const size = Number.parseInt(encoded.toString('latin1', at, lineEnd).split(';')[0].trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error('The engine sent a malformed chunked answer');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size + 2 > encoded.length) throw new Error('The engine closed the connection before the end of the answer (short chunk)');
    parts.push(encoded.subarray(start, start + size));
    at = start + size + 2;
  }
}
