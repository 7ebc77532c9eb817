import fs from 'node:fs';
import path from 'node:path';

/**
 * Just enough Markdown for the docs tests: headings (with GitHub's anchors), fenced code blocks
 * with the HTML-comment markers written on the lines right above them, and links.
 */

export interface Heading {
  text: string;
  level: number;
  line: number;
  /** GitHub's anchor for it, `-1`, `-2`… appended for repeats. */
  slug: string;
}

export interface Fence {
  /** The first word of the info string (`sh`, `console`, `nginx`…), '' when none. */
  lang: string;
  /** The block's text, indentation of the opening fence removed, ending with a newline. */
  content: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** `<!-- key: value -->` comments on the lines directly above the fence (no blank line between). */
  markers: Record<string, string>;
}

export interface Link {
  target: string;
  line: number;
}

export interface ParsedMarkdown {
  headings: Heading[];
  fences: Fence[];
  links: Link[];
  /** Markers anywhere outside fences (file-level settings, e.g. `docs-session`). */
  markers: Array<{ key: string; value: string; line: number }>;
  /** `id="…"` / `name="…"` anchors written as HTML. */
  htmlAnchors: string[];
}

const MARKER = /^\s*<!--\s*([a-z][a-z-]*)\s*:\s*(.*?)\s*-->\s*$/;

/** GitHub's heading anchor: inline markup dropped, lower case, punctuation dropped (`-`, `_` kept), spaces to `-`. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/\*\*?/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Removes inline code spans (links inside them are not links). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)(?:(?!\1).)+?\1/g, (m) => ' '.repeat(m.length));
}

export function parseMarkdown(text: string): ParsedMarkdown {
  const lines = text.split('\n');
  const headings: Heading[] = [];
  const fences: Fence[] = [];
  const links: Link[] = [];
  const markers: ParsedMarkdown['markers'] = [];
  const htmlAnchors: string[] = [];
  const seen = new Map<string, number>();

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)?.*$/.exec(raw);
    if (open) {
      const [, indent, fence, lang = ''] = open;
      const body: string[] = [];
      let j = i + 1;
      const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      for (; j < lines.length && !close.test(lines[j]); j++) {
        body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      }
      const fenceMarkers: Record<string, string> = {};
      for (let k = i - 1; k >= 0; k--) {
        const m = MARKER.exec(lines[k]);
        if (!m) break;
        fenceMarkers[m[1]] = m[2];
      }
      fences.push({ lang: lang.toLowerCase(), content: body.length ? `${body.join('\n')}\n` : '', line: i + 1, markers: fenceMarkers });
      i = j;
      continue;
    }
    const marker = MARKER.exec(raw);
    if (marker) markers.push({ key: marker[1], value: marker[2], line: i + 1 });
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const base = githubSlug(heading[2]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      headings.push({ text: heading[2], level: heading[1].length, line: i + 1, slug: n ? `${base}-${n}` : base });
    }
    const line = withoutCodeSpans(raw);
    for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[1], line: i + 1 });
    const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+".*")?\s*$/.exec(line);
    if (def) links.push({ target: def[1], line: i + 1 });
    for (const m of line.matchAll(/\b(?:href|src)="([^"]+)"/g)) links.push({ target: m[1], line: i + 1 });
    for (const m of line.matchAll(/\b(?:id|name)="([^"]+)"/g)) htmlAnchors.push(m[1]);
  }
  return { headings, fences, links, markers, htmlAnchors };
}

/** A link that does not resolve: where it is and why. */
export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/**
 * Checks the relative links of the given Markdown files: the file or folder exists, and an
 * `#anchor` (in the same file or another Markdown file) matches a heading's GitHub anchor.
 * Web links (`http:`, `https:`, `mailto:`) are not followed.
 */
export function checkLinks(files: readonly string[], root: string): LinkProblem[] {
  const cache = new Map<string, ParsedMarkdown>();
  const parsed = (file: string) => {
    let p = cache.get(file);
    if (!p) {
      p = parseMarkdown(fs.readFileSync(file, 'utf8'));
      cache.set(file, p);
    }
    return p;
  };
  const problems: LinkProblem[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    for (const link of parsed(file).links) {
      const report = (problem: string) => problems.push({ file: rel, line: link.line, target: link.target, problem });
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) {
        if (!/^(https?|mailto):/i.test(link.target)) report('unknown link scheme');
        continue;
      }
      const hashAt = link.target.indexOf('#');
      const pathPart = decodeURIComponent(hashAt < 0 ? link.target : link.target.slice(0, hashAt));
      const anchor = hashAt < 0 ? undefined : decodeURIComponent(link.target.slice(hashAt + 1));
      if (pathPart.startsWith('/')) {
        report('absolute paths do not resolve on GitHub or in a checkout: use a relative link');
        continue;
      }
      const targetFile = pathPart ? path.resolve(path.dirname(file), pathPart) : file;
      if (!fs.existsSync(targetFile)) {
        report(`${path.relative(root, targetFile)} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!targetFile.endsWith('.md') || fs.statSync(targetFile).isDirectory()) {
        report('an #anchor only resolves in a Markdown file');
        continue;
      }
      const target = parsed(targetFile);
      if (!target.headings.some((h) => h.slug === anchor) && !target.htmlAnchors.includes(anchor)) {
        report(`no heading in ${path.relative(root, targetFile)} has the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** Markdown files of a folder and its subfolders, sorted. */
export function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) out.push(full);
  }
  return out.sort();
}
