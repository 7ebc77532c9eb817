import fs from 'node:fs';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { lazyModule } from '@tomo/kernel';
import { parseAppDefinition, type DefinitionResult, type NormalizeOptions } from './definition-schema';
import { parseYamlQuickly } from './fast-yaml';
import type { CatalogLoadResult } from './catalog-types';
import type { CatalogIssue } from './issues';

/** The careful parser (`yaml`, with line numbers): only loaded for a file the quick path gives up on (issue 19, idle memory). */
const yaml = lazyModule<typeof import('yaml')>(require, 'yaml');

export type { CatalogLoadResult, LoadedApp } from './catalog-types';

/** Limits that keep a hostile or broken file from costing more than a normal one. */
export interface YamlLimits {
  /** Bytes per file (default 64 KiB; the largest curated definition is ~4 KiB). */
  maxFileBytes: number;
  /** Nesting depth of mappings and lists (default 12; the format itself needs 5). */
  maxDepth: number;
  /** YAML aliases (`*name`) per file, against "billion laughs" expansion (default 20). */
  maxAliasCount: number;
  /** Definition files per folder (default 10,000); further files are reported, not read. */
  maxFiles: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = Object.freeze({
  maxFileBytes: 64 * 1024,
  maxDepth: 12,
  maxAliasCount: 20,
  maxFiles: 10_000,
});

export interface YamlCatalogOptions extends NormalizeOptions {
  limits?: Partial<YamlLimits>;
  /**
   * Results of earlier loads by file, reused when a file's text is unchanged: a reload then costs
   * a read per file instead of a YAML parse and validation (most of the time of a load). One cache
   * per source, since the options (limits, strictness) are part of the result.
   */
  cache?: Map<string, { text: string; result: DefinitionResult }>;
}

const firstLine = (message: string) => message.split('\n')[0].replace(/:$/, '');

/** Depth of the deepest collection in a YAML node tree (aliases count as leaves, so cycles end). */
function depthExceeds(node: unknown, max: number, depth = 0): boolean {
  if (yaml().isMap(node) || yaml().isSeq(node)) {
    if (depth + 1 > max) return true;
    for (const item of node.items as unknown[]) {
      if (yaml().isPair(item)) {
        if (depthExceeds(item.key, max, depth + 1) || depthExceeds(item.value, max, depth + 1)) return true;
      } else if (depthExceeds(item, max, depth + 1)) return true;
    }
  }
  return false;
}

/** 1-based line of the deepest existing node along a dotted field path. */
function lineOf(doc: Document, counter: LineCounter, field: string): number | undefined {
  if (!field) return undefined;
  const segments = field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n > 0; n--) {
    let node: unknown;
    try {
      node = doc.getIn(segments.slice(0, n), true);
    } catch {
      node = undefined;
    }
    if (yaml().isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parses one definition from YAML text: size, syntax, depth and alias limits, then the schema.
 * Never throws; `file` is only used in the issues.
 */
export function parseYamlDefinition(text: string, file: string, options: YamlCatalogOptions = {}): DefinitionResult {
  const limits = { ...DEFAULT_YAML_LIMITS, ...options.limits };
  const fail = (message: string, line?: number): DefinitionResult => ({
    errors: [{ file, field: '', message, ...(line ? { line } : {}) }],
    warnings: [],
  });
  if (Buffer.byteLength(text, 'utf8') > limits.maxFileBytes) return fail(`file is larger than ${limits.maxFileBytes} bytes`);

  // Most files are plain and valid: read them the quick way. Anything else (or any problem found)
  // goes the careful way below, which gives each problem its line.
  const quick = parseYamlQuickly(text, limits.maxDepth);
  if (quick) {
    const result = parseAppDefinition(quick, file, options);
    if (result.app && result.errors.length === 0 && result.warnings.length === 0) return result;
  }

  const counter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true, strict: true, version: '1.2' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return fail(`not valid YAML: ${firstLine(e.message)}`, e.linePos?.[0].line);
  }
  if (depthExceeds(doc.contents, limits.maxDepth)) return fail(`nesting is deeper than ${limits.maxDepth} levels`);
  if (yaml().isAlias(doc.contents)) return fail('must be a mapping of keys (id:, name:, image:, ...)');

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    return fail(`not usable YAML: ${firstLine((err as Error).message)} (at most ${limits.maxAliasCount} aliases)`);
  }
  if (value === null || value === undefined || (yaml().isScalar(doc.contents) && doc.contents.value === null)) return fail('file is empty');
  if (typeof value !== 'object' || Array.isArray(value)) return fail('must be a mapping of keys (id:, name:, image:, ...)');

  const result = parseAppDefinition(value, file, options);
  const withLine = (i: CatalogIssue): CatalogIssue => {
    const line = lineOf(doc, counter, i.field);
    return line ? { ...i, line } : i;
  };
  const yamlWarnings: CatalogIssue[] = doc.warnings.map((w) => ({ file, field: '', message: firstLine(w.message), ...(w.linePos ? { line: w.linePos[0].line } : {}) }));
  return {
    ...(result.app ? { app: result.app } : {}),
    errors: result.errors.map(withLine),
    warnings: [...yamlWarnings, ...result.warnings.map(withLine)],
  };
}

/**
 * Reads at most `max + 1` bytes of a regular file: enough to tell it is too large without reading it
 * all. Synchronous on purpose: for small files it is ~10x cheaper than four async round trips through
 * the thread pool each (1,000 files: ~12 ms against ~160 ms); `loadYamlCatalog` yields to the event
 * loop between files instead. O_NONBLOCK keeps a FIFO from blocking the open.
 */
export function readLimited(file: string, max: number): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: 'not a regular file' };
    if (stat.size > max) return { error: `file is larger than ${max} bytes` };
    // One spare byte: filling it means the file grew since fstat (past the limit, or just changing).
    const buffer = Buffer.allocUnsafe(Math.min(max, stat.size) + 1);
    let length = 0;
    for (;;) {
      const bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return decode(buffer.subarray(0, length));
      length += bytesRead;
      if (length === buffer.length) return { error: length > max ? `file is larger than ${max} bytes` : 'file changed while being read' };
    }
  } catch (err) {
    return { error: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function decode(bytes: Buffer): { text: string } | { error: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'file is not UTF-8 text' };
  }
}

/** Longest stretch of work, in ms, before letting other requests run during a load. */
const SLICE_MS = 10;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const DEFINITION_FILE = /^[^.].*\.ya?ml$/i;

/**
 * Loads every `*.yaml` / `*.yml` file of a folder (not its subfolders; dot-files are ignored), one app
 * per file, in file-name order. A broken file is reported with its path and the field at fault and
 * left out; the others still load. Two files with the same id: the first (by file name) is kept,
 * the second is an error. Never throws (a missing folder is one error).
 */
export async function loadYamlCatalog(dir: string, options: YamlCatalogOptions = {}): Promise<CatalogLoadResult> {
  const limits = { ...DEFAULT_YAML_LIMITS, ...options.limits };
  const result: CatalogLoadResult = { apps: [], errors: [], warnings: [], skipped: [] };
  let names: string[];
  try {
    names = (await fs.promises.readdir(dir, { withFileTypes: true }))
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && DEFINITION_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    result.errors.push({ file: dir, field: '', message: `cannot read catalog folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return result;
  }
  if (names.length > limits.maxFiles) {
    result.errors.push({ file: dir, field: '', message: `holds ${names.length} definition files, more than the limit of ${limits.maxFiles}: only the first ${limits.maxFiles} (by name) are read` });
    names = names.slice(0, limits.maxFiles);
  }

  const parsed: Array<{ file: string; result: DefinitionResult }> = [];
  let sliceStart = performance.now();
  for (const name of names) {
    const file = path.join(dir, name);
    const read = readLimited(file, limits.maxFileBytes);
    if ('error' in read) {
      parsed.push({ file, result: { errors: [{ file, field: '', message: read.error }], warnings: [] } });
    } else {
      const cached = options.cache?.get(file);
      const result = cached && cached.text === read.text ? cached.result : parseYamlDefinition(read.text, file, options);
      options.cache?.set(file, { text: read.text, result });
      parsed.push({ file, result });
    }
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }

  const byId = new Map<string, string>();
  for (const { file, result: r } of parsed) {
    result.errors.push(...r.errors);
    result.warnings.push(...r.warnings);
    if (!r.app) continue;
    const first = byId.get(r.app.id);
    if (first) {
      result.errors.push({ file, field: 'id', message: `duplicate id "${r.app.id}": already defined by ${path.basename(first)} in the same folder; this file is skipped` });
      continue;
    }
    byId.set(r.app.id, file);
    const base = path.basename(file).replace(/\.ya?ml$/i, '');
    if (base !== r.app.id) result.warnings.push({ file, field: 'id', message: `id "${r.app.id}" differs from the file name; name the file ${r.app.id}.yaml` });
    result.apps.push({ definition: r.app, file });
  }
  return result;
}
