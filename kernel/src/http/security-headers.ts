import type { Context } from 'koa';

/** Whether a path is an API answer (JSON or an event stream) that no cache may keep. */
export const isApiPath = (path: string): boolean => path.startsWith('/api/') || path === '/mcp';

/**
 * The Content-Security-Policy of an API answer (JSON, an event stream, a download). Such an answer
 * is never a page, so it may load nothing and be framed by nothing: OWASP's advice for REST
 * answers, stricter than the console's policy. It is also a tenth of its length, on the path
 * every API request takes (issue 19: Node checks each header value byte by byte, and the client
 * parses it).
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers every response carries. The console's pages get a Content-Security-Policy that allows
 * scripts only from Tomo itself plus the hashes of the console's inline import map (computed from
 * index.html); API answers get {@link API_CSP}. `before` sets them on every response; `after`
 * adds Cache-Control to API answers once the path's handler ran (it may have changed nothing
 * about the path, but a 404 or error is an answer too).
 */
export function securityHeaders(scriptHashes: () => readonly string[]): { before(ctx: Context): void; after(ctx: Context): void } {
  // Built on first use (the hashes are known once the shell is loaded) and reused: the headers
  // are the same for every response of a kind, so they are set straight on Node's response in one
  // loop (Koa's ctx.set checks and converts each value again on every request).
  let sets: { api: Array<[string, string]>; page: Array<[string, string]> } | undefined;
  const build = (): { api: Array<[string, string]>; page: Array<[string, string]> } => {
    const hashes = scriptHashes().map((h) => `'${h}'`).join(' ');
    const pageCsp = [
      "default-src 'self'",
      `script-src 'self'${hashes ? ` ${hashes}` : ''}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    const common: Array<[string, string]> = [
      ['X-Content-Type-Options', 'nosniff'],
      ['Referrer-Policy', 'no-referrer'],
      ['X-Frame-Options', 'DENY'],
      ['Cross-Origin-Opener-Policy', 'same-origin'],
    ];
    return { api: [...common, ['Content-Security-Policy', API_CSP]], page: [...common, ['Content-Security-Policy', pageCsp]] };
  };
  return {
    before(ctx) {
      sets ??= build();
      const headers = isApiPath(ctx.path) ? sets.api : sets.page;
      const res = ctx.res;
      for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    },
    after(ctx) {
      if (isApiPath(ctx.path) && !ctx.headerSent) ctx.res.setHeader('Cache-Control', 'no-store');
    },
  };
}
