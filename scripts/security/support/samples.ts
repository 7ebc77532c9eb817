/**
 * Sample input for every HTTP route and MCP tool: a request that passes validation, so it reaches
 * the access and ownership checks, and what each id in it names. Routes and tools themselves come
 * from the kernel's registries; a registered route or tool with no entry here fails the tests
 * (scripts/security/access-by-construction.e2e.test.ts), so a new one cannot be left out.
 */
import type { RouteEntry } from '../../../kernel/src/http/route-registry';
import type { ToolEntry } from '../../../kernel/src/mcp/tool-registry';

/** A record a user owns (or, for `user`, `upload` and `channel`, only an admin may name). */
export type RecordKind = 'server' | 'installation' | 'token' | 'user' | 'upload' | 'alertRule' | 'silence' | 'alert' | 'passkey' | 'oidcIdentity' | 'channel';
/**
 * `app`: a catalog app id, public to every user; `oidcProvider`: a configured single sign-on
 * provider's id; `terminal`: an open terminal's id (in memory, gone after 30 s unattached: the
 * sweeps use an id of none; its owner rule is proven in plugins/terminal/test). Not records.
 */
export type IdKind = RecordKind | 'app' | 'oidcProvider' | 'terminal';

/** The records a request is built around. */
export type Ids = Record<RecordKind, string> & { app: string; oidcProvider: string; terminal: string };

export interface RouteSample {
  /** What each `:param` of the path names. Every path parameter must be listed. */
  params?: Record<string, IdKind>;
  /** Query parameters that filter by a record: another user's id gives an empty answer, not theirs. */
  filters?: Record<string, RecordKind>;
  /** A valid query string. */
  query?: (ids: Ids) => Record<string, string>;
  /** A valid JSON body. */
  body?: (ids: Ids) => unknown;
  /** Raw routes that read their own body: its content type and bytes. */
  rawBody?: { contentType: string; bytes: () => Buffer };
  /** Body fields that name something (every `...Id` field of the body schema must be listed). */
  bodyIds?: Record<string, IdKind>;
  /** `...Id` query or body fields that name no record (a cursor, an OS version). */
  notIds?: string[];
  /**
   * Fuzzing: send the generated query/body with well-formed ids of no record, because a valid
   * request with a real id goes on to the server (the fuzzing server is unreachable: a 502).
   */
  fuzzUnknownIds?: boolean;
  /** Fuzzing: use the spare records (a valid body changes the record it names). */
  fuzzSpare?: boolean;
  /** Fuzzing: not fuzzed with valid ids, for a reason given here. */
  fuzzNote?: string;
  /** A browser step that answers with a redirect (single sign-on), not a read: left out of the read sweeps. */
  browserRedirect?: boolean;
}

export interface ToolSample {
  /** What each id argument names. Every argument ending in `_id` or `Id` must be listed (or in `filters`). */
  ids?: Record<string, IdKind>;
  filters?: Record<string, RecordKind>;
  /** `_id` arguments that name no record (a cursor). */
  notIds?: string[];
  args: (ids: Ids) => Record<string, unknown>;
}

const none = {} satisfies RouteSample;
/** A tool acting on one installation takes installation_id, or server_id + app_id (the samples send installation_id). */
const installationTarget = { installation_id: 'installation', server_id: 'server', app_id: 'app' } satisfies ToolSample['ids'];
const serverParam = { params: { id: 'server' } } satisfies RouteSample;
const startPreparation = { params: { id: 'server' }, body: () => ({ dockerSource: 'auto' }) } satisfies RouteSample;
const installBody = (ids: Ids) => ({ appId: ids.app, ports: { '80/tcp': 18080 }, settings: {} });
const importBody = () => ({ password: 'not-the-backup-password', onConflict: 'skip' });
const activityLog = { query: () => ({ page: '1', pageSize: '20' }), filters: { serverId: 'server', userId: 'user' } } satisfies RouteSample;
const alertRule = { body: (ids: Ids) => ({ name: 'sample rule', kind: 'metric', metric: 'cpu', operator: '>', threshold: 90, forMinutes: 5, serverId: ids.server }), bodyIds: { serverId: 'server' } } satisfies RouteSample;
/** A passkey registration of the right shape that answers no challenge Tomo issued. */
const SAMPLE_REGISTRATION = {
  id: 'c2FtcGxlLWNyZWRlbnRpYWw',
  rawId: 'c2FtcGxlLWNyZWRlbnRpYWw',
  type: 'public-key',
  response: { clientDataJSON: Buffer.from('{"type":"webauthn.create","challenge":"bm90aGluZw","origin":"http://localhost"}').toString('base64url'), attestationObject: 'o2NmbXRkbm9uZQ', transports: ['internal'] },
  clientExtensionResults: {},
};
/** A passkey sign-in of the right shape, by no registered passkey, to no challenge Tomo issued. */
const SAMPLE_ASSERTION = {
  id: 'c2FtcGxlLWNyZWRlbnRpYWw',
  rawId: 'c2FtcGxlLWNyZWRlbnRpYWw',
  type: 'public-key',
  response: { clientDataJSON: Buffer.from('{"type":"webauthn.get","challenge":"bm90aGluZw","origin":"http://localhost"}').toString('base64url'), authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
};
/** An upload that is not a backup (no password opens it). */
export const NOT_A_BACKUP = Buffer.from('age-encryption.org/v1\n-> nothing here\n');

/** Routes by `METHOD path`, exactly as registered. */
export const ROUTE_SAMPLES: Record<string, RouteSample> = {
  // kernel
  'GET /health': none,
  'GET /health/live': none,
  'GET /health/ready': none,
  'GET /api/status': none,
  'GET /api/plugins': none,
  'GET /api/openapi.json': none,
  'GET /api/ui/manifest': none,
  // auth
  'GET /api/auth/setup': none,
  'POST /api/auth/setup': { body: () => ({ setupCode: 'not-the-setup-code', username: 'mallory', email: 'mallory@example.com', password: 'mallory-password-123' }) },
  'POST /api/auth/login': { body: () => ({ username: 'nobody', password: 'not-a-password-123' }) },
  'POST /api/auth/logout': { fuzzNote: 'no input' },
  'GET /api/auth/session': none,
  'GET /api/auth/me': none,
  'POST /api/auth/me/password': { body: () => ({ currentPassword: 'not-the-current-one', newPassword: 'a-new-password-4567' }) },
  'GET /api/users': none,
  'POST /api/users': { body: () => ({ username: 'mallory', email: 'mallory@example.com', password: 'mallory-password-123', role: 'user' }) },
  'GET /api/users/:id': { params: { id: 'user' } },
  'PATCH /api/users/:id': { params: { id: 'user' }, body: () => ({ email: 'changed@example.com' }), fuzzSpare: true },
  'DELETE /api/users/:id': { params: { id: 'user' } },
  'DELETE /api/users/:id/sessions': { params: { id: 'user' } },
  'GET /api/auth/tokens': none,
  'POST /api/auth/tokens': { body: () => ({ name: 'sample token' }) },
  'DELETE /api/auth/tokens/:id': { params: { id: 'token' } },
  // auth: second factor (a valid code is not guessable: these reach the checks and are refused there)
  'POST /api/auth/login/second-factor': { body: () => ({ challenge: 'not-a-challenge', code: '123456' }) },
  'GET /api/auth/2fa': none,
  'POST /api/auth/2fa/totp': { fuzzNote: 'no input' },
  'POST /api/auth/2fa/totp/confirm': { body: () => ({ code: '123456' }) },
  'DELETE /api/auth/2fa/totp': { body: () => ({ password: 'not-the-password', code: '123456' }) },
  'POST /api/auth/2fa/recovery-codes': { body: () => ({ code: '123456' }) },
  'DELETE /api/users/:id/2fa': { params: { id: 'user' } },
  'GET /api/auth/passkeys': none,
  'POST /api/auth/passkeys/register/options': { fuzzNote: 'no input' },
  // Well-formed, but answering no challenge: refused before anything is stored.
  'POST /api/auth/passkeys/register': { body: () => ({ name: 'sample key', response: SAMPLE_REGISTRATION }) },
  'PATCH /api/auth/passkeys/:id': { params: { id: 'passkey' }, body: () => ({ name: 'renamed key' }) },
  'DELETE /api/auth/passkeys/:id': { params: { id: 'passkey' } },
  'GET /api/auth/oidc/providers': none,
  // Raw, public: no provider is configured in the security kernels, so both send the browser to /login?oidcError=unknown_provider.
  'GET /api/auth/oidc/:provider/start': { params: { provider: 'oidcProvider' }, browserRedirect: true },
  'GET /api/auth/oidc/:provider/callback': { params: { provider: 'oidcProvider' }, query: () => ({ state: 'no-such-state', code: 'no-such-code' }), browserRedirect: true },
  'GET /api/auth/oidc/identities': none,
  'DELETE /api/auth/oidc/identities/:id': { params: { id: 'oidcIdentity' } },
  // terminal: POST with a real server goes on to it (a probe over SSH), so fuzzing uses unknown ids;
  // the socket route is a WebSocket: a plain GET is authenticated and checked, then answered 426.
  'POST /api/terminals': { body: (ids: Ids) => ({ serverId: ids.server }), bodyIds: { serverId: 'server', installationId: 'installation' }, fuzzUnknownIds: true },
  'GET /api/terminals': none,
  'DELETE /api/terminals/:id': { params: { id: 'terminal' } },
  'GET /api/terminals/:id/socket': { params: { id: 'terminal' }, query: () => ({ cols: '80', rows: '24' }) },
  'POST /api/auth/passkeys/login/options': { body: () => ({}) },
  'POST /api/auth/passkeys/login': { body: () => ({ response: SAMPLE_ASSERTION }) },
  // servers
  'GET /api/servers': none,
  'POST /api/servers': { body: () => ({ name: 'sample', host: '192.0.2.10', port: 22, username: 'root', authType: 'password', credentials: { password: 'sample-password' } }) },
  'GET /api/servers/:id': serverParam,
  'PATCH /api/servers/:id': { params: { id: 'server' }, body: () => ({ name: 'renamed' }), fuzzSpare: true },
  'DELETE /api/servers/:id': serverParam,
  'POST /api/servers/:id/test': serverParam,
  'POST /api/servers/:id/host-key/accept': { params: { id: 'server' }, body: () => ({ fingerprint: `SHA256:${'A'.repeat(43)}` }) },
  // preparation
  'GET /api/preparation/preparers': none,
  'POST /api/preparation/plan': { body: () => ({ id: 'debian', versionId: '12', idLike: [], architecture: 'x86_64' }), notIds: ['versionId'] },
  'POST /api/servers/:id/preparation': startPreparation,
  'POST /api/servers/:id/preparation/retry': startPreparation,
  'GET /api/servers/:id/preparation': serverParam,
  'GET /api/servers/:id/preparation/log': { params: { id: 'server' }, query: () => ({ afterId: '0' }), notIds: ['afterId'] },
  'GET /api/servers/:id/preparation/events': { params: { id: 'server' } },
  // apps
  'GET /api/apps/catalog': { query: () => ({ q: 'web', limit: '10' }) },
  'GET /api/apps/catalog/:appId': { params: { appId: 'app' } },
  'GET /api/apps/catalogs': none,
  'POST /api/apps/catalogs/reload': { fuzzNote: 'no input' },
  'GET /api/apps/targets': none,
  'GET /api/apps/installations': none,
  'GET /api/servers/:serverId/apps': { params: { serverId: 'server' } },
  'POST /api/servers/:serverId/apps': { params: { serverId: 'server' }, body: installBody, bodyIds: { appId: 'app' } },
  'POST /api/servers/:serverId/apps/preflight': { params: { serverId: 'server' }, body: installBody, bodyIds: { appId: 'app' } },
  'GET /api/apps/installations/:id': { params: { id: 'installation' } },
  'GET /api/apps/installations/:id/events': { params: { id: 'installation' } },
  'GET /api/apps/installations/:id/logs': { params: { id: 'installation' }, query: () => ({ tail: '50', since: '1h' }), fuzzUnknownIds: true },
  'GET /api/apps/installations/:id/logs/stream': { params: { id: 'installation' }, query: () => ({ tail: '50' }), fuzzUnknownIds: true },
  'DELETE /api/apps/installations/:id': { params: { id: 'installation' }, query: () => ({ deleteData: 'true' }), fuzzUnknownIds: true },
  'POST /api/apps/installations/:id/start': { params: { id: 'installation' } },
  'POST /api/apps/installations/:id/stop': { params: { id: 'installation' } },
  // Updates: a valid request with a real id goes on to the (unreachable) server, so fuzzed with ids of nothing.
  'POST /api/apps/installations/:id/check-updates': { params: { id: 'installation' }, fuzzUnknownIds: true },
  'POST /api/apps/installations/:id/update': { params: { id: 'installation' }, fuzzUnknownIds: true },
  'POST /api/apps/installations/:id/rollback': { params: { id: 'installation' }, fuzzUnknownIds: true },
  // backup
  'POST /api/backup/export': { body: () => ({ password: 'export-password-1234', includeHistory: false }) },
  'POST /api/backup/uploads': { rawBody: { contentType: 'application/octet-stream', bytes: () => NOT_A_BACKUP } },
  'POST /api/backup/uploads/:id/preview': { params: { id: 'upload' }, body: importBody },
  'POST /api/backup/uploads/:id/apply': { params: { id: 'upload' }, body: importBody },
  'DELETE /api/backup/uploads/:id': { params: { id: 'upload' } },
  // activity (/api/logs: the deprecated old path of /api/activity, until the next release)
  'GET /api/activity': activityLog,
  'GET /api/logs': activityLog,
  // monitoring
  'GET /api/metrics/servers': none,
  'GET /api/metrics/servers/:id': { params: { id: 'server' }, query: () => ({ period: '24h' }) },
  'GET /api/metrics/summary': none,
  'GET /api/metrics/apps/:id': { params: { id: 'installation' }, query: () => ({ period: '7d' }) },
  // alerts
  'GET /api/alerts/rules': none,
  'POST /api/alerts/rules': alertRule,
  'POST /api/alerts/rules/preview': alertRule,
  'PATCH /api/alerts/rules/:id': { params: { id: 'alertRule' }, body: () => ({ name: 'renamed rule', threshold: 85 }), bodyIds: { serverId: 'server' } },
  'DELETE /api/alerts/rules/:id': { params: { id: 'alertRule' } },
  'GET /api/alerts': { query: () => ({ state: 'firing', page: '1', pageSize: '20' }), filters: { serverId: 'server', ruleId: 'alertRule' } },
  'GET /api/alerts/summary': none,
  'GET /api/alerts/silences': none,
  'POST /api/alerts/silences': { body: (ids) => ({ ruleId: ids.alertRule, serverId: ids.server, endsAt: new Date(Date.now() + 3600_000).toISOString(), reason: 'sample' }), bodyIds: { ruleId: 'alertRule', serverId: 'server' } },
  'DELETE /api/alerts/silences/:id': { params: { id: 'silence' } },
  // alerts: notification channels (admins create, delete, test; every user lists). A test or a
  // delete with a real id sends or removes in the background: fuzzed with ids of nothing.
  'GET /api/alerts/channels': none,
  'POST /api/alerts/channels': { body: () => ({ name: 'sample channel', type: 'ntfy', config: { serverUrl: 'http://192.0.2.10', topic: 'sample' } }) },
  'DELETE /api/alerts/channels/:id': { params: { id: 'channel' }, fuzzUnknownIds: true },
  'POST /api/alerts/channels/:id/test': { params: { id: 'channel' }, fuzzUnknownIds: true },
  'GET /api/alerts/channels/:id/deliveries': { params: { id: 'channel' } },
};

/** Tools by name. */
export const TOOL_SAMPLES: Record<string, ToolSample> = {
  // auth
  login: { args: () => ({ username: 'nobody', password: 'not-a-password-123', totp: '123456' }) },
  logout: { args: () => ({}) },
  get_current_user: { args: () => ({}) },
  create_user: { args: () => ({ username: 'mallory', email: 'mallory@example.com', password: 'mallory-password-123', role: 'user' }) },
  list_users: { args: () => ({}) },
  // servers
  add_server: { args: () => ({ name: 'sample', host: '192.0.2.10', port: 22, username: 'root', auth_type: 'password', credentials: { password: 'sample-password' } }) },
  test_connection: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  list_servers: { args: () => ({}) },
  get_server: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  update_server: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server, name: 'renamed' }) },
  delete_server: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  accept_host_key: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server, fingerprint: `SHA256:${'A'.repeat(43)}` }) },
  // preparation
  prepare_server: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server, docker_source: 'auto' }) },
  get_preparation_status: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  get_preparation_log: { ids: { server_id: 'server' }, notIds: ['after_id'], args: (ids) => ({ server_id: ids.server, after_id: 0 }) },
  retry_preparation: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  // apps
  list_catalog: { args: () => ({ search: 'web', limit: 10 }) },
  get_app_definition: { ids: { app_id: 'app' }, args: (ids) => ({ app_id: ids.app }) },
  install_app: { ids: { server_id: 'server', app_id: 'app' }, args: (ids) => ({ server_id: ids.server, app_id: ids.app, ports: { '80/tcp': 18080 }, settings: {} }) },
  get_installed_apps: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server }) },
  start_app: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation }) },
  stop_app: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation }) },
  uninstall_app: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation, delete_data: true }) },
  get_app_logs: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation, tail: 50, since: '1h' }) },
  check_app_updates: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation }) },
  update_app: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation }) },
  rollback_app: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation }) },
  // activity
  get_activity_logs: { filters: { server_id: 'server', user_id: 'user', serverId: 'server', userId: 'user' }, args: () => ({ page: 1, page_size: 20 }) },
  // monitoring
  get_server_metrics: { ids: { server_id: 'server' }, args: (ids) => ({ server_id: ids.server, period: '24h' }) },
  get_dashboard_summary: { args: () => ({}) },
  get_app_metrics: { ids: installationTarget, args: (ids) => ({ installation_id: ids.installation, period: '7d' }) },
  // alerts
  list_alert_rules: { args: () => ({}) },
  create_alert_rule: { ids: { server_id: 'server' }, args: (ids) => ({ name: 'sample rule', kind: 'metric', metric: 'cpu', operator: '>', threshold: 90, for_minutes: 5, server_id: ids.server }) },
  update_alert_rule: { ids: { rule_id: 'alertRule', server_id: 'server' }, args: (ids) => ({ rule_id: ids.alertRule, threshold: 85 }) },
  delete_alert_rule: { ids: { rule_id: 'alertRule' }, args: (ids) => ({ rule_id: ids.alertRule }) },
  list_alerts: { filters: { server_id: 'server', rule_id: 'alertRule' }, args: () => ({ page: 1, page_size: 20 }) },
  silence_alert: { ids: { alert_id: 'alert', rule_id: 'alertRule', server_id: 'server' }, args: (ids) => ({ alert_id: ids.alert, minutes: 60, reason: 'sample' }) },
  // alerts: notification channels
  list_notification_channels: { args: () => ({}) },
  create_notification_channel: { args: () => ({ name: 'sample channel', type: 'ntfy', config: { serverUrl: 'http://192.0.2.10', topic: 'sample' } }) },
  test_notification_channel: { ids: { channel_id: 'channel' }, args: (ids) => ({ channel_id: ids.channel }) },
  delete_notification_channel: { ids: { channel_id: 'channel' }, args: (ids) => ({ channel_id: ids.channel }) },
};

/** Routes anyone may call without credentials. A new public route must be added here on purpose. */
export const PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /api/openapi.json',
  'GET /api/auth/setup',
  'GET /api/auth/session',
  'POST /api/auth/setup',
  'POST /api/auth/login',
  'POST /api/auth/login/second-factor',
  'POST /api/auth/passkeys/login/options',
  'POST /api/auth/passkeys/login',
  'GET /api/auth/oidc/providers',
  'GET /api/auth/oidc/:provider/start',
  'GET /api/auth/oidc/:provider/callback',
];
/** Tools anyone may call before logging in. */
export const PUBLIC_TOOLS = ['login'];

export const routeKey = (entry: RouteEntry) => `${entry.definition.method} ${entry.definition.path}`;

/** The zod object shape's keys, when the schema is an object (zod 4: `.shape`). */
export function shapeKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

/**
 * Where the sample table falls short of the registries: missing entries, path parameters,
 * query filters and id fields nobody said what they name. (An entry for a route no plugin
 * registers is harmless and not reported: a route and its sample may land in either order.)
 */
export function coverageProblems(routes: RouteEntry[], tools: ToolEntry[]): string[] {
  const problems: string[] = [];
  for (const entry of routes) {
    const key = routeKey(entry);
    const sample = ROUTE_SAMPLES[key];
    if (!sample) {
      problems.push(`route ${key} (plugin ${entry.owner}) has no entry in ROUTE_SAMPLES (scripts/security/support/samples.ts)`);
      continue;
    }
    for (const [, name] of entry.definition.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      if (!sample.params?.[name]) problems.push(`route ${key}: path parameter :${name} is not declared in its sample's params`);
    }
    if (!entry.raw) {
      for (const name of shapeKeys(entry.definition.query)) {
        if (/Id$/.test(name) && !sample.filters?.[name] && !sample.notIds?.includes(name)) problems.push(`route ${key}: query parameter ${name} names a record; declare it in filters`);
      }
      for (const name of shapeKeys(entry.definition.body)) {
        if (/Id$/.test(name) && !sample.bodyIds?.[name] && !sample.notIds?.includes(name)) problems.push(`route ${key}: body field ${name} names a record; declare it in bodyIds`);
      }
      if (entry.definition.body && !sample.body) problems.push(`route ${key} takes a body: its sample needs one`);
    }
  }
  for (const entry of tools) {
    const { name } = entry.definition;
    const sample = TOOL_SAMPLES[name];
    if (!sample) {
      problems.push(`tool ${name} (plugin ${entry.owner}) has no entry in TOOL_SAMPLES (scripts/security/support/samples.ts)`);
      continue;
    }
    for (const arg of shapeKeys(entry.definition.input)) {
      if (/(_id|Id)$/.test(arg) && !sample.ids?.[arg] && !sample.filters?.[arg] && !sample.notIds?.includes(arg)) problems.push(`tool ${name}: argument ${arg} names a record; declare it in ids or filters`);
    }
  }
  const publicRoutes = routes.filter((r) => r.definition.access === 'public').map(routeKey).sort();
  if (JSON.stringify(publicRoutes) !== JSON.stringify([...PUBLIC_ROUTES].sort())) problems.push(`public routes are ${publicRoutes.join(', ')}; PUBLIC_ROUTES says ${PUBLIC_ROUTES.join(', ')}`);
  const publicTools = tools.filter((t) => t.definition.access === 'public').map((t) => t.definition.name).sort();
  if (JSON.stringify(publicTools) !== JSON.stringify([...PUBLIC_TOOLS].sort())) problems.push(`public tools are ${publicTools.join(', ')}; PUBLIC_TOOLS says ${PUBLIC_TOOLS.join(', ')}`);
  return problems;
}

/** `/api/servers/:id/apps` with the ids put in. */
export function fillPath(path: string, params: Record<string, IdKind> | undefined, ids: Ids): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const kind = params?.[name];
    if (!kind) throw new Error(`no id kind for :${name} in ${path}`);
    return encodeURIComponent(ids[kind]);
  });
}
