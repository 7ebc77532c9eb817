/**
 * What the Logs view does with lines on the console side: the service filter and the search
 * (case-insensitive, split into parts so a match can be marked without building HTML), and the
 * text of a download.
 */
import type { LogLineView } from '../api';

/** A piece of a line's text; `match` pieces are what the search found. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** The lines of `service` ('' for all) whose text contains `search` (any case; '' for all). */
export function filterLines(lines: readonly LogLineView[], service: string, search: string): LogLineView[] {
  const needle = search.toLocaleLowerCase();
  return lines.filter((l) => (!service || l.service === service) && (!needle || l.text.toLocaleLowerCase().includes(needle)));
}

/** `text` cut at every occurrence of `search` (any case), the occurrences marked. */
export function highlight(text: string, search: string): TextPart[] {
  if (!search) return [{ text, match: false }];
  const lower = text.toLocaleLowerCase();
  const needle = search.toLocaleLowerCase();
  const parts: TextPart[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}

/** The lines as a plain-text file: time, service, stream and text per line (secrets already masked by the server). */
export function logFileText(lines: readonly LogLineView[]): string {
  return lines.map((l) => `${l.time} ${l.service} ${l.stream} ${l.text}\n`).join('');
}

/** A file name for the download: the app and the time, nothing a file system would refuse. */
export function logFileName(appName: string, now = new Date()): string {
  const app = appName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'app';
  return `${app}-logs-${now.toISOString().replace(/[:.]/g, '-')}.txt`;
}
