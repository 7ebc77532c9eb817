/**
 * Schema fuzzing: every route the plugins register (from the kernel's registry) that takes path
 * parameters, a query or a body gets generated input (support/fuzz-inputs.ts): random JSON, the
 * right keys with wrong types, huge strings, deep nesting, prototype-pollution keys, unicode,
 * numbers at their limits, malformed JSON and wrong content types; raw routes get the same for
 * what they read. Every answer must be below 500, and a 4xx must leave every table as it was
 * (the one write allowed is an activity-log entry of a failed action, e.g. a failed login) and
 * reach no server (the ServerService and its pool are counted).
 * A 2xx may change things (a valid body creates or updates): the dump is taken afresh after it.
 * MCP tools get the same for their arguments: never an `internal` error.
 *
 *   FUZZ_SEED=<n> FUZZ_RUNS=<n> npx jest --selectProjects backend --testPathPattern scripts/security/schema-fuzz
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RouteEntry } from '../../kernel/src/http/route-registry';
import type { ToolEntry } from '../../kernel/src/mcp/tool-registry';
import { connectMcp, resultText } from '../../plugins/auth/test/support/mcp-client';
import { fuzzBody, fuzzQuery, fuzzSegment, nastyString, nastyValue, type FuzzBody } from './support/fuzz-inputs';
import { fillPath, NOT_A_BACKUP, ROUTE_SAMPLES, routeKey, shapeKeys, TOOL_SAMPLES, type Ids } from './support/samples';
import { ADMIN, addUser, addedRows, countSsh, diffDumps, dumpDb, insertAlertRecords, insertInstallation, insertOidcIdentity, insertPasskey, insertPreparation, login, startSecurityKernel, type Dump, type SecurityKernel, type SshCounter } from './support/security-kernel';
import { freePort } from '../../test-support/ports';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const FUZZER = { username: 'fuzzer', password: 'fuzzer-password-1234' };
const DAVE = { username: 'dave', password: 'dave-password-12345' };

let t: SecurityKernel;
const tokens = { admin: '', fuzzer: '' };
let valid: Ids;
let spare: Ids;
const unknown: Ids = { server: randomUUID(), installation: randomUUID(), token: randomUUID(), user: randomUUID(), upload: randomUUID(), alertRule: randomUUID(), silence: randomUUID(), alert: randomUUID(), channel: randomUUID(), passkey: randomUUID(), oidcIdentity: randomUUID(), app: 'no-such-app', oidcProvider: 'no-such-provider', terminal: randomUUID() };
let baseline: Dump;
/** Calls that reach a server (ServerService and its pool), counted for the whole file. */
let ssh: SshCounter;
const stats = { routes: 0, properties: 0, cases: 0, accepted: 0, auditedFailures: new Map<string, number>(), httpRefusals: new Map<string, number>(), byStatus: new Map<number, number>() };

beforeAll(async () => {
  t = await startSecurityKernel();
  await addUser(t, ADMIN, 'admin');
  const fuzzerId = await addUser(t, FUZZER, 'user');
  const daveId = await addUser(t, DAVE, 'user');
  tokens.admin = await login(t, ADMIN);
  tokens.fuzzer = await login(t, FUZZER);
  // The fuzzer's server answers nothing (a closed loopback port: SSH fails at once, nothing waits);
  // its preparation failed, so installs stop at "not prepared" before reaching it.
  const closedPort = await freePort();
  const addServer = async (name: string, host: string, port: number) => {
    const res = await t.request('POST', '/api/servers', { token: tokens.fuzzer, body: { name, host, port, username: 'root', authType: 'password', credentials: { password: 'fuzz-password' } } });
    if (res.status !== 201) throw new Error(`add server: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const server = await addServer('fuzz-box', '127.0.0.1', closedPort);
  const spareServer = await addServer('spare-box', '192.0.2.10', 22);
  insertPreparation(t, server, 'failed');
  const token = await t.request('POST', '/api/auth/tokens', { token: tokens.fuzzer, body: { name: 'fuzz token' } });
  const upload = await fetch(`${t.url}/api/backup/uploads`, { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/octet-stream' }, body: NOT_A_BACKUP });
  const channel = await t.request('POST', '/api/alerts/channels', { token: tokens.admin, body: { name: 'fuzz-ntfy', type: 'ntfy', config: { serverUrl: `http://127.0.0.1:${closedPort}`, topic: 'fuzz' } } });
  valid = {
    channel: channel.body.channel.id,
    server,
    installation: await insertInstallation(t, tokens.admin, server, fuzzerId, 'tomo-fuzz-web'),
    token: token.body.record.id,
    user: daveId,
    upload: ((await upload.json()) as { id: string }).id,
    app: 'web-hello',
    ...(await insertAlertRecords(t, tokens.fuzzer, server, fuzzerId)),
    passkey: insertPasskey(t, fuzzerId, 'fuzz key'),
    oidcIdentity: insertOidcIdentity(t, fuzzerId, 'fuzzer@example.com'),
    oidcProvider: 'corp',
    terminal: randomUUID(),
  };
  spare = { ...valid, server: spareServer };
  baseline = dumpDb(t);
  ssh = countSsh(t);
});

afterAll(async () => {
  await t?.stop();
  ssh?.restore();
  const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  const audited = [...stats.auditedFailures].map(([k, n]) => `${k} (${n})`).join(', ');
  console.log(
    `schema-fuzz (seed ${SEED}, ${RUNS} runs a property): ${stats.routes} routes, ${stats.properties} properties, ${stats.cases} cases; statuses ${statuses}; ` +
      `${stats.accepted} accepted (2xx); 4xx that wrote only a failed-action activity entry: ${audited || 'none'}; ` +
      `MCP calls refused over HTTP: ${[...stats.httpRefusals].map(([k, n]) => `${k}×${n}`).join(' ') || 'none'}; ` +
      `calls to a server (all after an accepted request): ${ssh ? ssh.total() : 0}`,
  );
});

/** A failure message with long runs of one character (the huge strings) shortened. */
const squeeze = (message: string) => message.replace(/(.)\1{40,}/gsu, (run, c: string) => `${c}…(×${[...run].length})`).slice(0, 4000);

/** Each property its own seed, derived from the run's seed and its name: reproducible, but not the same draws for every route. */
const seedOf = (name: string) => [...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, SEED);

const callerOf = (access: string) => (access === 'admin' ? tokens.admin : access === 'authenticated' ? tokens.fuzzer : undefined);

/** Two dumps 75 ms apart that agree: whatever a 2xx started in the background has finished. */
async function settledDump(): Promise<Dump> {
  let last = dumpDb(t);
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 75));
    const next = dumpDb(t);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  throw new Error('the database kept changing for 9 s after a request');
}

interface Probe {
  path: string;
  search: string;
  body: FuzzBody | { kind: string; bytes: Uint8Array; contentType: string } | null;
}

/** Sends one request, then checks: below 500; a 4xx changed nothing (but a failed-action audit entry). */
async function probe(entry: RouteEntry, part: string, p: Probe): Promise<void> {
  const key = routeKey(entry);
  const headers: Record<string, string> = {};
  const token = callerOf(entry.definition.access);
  if (token) headers.authorization = `Bearer ${token}`;
  // fetch takes bytes in an ArrayBuffer of their own (not a view into a shared pool): copied.
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (p.body && 'text' in p.body) {
    if (p.body.contentType) headers['content-type'] = p.body.contentType;
    if (p.body.contentEncoding) headers['content-encoding'] = p.body.contentEncoding;
    body = p.body.bytes ? new Uint8Array(p.body.bytes) : p.body.text || undefined;
  } else if (p.body) {
    headers['content-type'] = p.body.contentType;
    body = p.body.bytes && new Uint8Array(p.body.bytes);
  }
  const url = `${t.url}${p.path}${p.search ? `?${p.search}` : ''}`;
  stats.cases += 1;
  const sshBefore = ssh.total();
  // A redirect is the route's answer (single sign-on sends the browser on): not followed.
  const res = await fetch(url, { method: entry.definition.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(20000) });
  const text = await res.text();
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const what = `${key} [${part}: ${p.body?.kind ?? (p.search ? 'query' : 'path')}] ${url.slice(t.url.length, t.url.length + 300)} ${p.body && 'text' in p.body ? p.body.text.slice(0, 300) : ''}`;
  if (res.status >= 500) throw new Error(`${what}\n  -> ${res.status} ${text.slice(0, 500)}`);
  if (res.status >= 400) {
    if (ssh.total() !== sshBefore) throw new Error(`${what}\n  -> ${res.status} ${text.slice(0, 300)}\n  but it reached a server: ${JSON.stringify(ssh.counts)}`);
    const after = dumpDb(t);
    const diff = diffDumps(baseline, after);
    if (diff.length === 0) return;
    const audit = addedRows(baseline, after, 'activity_log') as Array<{ result: string; action: string }>;
    const onlyFailedAudit = diff.every((line) => line.startsWith('activity_log + ')) && audit.every((row) => row.result === 'failed');
    if (!onlyFailedAudit) throw new Error(`${what}\n  -> ${res.status} ${text.slice(0, 300)}\n  but the database changed:\n  ${diff.join('\n  ')}`);
    for (const row of audit) stats.auditedFailures.set(`${key}: ${row.action}`, (stats.auditedFailures.get(`${key}: ${row.action}`) ?? 0) + 1);
    baseline = after;
    return;
  }
  stats.accepted += 1;
  baseline = await settledDump();
}

/** The fuzzing targets of one route: its path parameters, its query, its body (each with the rest valid). */
function targets(entry: RouteEntry): Array<{ part: string; arbitrary: fc.Arbitrary<Probe> }> {
  const key = routeKey(entry);
  const sample = ROUTE_SAMPLES[key];
  if (!sample) throw new Error(`${key} has no sample (see the access-by-construction test)`);
  const def = entry.definition;
  const ids = sample.fuzzUnknownIds ? unknown : sample.fuzzSpare ? spare : valid;
  const path = (over: Ids) => fillPath(def.path, sample.params, over);
  const validSearch = sample.query ? new URLSearchParams(sample.query(ids)).toString() : '';
  const validBody: FuzzBody | null = sample.body ? { kind: 'valid', text: JSON.stringify(sample.body(ids)), contentType: 'application/json' } : null;
  const rawBody = sample.rawBody ? { kind: 'valid', bytes: sample.rawBody.bytes(), contentType: sample.rawBody.contentType } : null;
  const out: Array<{ part: string; arbitrary: fc.Arbitrary<Probe> }> = [];
  const names = [...def.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const hasParams = names.length > 0 && (entry.raw || entry.definition.params);
  if (hasParams) {
    out.push({
      part: 'params',
      arbitrary: fc.tuple(...names.map(() => fuzzSegment)).map((segments) => ({
        path: def.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => segments[names.indexOf(name)]),
        search: validSearch,
        body: validBody ?? rawBody,
      })),
    });
  }
  const queryKeys = entry.raw ? Object.keys(sample.query?.(ids) ?? {}) : shapeKeys(entry.definition.query);
  if ((!entry.raw && entry.definition.query) || (entry.raw && sample.query)) {
    out.push({ part: 'query', arbitrary: fuzzQuery(queryKeys, sample.query?.(ids) ?? {}).map((q) => ({ path: path(ids), search: q.search, body: validBody ?? rawBody })) });
  }
  if ((!entry.raw && entry.definition.body) || (entry.raw && sample.body)) {
    const bodyKeys = entry.raw ? Object.keys((sample.body?.(ids) as object) ?? {}) : shapeKeys(entry.definition.body);
    out.push({ part: 'body', arbitrary: fuzzBody(bodyKeys, sample.body?.(ids)).map((b) => ({ path: path(ids), search: validSearch, body: b })) });
  }
  if (rawBody) {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.constant(new Uint8Array(0)), fc.string().map((s) => new TextEncoder().encode(s)));
    const contentType = fc.constantFrom('application/octet-stream', 'application/json', 'text/plain', 'multipart/form-data; boundary=x');
    out.push({ part: 'raw body', arbitrary: fc.tuple(bytes, contentType).map(([b, ct]) => ({ path: path(ids), search: validSearch, body: { kind: `${b.length} bytes as ${ct}`, bytes: b, contentType: ct } })) });
  }
  return out;
}

async function fuzzRoute(entry: RouteEntry, failures: string[]): Promise<number> {
  const list = targets(entry);
  for (const { part, arbitrary } of list) {
    stats.properties += 1;
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, (p) => probe(entry, part, p)),
        { seed: seedOf(`${routeKey(entry)} ${part}`), numRuns: RUNS, endOnFailure: true },
      );
    } catch (err) {
      failures.push(`${routeKey(entry)} ${part} (FUZZ_SEED=${SEED}): ${squeeze(`${(err as Error).message}\n  cause: ${String((err as { cause?: unknown }).cause)}`)}`);
      baseline = dumpDb(t);
    }
  }
  return list.length;
}

test('every route with path parameters, a query or a body: generated input never gets a 5xx, and a 4xx changes nothing', async () => {
  const routes = t.kernel.routes.all();
  const failures: string[] = [];
  const notFuzzed: string[] = [];
  for (const entry of routes) {
    const n = await fuzzRoute(entry, failures);
    if (n > 0) stats.routes += 1;
    else notFuzzed.push(routeKey(entry));
  }
  expect(failures).toEqual([]);
  // Whatever takes no input at all is left out, and nothing else.
  for (const key of notFuzzed) {
    const entry = routes.find((r) => routeKey(r) === key)!;
    expect({ key, input: entry.raw ? Boolean(ROUTE_SAMPLES[key].body || ROUTE_SAMPLES[key].rawBody || ROUTE_SAMPLES[key].query) : Boolean(entry.definition.params || entry.definition.query || entry.definition.body) }).toEqual({ key, input: false });
  }
  expect(stats.routes).toBeGreaterThan(30);
}, 240000);

test('no mass assignment: a valid body plus an owner, role or id field it does not declare is refused (400) and changes nothing', async () => {
  const smuggled = { ownerId: randomUUID(), userId: randomUUID(), role: 'admin', createdBy: randomUUID(), id: randomUUID(), disabled: false, isAdmin: true };
  const wrong: string[] = [];
  let sentCount = 0;
  for (const entry of t.kernel.routes.all()) {
    const sample = ROUTE_SAMPLES[routeKey(entry)];
    if (!sample.body) continue;
    const declared = entry.raw ? Object.keys(sample.body(valid) as object) : shapeKeys(entry.definition.body);
    const ids = sample.fuzzUnknownIds ? unknown : sample.fuzzSpare ? spare : valid;
    for (const [key, value] of Object.entries(smuggled)) {
      if (declared.includes(key)) continue;
      sentCount += 1;
      const before = dumpDb(t);
      const res = await t.request(entry.definition.method, fillPath(entry.definition.path, sample.params, ids), {
        token: callerOf(entry.definition.access),
        body: { ...(sample.body(ids) as object), [key]: value },
      });
      stats.cases += 1;
      const diff = diffDumps(before, dumpDb(t));
      if (res.status !== 400 || diff.length > 0) wrong.push(`${routeKey(entry)} + ${key} -> ${res.status} ${JSON.stringify(res.body).slice(0, 150)} ${diff.join('; ').slice(0, 300)}`);
    }
  }
  baseline = dumpDb(t);
  expect(sentCount).toBeGreaterThan(80);
  expect(wrong).toEqual([]);
});

describe('MCP tools', () => {
  let admin: Client;
  let fuzzer: Client;
  beforeAll(async () => {
    admin = await connectMcp(t.url, tokens.admin);
    fuzzer = await connectMcp(t.url, tokens.fuzzer);
  });
  afterAll(async () => {
    await admin?.close();
    await fuzzer?.close();
  });

  /** Read-only tools get real ids; those that change something get the spare records or, when they reach a server, unknown ids. */
  const idsFor = (entry: ToolEntry): Ids => {
    const a = entry.definition.annotations ?? {};
    if (a.readOnlyHint) return valid;
    return a.destructiveHint || a.openWorldHint ? unknown : spare;
  };

  test('generated arguments for every tool: never an internal error, and a refused call changes nothing', async () => {
    const failures: string[] = [];
    let tools = 0;
    for (const entry of t.kernel.tools.all()) {
      const { name, access } = entry.definition;
      // logout's only valid call ({}) would end the session this test calls with.
      if (name === 'logout') continue;
      tools += 1;
      const client = access === 'admin' ? admin : fuzzer;
      const sampleArgs = TOOL_SAMPLES[name].args(idsFor(entry));
      const keys = shapeKeys(entry.definition.input);
      const key = keys.length ? fc.constantFrom(...keys) : nastyString;
      const args: fc.Arbitrary<{ kind: string; value: unknown }> = fc.oneof(
        fc.dictionary(key, nastyValue, { maxKeys: Math.max(1, keys.length) }).map((v) => ({ kind: 'right keys, wrong types', value: v })),
        ...(Object.keys(sampleArgs).length ? [fc.tuple(fc.constantFrom(...Object.keys(sampleArgs)), nastyValue).map(([k, v]) => ({ kind: `sample with ${k} replaced`, value: { ...sampleArgs, [k]: v } }))] : []),
        fc.tuple(nastyString, nastyValue).map(([k, v]) => ({ kind: 'sample plus an unknown argument', value: { ...sampleArgs, [k.slice(0, 100)]: v } })),
        fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'random json', value: v && typeof v === 'object' && !Array.isArray(v) ? v : { value: v } })),
      );
      stats.properties += 1;
      try {
        await fc.assert(
          fc.asyncProperty(args, async ({ kind, value }) => {
            stats.cases += 1;
            const sshBefore = ssh.total();
            let r: ReturnType<typeof resultText>;
            try {
              r = resultText(await client.callTool({ name, arguments: value as Record<string, unknown> }));
            } catch (err) {
              // Refused by the HTTP layer before MCP saw it (the body limit: 413; a "__proto__" key: 400
              // invalid_json): an HTTP error answer, not a tool result. Anything else is a failure.
              const code = /Error POSTing to endpoint: \{"error":\{"code":"([a-z_]+)"/.exec((err as Error).message)?.[1];
              if (!code || code === 'internal') throw err;
              r = { text: `${code}: refused over HTTP`, isError: true, structured: undefined, error: { code, message: 'refused over HTTP' } };
              stats.httpRefusals.set(code, (stats.httpRefusals.get(code) ?? 0) + 1);
            }
            const what = `${name} [${kind}] ${JSON.stringify(value).slice(0, 300)}`;
            if (r.isError && /^internal:/.test(r.text)) throw new Error(`${what}\n  -> ${r.text}`);
            if (!r.isError) {
              stats.accepted += 1;
              baseline = await settledDump();
              return;
            }
            if (ssh.total() !== sshBefore) throw new Error(`${what}\n  -> ${r.text.slice(0, 300)}\n  but it reached a server: ${JSON.stringify(ssh.counts)}`);
            const after = dumpDb(t);
            const diff = diffDumps(baseline, after);
            const audit = addedRows(baseline, after, 'activity_log') as Array<{ result: string; action: string }>;
            if (diff.length && !(diff.every((l) => l.startsWith('activity_log + ')) && audit.every((row) => row.result === 'failed'))) {
              throw new Error(`${what}\n  -> ${r.text.slice(0, 300)}\n  but the database changed:\n  ${diff.join('\n  ')}`);
            }
            for (const row of audit) stats.auditedFailures.set(`${name}: ${row.action}`, (stats.auditedFailures.get(`${name}: ${row.action}`) ?? 0) + 1);
            baseline = after;
          }),
          { seed: seedOf(name), numRuns: RUNS, endOnFailure: true },
        );
      } catch (err) {
        failures.push(`${name} (FUZZ_SEED=${SEED}): ${squeeze(`${(err as Error).message}\n  cause: ${String((err as { cause?: unknown }).cause)}`)}`);
        baseline = dumpDb(t);
      }
    }
    expect(failures).toEqual([]);
    expect(tools).toBe(t.kernel.tools.all().length - 1);
  }, 180000);
});

