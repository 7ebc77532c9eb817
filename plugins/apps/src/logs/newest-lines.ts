import type { LogLine } from './log-line';

const byTime = (a: LogLine, b: LogLine) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

/** Whether `lines` are already in time order (ties keep their order): how Docker reads them back, nearly always. */
function inTimeOrder(lines: readonly LogLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if (lines[i - 1].time > lines[i].time) return false;
  return true;
}

/**
 * The newest `count` lines of several containers' reads, oldest first: the same lines in the same
 * order as concatenating the reads, sorting them stably by time and keeping the last `count`
 * (equal times: the earlier read first, then the order within a read), without that sort. A read
 * that is already in time order (Docker's own order, nearly always) is not sorted; the reads are
 * then merged from their ends, so only the lines kept are visited. Reads may be reordered in place.
 */
export function newestLines(reads: LogLine[][], count: number): LogLine[] {
  for (const read of reads) if (!inTimeOrder(read)) read.sort(byTime);
  if (reads.length === 1) return reads[0].length > count ? reads[0].slice(-count) : reads[0];
  // Walk back from the newest line of every read; on equal times the later read's line is newer
  // in the stable order, so the highest read index wins.
  const next = reads.map((read) => read.length - 1);
  const out: LogLine[] = [];
  while (out.length < count) {
    let pick = -1;
    for (let r = reads.length - 1; r >= 0; r--) {
      if (next[r] < 0) continue;
      if (pick < 0 || reads[r][next[r]].time > reads[pick][next[pick]].time) pick = r;
    }
    if (pick < 0) break;
    out.push(reads[pick][next[pick]--]);
  }
  return out.reverse();
}
