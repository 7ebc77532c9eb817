'use strict';
const http = require('node:http');

/**
 * One HTTP request without keep-alive (so no sockets linger between benchmark phases).
 * Resolves { status, headers, body, json } where json is the parsed body or undefined.
 */
function request(method, url, { headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, body: text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `url` every `intervalMs` until it answers 200. Resolves the performance.now() time of
 * the first 200. Rejects after `timeoutMs`, or as soon as `exited` (a promise that settles when
 * the server process ends) settles, so a crashed server fails fast instead of timing out.
 */
async function waitFor200(url, { intervalMs = 10, timeoutMs = 20000, exited } = {}) {
  const deadline = performance.now() + timeoutMs;
  let gone;
  if (exited) exited.then((e) => (gone = e), (e) => (gone = e));
  let lastError = 'no answer yet';
  for (;;) {
    if (gone) throw new Error(`server exited before ${url} answered 200 (${JSON.stringify(gone)})`);
    try {
      const res = await request('GET', url, { timeoutMs: 1000 });
      if (res.status === 200) return performance.now();
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err.code || err.message;
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${lastError})`);
    await sleep(intervalMs);
  }
}

module.exports = { request, waitFor200, sleep };
