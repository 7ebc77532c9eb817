import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it came over the wire. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body (signatures are over these exact bytes). */
  raw: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  at: number;
}

/**
 * A local HTTP receiver standing in for a webhook endpoint, ntfy, Gotify, Discord or Slack: it
 * keeps every request and answers each with the next status of `answers` (the last one
 * repeating), so a test can make a receiver fail, then recover. `check` may refuse a request
 * the way the real service would (its answer: status and body).
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private answers: number[] = [200];
  private server: http.Server;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly check?: (req: ReceivedRequest) => { status: number; body: string } | null) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          json = undefined;
        }
        const received: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, json, at: Date.now() };
        this.requests.push(received);
        const refusal = this.check?.(received) ?? null;
        const status = refusal?.status ?? (this.answers.length > 1 ? this.answers.shift()! : this.answers[0]);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(refusal?.body ?? JSON.stringify({ ok: status < 300 }));
        for (const w of [...this.waiters]) if (this.requests.length >= w.count) w.resolve();
      });
    });
  }

  /** Starts a receiver on a free loopback port. */
  static async start(check?: (req: ReceivedRequest) => { status: number; body: string } | null): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(check);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The statuses of the next requests, in order; the last one stays. */
  answerWith(...statuses: number[]): void {
    this.answers = statuses;
  }

  /** Resolves when `count` requests have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.requests.length} of ${count} requests in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
