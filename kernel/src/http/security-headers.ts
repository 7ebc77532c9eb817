import type { Middleware } from 'koa';

/**
 * Headers every response carries. The Content-Security-Policy allows scripts only from Tomo
 * itself plus the hashes of the console's inline import map (computed from index.html).
 */
export function securityHeaders(scriptHashes: () => readonly string[]): Middleware {
  // Built on first use (the hashes are known once the shell is loaded) and reused: the
  // policy is the same for every response.
  let csp: string | undefined;
  const policy = () => {
    const hashes = scriptHashes().map((h) => `'${h}'`).join(' ');
    return [
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
  };
  return async (ctx, next) => {
    csp ??= policy();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Content-Security-Policy', csp);
    await next();
    if (ctx.path.startsWith('/api/') || ctx.path === '/mcp') ctx.set('Cache-Control', 'no-store');
  };
}
