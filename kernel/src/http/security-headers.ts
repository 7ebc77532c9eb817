import type { Middleware } from 'koa';

/**
 * Headers every response carries. The Content-Security-Policy allows scripts only from Tomo
 * itself plus the hashes of the console's inline import map (computed from index.html).
 */
export function securityHeaders(scriptHashes: () => readonly string[]): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    const hashes = scriptHashes().map((h) => `'${h}'`).join(' ');
    ctx.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self'${hashes ? ` ${hashes}` : ''}`,
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    await next();
    if (ctx.path.startsWith('/api/') || ctx.path === '/mcp') ctx.set('Cache-Control', 'no-store');
  };
}
