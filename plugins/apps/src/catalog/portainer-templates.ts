import fs from 'node:fs';
import { DOCKER_SOCKET_PATHS, FORBIDDEN_HOST_PATHS, parseAppDefinition, RESTART_POLICIES } from './definition-schema';
import type { CatalogIssue } from './issues';
import type { CatalogLoadResult } from './load-yaml-catalog';

/*
 * Portainer app templates, format version 2 (https://docs.portainer.io/advanced/app-templates/format):
 * `{ "version": "2", "templates": [ ... ] }`. Only container templates (type 1) become Tomo apps;
 * stack templates (type 2 swarm, type 3 compose) are reported as skipped. Each template is mapped to
 * a Tomo definition object and then goes through the very same schema as a YAML file, so the same
 * rules apply (image grammar, port ranges, forbidden host paths...). Bind mounts, privileged mode and
 * host networking are turned into explicit `hostAccess` declarations: the app is admin-only and the
 * console shows the warnings, as for a native definition.
 */

/** Default size limit of a template file: the public Portainer template lists are ~100–300 KiB. */
export const PORTAINER_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** At most this many templates are read from one file. */
export const PORTAINER_MAX_TEMPLATES = 5000;

const TYPE_NAMES: Record<number, string> = { 2: 'swarm stack', 3: 'compose stack' };

/** Fields of a v2 container template that Tomo maps. */
const MAPPED = new Set(['type', 'title', 'description', 'categories', 'logo', 'image', 'registry', 'ports', 'volumes', 'env', 'privileged', 'network', 'restart_policy', 'administrator_only', 'note', 'platform']);
/** Fields Tomo ignores silently (presentation or Portainer-only). */
const IGNORED = new Set(['name', 'maintainer']);
/** Fields that change how the container runs, which Tomo does not support: ignored with a warning. */
const UNSUPPORTED = new Set(['command', 'labels', 'hostname', 'interactive', 'entrypoint']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "Nginx Proxy Manager" → "nginx-proxy-manager"; accents dropped; at most 64 characters; never empty. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'app';
}

/** Portainer descriptions and notes may hold HTML: keep the text. */
function plainText(html: string, max: number): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Tomo field → the Portainer field it came from, for error messages. */
function portainerField(field: string): string {
  return field
    .replace(/^name(\.|$)/, 'title$1')
    .replace(/^icon(\.|$)/, 'logo$1')
    .replace(/^restart(\.|$)/, 'restart_policy$1')
    .replace(/^volumes\.(\d+)\.host/, 'volumes.$1.bind')
    .replace(/^volumes\.(\d+)\.readOnly/, 'volumes.$1.readonly');
}

/** Maps the parsed JSON of a Portainer v2 template file. `file` is only used in issues. Never throws. */
export function mapPortainerTemplates(json: unknown, file: string): CatalogLoadResult {
  const result: CatalogLoadResult = { apps: [], errors: [], warnings: [], skipped: [] };
  const issue = (field: string, message: string): CatalogIssue => ({ file, field, message });
  if (!isPlainObject(json)) {
    result.errors.push(issue('', 'must be a Portainer template file: { "version": "2", "templates": [...] }'));
    return result;
  }
  if (json.version !== '2') {
    result.errors.push(issue('version', `Portainer template format ${JSON.stringify(json.version ?? null)} is not supported: only version "2"`));
    return result;
  }
  if (!Array.isArray(json.templates)) {
    result.errors.push(issue('templates', 'must be a list of templates'));
    return result;
  }
  let templates = json.templates as unknown[];
  if (templates.length > PORTAINER_MAX_TEMPLATES) {
    result.errors.push(issue('templates', `holds ${templates.length} templates, more than the limit of ${PORTAINER_MAX_TEMPLATES}: only the first ${PORTAINER_MAX_TEMPLATES} are read`));
    templates = templates.slice(0, PORTAINER_MAX_TEMPLATES);
  }

  const usedIds = new Set<string>();
  templates.forEach((t, i) => {
    const at = `templates.${i}`;
    if (!isPlainObject(t)) return result.errors.push(issue(at, 'must be a template object'));
    const title = str(t.title);
    const label = title ? `"${title}"` : `#${i}`;
    if (t.type !== 1) {
      const kind = typeof t.type === 'number' && TYPE_NAMES[t.type] ? `type ${t.type} (${TYPE_NAMES[t.type]})` : `type ${JSON.stringify(t.type ?? null)}`;
      return result.skipped.push(issue(`${at}.type`, `template ${label} skipped: ${kind} templates are not supported, only container templates (type 1)`));
    }
    if (t.platform !== undefined && t.platform !== 'linux') {
      return result.skipped.push(issue(`${at}.platform`, `template ${label} skipped: platform ${JSON.stringify(t.platform)} is not supported, only linux`));
    }
    if (!title) return result.errors.push(issue(`${at}.title`, 'is required'));

    const warn = (field: string, message: string) => result.warnings.push(issue(`${at}.${field}`, message));
    for (const key of Object.keys(t)) {
      if (UNSUPPORTED.has(key)) warn(key, `${key} is not supported by Tomo and is ignored`);
      else if (!MAPPED.has(key) && !IGNORED.has(key)) warn(key, `unknown Portainer field "${key}" ignored`);
    }

    let id = slugify(title);
    for (let n = 2; usedIds.has(id); n++) id = `${slugify(title).slice(0, 60)}-${n}`;

    const raw: Record<string, unknown> = { id, name: title.slice(0, 100), description: plainText(str(t.description) ?? title, 2000) || title };
    const categories = Array.isArray(t.categories) ? t.categories.filter((c): c is string => typeof c === 'string' && c.trim() !== '') : [];
    raw.category = categories.length > 0 ? slugify(categories[0]) : 'other';
    const tags = [...new Set(categories.slice(1).map(slugify))].slice(0, 16);
    if (tags.length > 0) raw.tags = tags;
    const logo = str(t.logo);
    if (logo && /^https?:\/\//i.test(logo)) raw.icon = logo;
    else if (logo) warn('logo', 'is not an http(s) URL and is ignored');
    const note = str(t.note);
    if (note) raw.notes = plainText(note, 4000);

    let image = t.image;
    const registry = str(t.registry);
    if (typeof image === 'string' && registry) {
      const first = image.split('/')[0];
      const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
      if (!hasRegistry) image = `${registry.replace(/\/+$/, '')}/${image}`;
    }
    raw.image = image;
    if (t.ports !== undefined) raw.ports = t.ports;

    const hostAccess: Record<string, unknown> = {};
    const hostPaths: string[] = [];
    if (Array.isArray(t.volumes)) {
      raw.volumes = t.volumes.map((v) => {
        if (!isPlainObject(v)) return v;
        const out: Record<string, unknown> = { container: v.container };
        const bind = str(v.bind);
        if (bind) {
          out.host = bind;
          if (DOCKER_SOCKET_PATHS.has(bind)) hostAccess.dockerSocket = true;
          else if (bind.startsWith('/') && !FORBIDDEN_HOST_PATHS.has(bind.replace(/\/+$/, '') || '/') && !hostPaths.includes(bind)) hostPaths.push(bind);
        }
        if (v.readonly === true) out.readOnly = true;
        return out;
      });
    } else if (t.volumes !== undefined) raw.volumes = t.volumes;

    if (Array.isArray(t.env)) {
      raw.env = t.env.map((e) => {
        if (!isPlainObject(e)) return e;
        const out: Record<string, unknown> = { name: e.name };
        const envLabel = str(e.label);
        if (envLabel) out.label = envLabel.slice(0, 100);
        const description = str(e.description);
        if (description) out.description = plainText(description, 1000);
        if (Array.isArray(e.select) && e.select.length > 0) {
          const options = e.select.filter(isPlainObject).map((s) => ({ value: String(s.value ?? ''), label: (str(s.text) ?? String(s.value ?? '')).slice(0, 100) }));
          out.options = options;
          const chosen = e.select.find((s) => isPlainObject(s) && s.default === true) as Record<string, unknown> | undefined;
          if (chosen) out.default = String(chosen.value ?? '');
        } else if (e.default !== undefined && e.default !== null) {
          out.default = e.default;
        }
        return out;
      });
    } else if (t.env !== undefined) raw.env = t.env;

    if (t.privileged === true) hostAccess.privileged = true;
    if (t.network === 'host') hostAccess.hostNetwork = true;
    else if (t.network !== undefined && t.network !== '') warn('network', `network ${JSON.stringify(t.network)} is not supported and is ignored (the app gets its own network)`);
    if (hostPaths.length > 0) hostAccess.hostPaths = hostPaths.map((p) => ({ path: p, reason: 'bind mount of the Portainer template' }));
    if (Object.keys(hostAccess).length > 0) hostAccess.reason = 'declared by the Portainer template';
    if (Object.keys(hostAccess).length > 0) raw.hostAccess = hostAccess;

    const restart = str(t.restart_policy);
    if (restart && (RESTART_POLICIES as readonly string[]).includes(restart)) raw.restart = restart;
    else if (restart) warn('restart_policy', `"${restart}" is not a restart policy Tomo knows; unless-stopped is used`);
    if (t.administrator_only === true) raw.adminOnly = true;

    const parsed = parseAppDefinition(raw, file, { strictHostPaths: true });
    const prefix = (i2: CatalogIssue): CatalogIssue => ({ ...i2, field: i2.field ? `${at}.${portainerField(i2.field)}` : at });
    if (!parsed.app) {
      result.errors.push(...parsed.errors.map((e) => ({ ...prefix(e), message: `template ${label}: ${e.message}` })));
      return;
    }
    usedIds.add(id);
    result.warnings.push(...parsed.warnings.map(prefix));
    result.apps.push({ definition: parsed.app, file, entry: at });
  });
  return result;
}

/** Reads and maps a Portainer v2 template file. Never throws: an unreadable or invalid file is one error. */
export async function loadPortainerTemplates(file: string, options: { maxFileBytes?: number } = {}): Promise<CatalogLoadResult> {
  const max = options.maxFileBytes ?? PORTAINER_MAX_FILE_BYTES;
  const fail = (message: string): CatalogLoadResult => ({ apps: [], errors: [{ file, field: '', message }], warnings: [], skipped: [] });
  let text: string;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) return fail('not a regular file');
    if (stat.size > max) return fail(`file is larger than ${max} bytes`);
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    return fail(`cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message}`);
  }
  return mapPortainerTemplates(json, file);
}
