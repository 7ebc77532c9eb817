#!/usr/bin/env node
// Generates the API and MCP tool references in docs/reference/ from a running Tomo.
//
//   npm run build                                   # the references describe the built code
//   node scripts/docs/generate-reference.js         # writes docs/reference/{api,mcp-tools}.md
//   node scripts/docs/generate-reference.js --out /tmp/ref   # somewhere else
//
// It starts the built kernel in this process with the built-in plugins of this checkout, on a
// temporary data folder and a free loopback port (no config file, no TOMO_* variables, no
// third-party plugins), then reads what a client sees: the OpenAPI document at
// /api/openapi.json, and the MCP tool list through the MCP SDK client at /mcp. Who may call a
// tool comes from the tool registry (MCP does not carry it). Everything it made is removed.
//
// scripts/docs/reference.test.ts regenerates into a temporary folder and fails when the
// committed files differ: a new route or tool means running this script and committing.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FILES = { api: 'api.md', tools: 'mcp-tools.md' };
const REGENERATE = '`npm run build`, then `node scripts/docs/generate-reference.js`';

// ------------------------------------------------------------------ markdown helpers --

/** GitHub's heading anchor: lower case, punctuation dropped (`-` and `_` kept), spaces to `-`. */
function slug(heading) {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Text for a table cell: one line, pipes escaped. */
function cell(text) {
  return String(text ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
}

function code(text) {
  const t = String(text);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

// --------------------------------------------------------------- JSON schema helpers --

/** Splits `T | null` into T and a nullable flag. */
function unwrapNullable(schema) {
  const variants = schema && (schema.anyOf || schema.oneOf);
  if (Array.isArray(variants)) {
    const rest = variants.filter((s) => s.type !== 'null');
    if (rest.length === 1 && rest.length < variants.length) return { schema: rest[0], nullable: true };
  }
  return { schema, nullable: false };
}

/** A short type: `string (uuid)`, `array of object`, `"a" or "b"`, `integer`. */
function typeOf(schema) {
  if (!schema || Object.keys(schema).length === 0) return 'any';
  const { schema: s, nullable } = unwrapNullable(schema);
  let t;
  if (s.const !== undefined) t = JSON.stringify(s.const);
  else if (Array.isArray(s.enum)) t = s.enum.map((v) => JSON.stringify(v)).join(' or ');
  else if (Array.isArray(s.anyOf || s.oneOf)) t = (s.anyOf || s.oneOf).map(typeOf).join(' or ');
  else if (s.type === 'array') t = `array of ${typeOf(s.items)}`;
  else if (Array.isArray(s.type)) t = s.type.join(' or ');
  else if (s.type === 'string' && s.format) t = `string (${s.format})`;
  else if (s.type === 'object' && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
    t = `map of ${typeOf(s.additionalProperties)}`;
  } else t = s.type || 'any';
  return nullable ? `${t} or null` : t;
}

/** The rules a value must follow, in words: lengths, ranges, patterns, defaults. */
function rulesOf(schema) {
  const { schema: s } = unwrapNullable(schema || {});
  const rules = [];
  if (s.minLength !== undefined && s.maxLength !== undefined) rules.push(`${s.minLength} to ${s.maxLength} characters`);
  else if (s.minLength !== undefined) rules.push(`at least ${s.minLength} characters`);
  else if (s.maxLength !== undefined) rules.push(`at most ${s.maxLength} characters`);
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? `more than ${s.exclusiveMinimum}` : undefined);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? `less than ${s.exclusiveMaximum}` : undefined);
  // zod writes the safe-integer bounds for every integer: they say nothing to a reader.
  const meaningful = (v) => v !== undefined && Math.abs(Number(v)) < Number.MAX_SAFE_INTEGER;
  if (meaningful(min) && meaningful(max)) rules.push(`${min} to ${max}`);
  else if (meaningful(min)) rules.push(`at least ${min}`);
  else if (meaningful(max)) rules.push(`at most ${max}`);
  if (s.minItems !== undefined) rules.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) rules.push(`at most ${s.maxItems} items`);
  // A format (uuid, email…) says what its generated pattern spells out.
  if (s.pattern && !s.format) rules.push(`pattern ${code(s.pattern)}`);
  if (s.default !== undefined) rules.push(`default ${code(JSON.stringify(s.default))}`);
  if (s.description) rules.push(s.description);
  return rules.join('; ');
}

/** Rows for the fields of an object schema, nested fields as `a.b` and `list[].b`. */
function fieldRows(schema, prefix = '', depth = 0) {
  const { schema: s } = unwrapNullable(schema || {});
  if (!s || !s.properties) return [];
  const required = new Set(s.required || []);
  const rows = [];
  for (const [name, prop] of Object.entries(s.properties)) {
    const full = `${prefix}${name}`;
    rows.push({ name: full, type: typeOf(prop), required: required.has(name), rules: rulesOf(prop) });
    if (depth >= 4) continue;
    const inner = unwrapNullable(prop).schema;
    if (inner && inner.type === 'object' && inner.properties) rows.push(...fieldRows(inner, `${full}.`, depth + 1));
    if (inner && inner.type === 'array' && inner.items) {
      const item = unwrapNullable(inner.items).schema;
      if (item && item.type === 'object' && item.properties) rows.push(...fieldRows(item, `${full}[].`, depth + 1));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------- the API page --

function accessOf(operation) {
  if (!operation.security || operation.security.length === 0) return 'public';
  return operation.responses && operation.responses['403'] ? 'admin' : 'authenticated';
}

function operationsOf(openapi) {
  const ops = [];
  for (const [p, methods] of Object.entries(openapi.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({ method: method.toUpperCase(), path: p, op, tag: (op.tags && op.tags[0]) || 'other' });
    }
  }
  return ops;
}

function renderOperation({ method, path: p, op }) {
  const out = [`### ${method} ${p}`, '', op.summary ? `${op.summary}.`.replace(/\.\.$/, '.') : ''];
  if (op.description) out.push('', op.description);
  out.push('', `Access: **${accessOf(op)}**.`);

  const declared = op.parameters || [];
  // Streaming routes declare no parameters in the document; their path parameters still exist.
  const pathNames = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const params = [
    ...pathNames.map((name) => declared.find((d) => d.in === 'path' && d.name === name) || { name, in: 'path', required: true, schema: { type: 'string' } }),
    ...declared.filter((d) => d.in !== 'path'),
  ];
  if (params.length) {
    out.push(
      '',
      table(
        ['parameter', 'in', 'type', 'required', 'rules'],
        params.map((d) => [code(d.name), d.in, typeOf(d.schema), d.required ? 'yes' : 'no', rulesOf(d.schema)]),
      ),
    );
  }
  const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
  if (body) {
    const rows = fieldRows(body.schema);
    out.push('', 'Request body (JSON):');
    out.push('', rows.length ? table(['field', 'type', 'required', 'rules'], rows.map((r) => [code(r.name), r.type, r.required ? 'yes' : 'no', r.rules])) : `${typeOf(body.schema)}.`);
  }
  const codes = Object.keys(op.responses || {});
  const success = codes.filter((c) => c.startsWith('2'));
  for (const c of success) {
    const res = op.responses[c];
    const json = res.content && res.content['application/json'];
    if (json && json.schema) {
      const rows = fieldRows(json.schema);
      out.push('', `Response \`${c}\` (JSON):`);
      out.push('', rows.length ? table(['field', 'type', 'notes'], rows.map((r) => [code(r.name), r.type, r.rules])) : `${typeOf(json.schema)}.`);
    } else {
      out.push('', `Response \`${c}\`: ${(res.description || '').toLowerCase() === 'success' ? 'no schema in the document' : cell(res.description)}.`);
    }
  }
  const errors = codes.filter((c) => !c.startsWith('2'));
  if (errors.length) out.push('', `Errors: ${errors.map((c) => `\`${c}\``).join(', ')} (body \`{ "error": { "code", "message", "field" } }\`).`);
  return out.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n');
}

function renderApi(openapi, meta) {
  const ops = operationsOf(openapi);
  const tags = [...new Set(ops.map((o) => o.tag))];
  const lines = [
    '# API reference',
    '',
    `<!-- Generated by scripts/docs/generate-reference.js from the OpenAPI document. Do not edit: run ${REGENERATE}. -->`,
    '',
    `Every HTTP route of Tomo ${meta.version} with its built-in plugins (${meta.plugins.join(', ')}), generated from the`,
    'OpenAPI 3.1 document Tomo serves at `GET /api/openapi.json`. How to authenticate, what errors look',
    'like and worked examples: [the API guide](../api.md). Plugins you install add their own routes;',
    'your Tomo\'s `/api/openapi.json` lists them too.',
    '',
    'Access: **public** needs no credentials; **authenticated** needs `Authorization: Bearer <token>`',
    '(a session token from `POST /api/auth/login` or a personal API token); **admin** needs an admin\'s',
    'token. A `user` sees only the records they own; another user\'s record answers `404`.',
    '',
    table(
      ['method', 'path', 'access', 'summary'],
      ops.map((o) => [o.method, `[${code(o.path)}](#${slug(`${o.method} ${o.path}`)})`, accessOf(o.op), o.op.summary || '']),
    ),
  ];
  for (const tag of tags) {
    lines.push('', `## ${tag}`);
    for (const o of ops.filter((x) => x.tag === tag)) lines.push('', renderOperation(o));
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- the MCP tools page --

function hintsOf(annotations = {}) {
  const yesNo = (v) => (v === undefined ? 'not stated' : v ? 'yes' : 'no');
  return [
    `read-only: ${yesNo(annotations.readOnlyHint)}`,
    `destructive: ${yesNo(annotations.destructiveHint)}`,
    `idempotent: ${yesNo(annotations.idempotentHint)}`,
    `reaches outside Tomo: ${yesNo(annotations.openWorldHint)}`,
  ].join(' · ');
}

function renderTools(tools, meta) {
  const lines = [
    '# MCP tool reference',
    '',
    `<!-- Generated by scripts/docs/generate-reference.js from the MCP tool list. Do not edit: run ${REGENERATE}. -->`,
    '',
    `Every MCP tool of Tomo ${meta.version} with its built-in plugins (${meta.plugins.join(', ')}), as an MCP client`,
    'lists them (`tools/list`), with who may call each one. How to connect a desktop client or an',
    'agent: [MCP guide](../mcp.md). Plugins you install add their own tools, prefixed with the',
    'plugin id.',
    '',
    'Access: **public** tools work before logging in; **authenticated** tools act as the user of the',
    'API token (or of the `login` tool); **admin** tools need an admin. A `user` sees only the records',
    'they own. Arguments are checked strictly: an unknown argument is an error.',
    '',
    'Arguments are snake_case. A result is JSON twice: as text and as structured content, which',
    "follows the tool's `outputSchema` (listed below as the result's fields); its field names are the",
    "HTTP API's (camelCase), for the same data answers the same way through both doors. A failed call",
    'is a tool error (`isError`): the text `code: message`, no structured content; the code, message',
    'and the argument at fault travel in `_meta["tomo/error"]`.',
    '',
    table(
      ['tool', 'title', 'access', 'plugin'],
      tools.map((t) => [`[${code(t.name)}](#${slug(t.name)})`, t.title || '', t.access, t.owner]),
    ),
  ];
  const owners = [...new Set(tools.map((t) => t.owner))];
  for (const owner of owners) {
    lines.push('', `## ${owner}`);
    for (const t of tools.filter((x) => x.owner === owner)) {
      lines.push('', `### ${t.name}`, '');
      if (t.title) lines.push(`**${t.title}**. Access: **${t.access}**.`, '');
      else lines.push(`Access: **${t.access}**.`, '');
      lines.push(t.description, '', `Hints: ${hintsOf(t.annotations)}.`, '');
      const rows = fieldRows(t.inputSchema);
      if (rows.length) lines.push(table(['argument', 'type', 'required', 'rules'], rows.map((r) => [code(r.name), r.type, r.required ? 'yes' : 'no', r.rules])));
      else lines.push('No arguments.');
      const result = fieldRows(t.outputSchema);
      if (result.length) lines.push('', 'Result (structured content):', '', table(['field', 'type', 'notes'], result.map((r) => [code(r.name), r.type, r.rules])));
      else lines.push('', 'Result: no outputSchema (JSON text and unchecked structured content).');
    }
  }
  return `${lines.join('\n')}\n`;
}

// ----------------------------------------------------------------- running Tomo --

function assertBuilt() {
  const missing = ['kernel/dist/index.js', 'bin/tomo.js'].filter((f) => !fs.existsSync(path.join(ROOT, f)));
  for (const dir of fs.readdirSync(path.join(ROOT, 'plugins'))) {
    const pkgFile = path.join(ROOT, 'plugins', dir, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (pkg.tomo && pkg.main && !fs.existsSync(path.join(ROOT, 'plugins', dir, pkg.main))) missing.push(`plugins/${dir}/${pkg.main}`);
  }
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run build\` first`);
}

/** Starts the built Tomo in this process and reads the OpenAPI document and the MCP tools. */
async function collect() {
  assertBuilt();
  const { Kernel, loadConfig } = require(path.join(ROOT, 'kernel'));
  const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-reference-'));
  const config = loadConfig({
    file: null,
    env: {},
    overrides: { dataDir, server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1000 }, log: { level: 'warn', pretty: false, targets: ['file'] } },
  });
  const kernel = new Kernel({ config, builtinPluginDirs: [path.join(ROOT, 'plugins')], version });
  let client;
  try {
    await kernel.start({ listen: true });
    const res = await fetch(`${kernel.url}/api/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    const openapi = await res.json();

    client = new Client({ name: 'tomo-reference-generator', version });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', kernel.url)));
    const listed = [];
    let cursor;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    const registry = new Map(kernel.tools.all().map((e) => [e.definition.name, e]));
    const tools = listed.map((t) => {
      const entry = registry.get(t.name);
      if (!entry) throw new Error(`MCP lists a tool "${t.name}" the registry does not know`);
      return { ...t, access: entry.definition.access, owner: entry.owner };
    });
    const plugins = kernel
      .pluginStatuses()
      .filter((s) => s.kind === 'plugin' && s.state === 'active')
      .map((s) => s.id);
    return { openapi, tools, meta: { version, plugins } };
  } finally {
    await client?.close().catch(() => undefined);
    await kernel.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Renders both pages; returns `{ [fileName]: markdown }`. */
async function generateReference() {
  const { openapi, tools, meta } = await collect();
  return { [FILES.api]: renderApi(openapi, meta), [FILES.tools]: renderTools(tools, meta) };
}

// ------------------------------------------------------------------------- main --

function parseArgs(argv) {
  const args = { out: path.join(ROOT, 'docs', 'reference') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') args.out = path.resolve(argv[++i] || '');
    else if (a.startsWith('--out=')) args.out = path.resolve(a.slice(6));
    else if (a === '-h' || a === '--help') args.help = true;
    else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(
      fs
        .readFileSync(__filename, 'utf8')
        .split('\n')
        .slice(1, 16)
        .map((l) => l.replace(/^\/\/ ?/, ''))
        .join('\n') + '\n',
    );
    return;
  }
  const pages = await generateReference();
  fs.mkdirSync(args.out, { recursive: true });
  for (const [name, text] of Object.entries(pages)) {
    const file = path.join(args.out, name);
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    fs.writeFileSync(file, text);
    process.stdout.write(`${before === text ? 'unchanged' : 'wrote    '}  ${path.relative(process.cwd(), file) || file}\n`);
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`generate-reference: ${err.message}\n`);
      process.exit(1);
    },
  );
}

module.exports = { generateReference, slug, FILES };
