import { StepFailure } from '../step-failure';
import type { DetectedOs } from '../preparer-types';

/** `/etc/os-release` (or `uname -m`) does not say what Tomo needs. */
export class OsReleaseError extends StepFailure {
  constructor(message: string) {
    super(message);
    this.name = 'OsReleaseError';
  }
}

/** Characters a backslash escapes inside double quotes (shell rules, as os-release(5) asks). */
const DOUBLE_QUOTE_ESCAPES = new Set(['"', '\\', '$', '`']);

/**
 * One value, shell style: unquoted, "double-quoted" (backslash escapes `"`, `\`, `$` and
 * backtick; before anything else it stays), 'single-quoted' (literal), or segments of these
 * side by side. Outside quotes a backslash escapes any character and trailing blanks are dropped.
 * An unterminated quote runs to the end of the line (the file is the system's: be lenient).
 */
function parseValue(raw: string): string {
  let out = '';
  let pendingBlanks = '';
  let i = 0;
  const emit = (s: string) => {
    out += pendingBlanks + s;
    pendingBlanks = '';
  };
  while (i < raw.length) {
    const c = raw[i];
    if (c === '"') {
      let segment = '';
      i++;
      while (i < raw.length && raw[i] !== '"') {
        if (raw[i] === '\\' && i + 1 < raw.length && DOUBLE_QUOTE_ESCAPES.has(raw[i + 1])) {
          segment += raw[i + 1];
          i += 2;
        } else segment += raw[i++];
      }
      i++;
      emit(segment);
    } else if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      emit(end === -1 ? raw.slice(i + 1) : raw.slice(i + 1, end));
      i = end === -1 ? raw.length : end + 1;
    } else if (c === '\\') {
      if (i + 1 < raw.length) emit(raw[i + 1]);
      i += 2;
    } else if (c === ' ' || c === '\t') {
      pendingBlanks += c;
      i++;
    } else {
      emit(c);
      i++;
    }
  }
  return out;
}

/** All `KEY=value` assignments of an os-release file; comments, blank and malformed lines are skipped, the last assignment wins. */
export function parseOsReleaseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trimStart();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) fields.set(match[1], parseValue(match[2]));
  }
  return fields;
}

/**
 * What `/etc/os-release` and `uname -m` say about a server. `ID` is required; `VERSION_ID` too,
 * except that a rolling release (Arch: no `VERSION_ID`, `BUILD_ID=rolling`) gives its `BUILD_ID`,
 * so it is named as such in the "unsupported OS" message.
 */
export function parseOsRelease(text: string, architecture: string): DetectedOs {
  const fields = parseOsReleaseFields(text);
  const get = (key: string): string | null => {
    const value = fields.get(key)?.trim();
    return value ? value : null;
  };
  const id = get('ID');
  if (!id) throw new OsReleaseError('/etc/os-release has no ID field: Tomo cannot tell which Linux distribution this server runs');
  const versionId = get('VERSION_ID') ?? get('BUILD_ID');
  if (!versionId) {
    throw new OsReleaseError(`/etc/os-release has no VERSION_ID field: Tomo cannot tell which release of ${get('PRETTY_NAME') ?? id} this server runs`);
  }
  const arch = architecture.trim();
  if (!arch) throw new OsReleaseError('The server did not report its architecture (uname -m printed nothing)');
  return {
    id: id.toLowerCase(),
    versionId,
    idLike: (get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    // Ubuntu has both; older files may have only UBUNTU_CODENAME.
    codename: get('VERSION_CODENAME') ?? get('UBUNTU_CODENAME'),
    prettyName: get('PRETTY_NAME') ?? ([get('NAME'), get('VERSION')].filter(Boolean).join(' ') || 'Linux'),
    architecture: arch,
  };
}
