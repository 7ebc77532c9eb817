import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'koa';
import { authorize } from '../http/authenticate';
import type { HookRegistry } from '../hooks/hook-set';
import { AppError, forbidden, unauthorized } from '../errors';
import type { MetricsRegistry } from './metrics-registry';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** `1.2.3.4`, `::1`, `10.0.0.0/8`, `fd00::/8` from `metrics.allowFrom`, as one list to check addresses against. */
export function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** An IPv4 client on a dual-stack socket shows as `::ffff:a.b.c.d`; the allow-list names it as `a.b.c.d`. */
function isAllowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIPv4(address)) return list.check(address, 'ipv4');
  return isIPv6(address) && list.check(address, 'ipv6');
}

/**
 * `GET /metrics`: the Prometheus text for a client in the allow-list, or for a bearer API token
 * of an admin; 401 without a credential (or an invalid one), 403 for another principal. Only the
 * `Authorization` header counts: the console's session cookie is not a scraper's credential.
 */
export async function serveMetrics(ctx: Context, deps: { metrics: MetricsRegistry; hooks: HookRegistry; allowFrom: BlockList }): Promise<void> {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    ctx.set('Allow', 'GET, HEAD');
    throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${METRICS_PATH}: use GET`);
  }
  if (!isAllowed(deps.allowFrom, ctx.ip)) {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match) throw unauthorized('Authentication required: an admin API token as a bearer token, or a client address in metrics.allowFrom');
    const principal = await authorize(deps.hooks, 'admin', match[1], 'http', ctx.ip);
    if (principal?.credentialKind !== 'api_token') throw forbidden('Metrics need an admin API token (not a console session)');
  }
  const { contentType, text } = await deps.metrics.render();
  ctx.set('Cache-Control', 'no-store');
  ctx.type = contentType;
  ctx.body = text;
}
