import type { ImportSummary } from '../api';

/** The import summary as a person reads it on a terminal. */
export function formatSummary(s: ImportSummary): string {
  const out: string[] = [];
  out.push(`Backup of Tomo ${s.source.tomoVersion}, made ${s.source.createdAt}${s.source.includesHistory ? ' (with history)' : ''}.`);
  out.push(s.applied ? 'Imported:' : `Importing would (conflicts: ${s.onConflict}):`);
  for (const t of s.tables) {
    if (t.absent) {
      out.push(`  ${t.label}: ${t.inBackup} in the backup, not carried (this Tomo has no such table)`);
      continue;
    }
    out.push(`  ${t.label}: ${t.inBackup} in the backup, ${t.added} added, ${t.replaced} replaced, ${t.skipped} skipped`);
  }
  for (const c of s.catalogs) out.push(`  catalog "${c.name}": ${c.files} file(s) ${s.applied ? 'restored to' : 'to restore to'} ${c.restoredTo} (add it to catalog.dirs to use it)`);
  if (s.conflictCount) {
    out.push(`Conflicts (${s.conflictCount}, ${s.onConflict === 'skip' ? 'kept as they are here' : 'replaced by the backup'}):`);
    for (const c of s.conflicts) out.push(`  ${c.what}: ${c.action}`);
    if (s.conflictCount > s.conflicts.length) out.push(`  ... and ${s.conflictCount - s.conflicts.length} more`);
  }
  if (s.applied) out.push('Restart Tomo (systemctl restart tomo) so every part of it works from the imported data.');
  return `${out.join('\n')}\n`;
}
