import type { Context } from 'koa';

/** Whether a path is an API answer (JSON or an event stream) that no cache may keep. */
export const isApiPath = (path: string): boolean => path.startsWith('/api/') || path === '/mcp';

/**
 * Headers every response carries. The Content-Security-Policy allows scripts only from Tomo
 * itself plus the hashes of the console's inline import map (computed from index.html).
 * `before` sets them on every response; `after` adds Cache-Control to API answers once the path's
 * handler ran (it may have changed nothing about the path, but a 404 or error is an answer too).
 */
export function securityHeaders(scriptHashes: () => readonly string[]): { before(ctx: Context): void; after(ctx: Context): void } {
  // Built on first use (the hashes are known once the shell is loaded) and reused: the headers
  // are the same for every response, so they are set straight on Node's response in one loop
  // (Koa's ctx.set checks and converts each value again on every request).
  let headers: Array<[string, string]> | undefined;
  const build = (): Array<[string, string]> => {
    const hashes = scriptHashes().map((h) => `'${h}'`).join(' ');
    const csp = [
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
    return [
      ['X-Content-Type-Options', 'nosniff'],
      ['Referrer-Policy', 'no-referrer'],
      ['X-Frame-Options', 'DENY'],
      ['Cross-Origin-Opener-Policy', 'same-origin'],
      ['Content-Security-Policy', csp],
    ];
  };
  return {
    before(ctx) {
      headers ??= build();
      const res = ctx.res;
      for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    },
    after(ctx) {
      if (isApiPath(ctx.path) && !ctx.headerSent) ctx.res.setHeader('Cache-Control', 'no-store');
    },
  };
}
