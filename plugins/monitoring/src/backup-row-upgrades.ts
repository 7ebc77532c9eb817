import type { BackupRowUpgrade, BackupValue } from '@tomo/plugin-backup/api';
import { encodeMetric, isScaled } from './metrics/metric-codec';

type Row = Record<string, BackupValue>;

/** The migration after which samples and rollups are keyed by series integers with scaled values. */
export const SERIES_KEYS_MIGRATION = 'MonitoringSeriesKeys1764900500000';

/**
 * Rows of a backup made before {@link SERIES_KEYS_MIGRATION} (release 0.1, `--include-history`)
 * brought to today's shape, as that migration does on a database: the server's id (an app's
 * installation id) becomes the series integer, looked up or created here (an old backup holds no
 * key tables), and the measured values become metric-codec's integers (the migration's units).
 * A sample's own id is not kept (the migration does not keep it either): the target's samples
 * already use the same small integers, and a row matching one of them by id would be dropped.
 * Backups made since pass through untouched.
 */
export async function upgradeServerMetricRow(row: Row, ctx: BackupRowUpgrade): Promise<Row> {
  if (ctx.backupMigrations.has(SERIES_KEYS_MIGRATION)) return row;
  const { serverId, id: _sampleId, ...rest } = row;
  const server = targetOf(ctx, 'servers', serverId, 'serverId');
  const seriesId = await seriesKey(ctx, 'SELECT id FROM metric_series WHERE "serverId" = ?', [server], 'INSERT INTO metric_series ("serverId") VALUES (?)');
  return encodeValues({ ...rest, seriesId });
}

/** The same for an installed app's samples and rollups (its series remembers the app's server). */
export async function upgradeAppMetricRow(row: Row, ctx: BackupRowUpgrade): Promise<Row> {
  if (ctx.backupMigrations.has(SERIES_KEYS_MIGRATION)) return row;
  const { installationId, serverId, id: _sampleId, ...rest } = row;
  const app = targetOf(ctx, 'app_installations', installationId, 'installationId');
  const server = targetOf(ctx, 'servers', serverId, 'serverId');
  const seriesId = await seriesKey(ctx, 'SELECT id FROM container_series WHERE "installationId" = ?', [app], 'INSERT INTO container_series ("installationId", "serverId") VALUES (?, ?)', [app, server]);
  return encodeValues({ ...rest, seriesId });
}

/** The id on this instance of the row an old column pointed at (the backup's own when it was not carried, as the migration kept it). */
function targetOf(ctx: BackupRowUpgrade, table: string, value: BackupValue, column: string): string {
  if (typeof value !== 'string' || !value) throw new Error(`a row from before ${SERIES_KEYS_MIGRATION} lacks its "${column}"`);
  return ctx.targetId(table, value) ?? value;
}

/**
 * The series' integer, created on its first row. In a check nothing is written: a series not
 * there yet gets 0, which no row is ever stored under (the rows are only counted then).
 */
async function seriesKey(ctx: BackupRowUpgrade, find: string, by: BackupValue[], create: string, values: BackupValue[] = by): Promise<number> {
  const found = await ctx.db.get(find, ...by);
  if (found) return Number(found.id);
  if (ctx.dryRun) return 0;
  return Number((await ctx.db.run(create, ...values)).lastInsertRowid);
}

/** Measured values (release 0.1's floats and bytes) as metric-codec stores them; counts and keys as they are. */
function encodeValues(row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] = isScaled(column) && value !== null ? encodeMetric(column, Number(value)) : value;
  }
  return out;
}
