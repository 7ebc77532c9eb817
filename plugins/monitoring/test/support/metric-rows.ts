import type { DataSource } from 'typeorm';
import { runSql } from '@tomo/kernel';

/**
 * Rows of the metric tables as tests count them: samples and rollups are keyed by a series'
 * integer (`metric_series` for a server, `container_series` for an installed app). Counting by
 * that integer, taken before a deletion, also catches rows a deletion left behind.
 */
export async function serverSeries(ds: DataSource, serverId: string): Promise<number | null> {
  const rows: Array<{ id: number }> = await runSql(ds, 'SELECT id FROM metric_series WHERE "serverId" = ?', [serverId]);
  return rows.length ? Number(rows[0].id) : null;
}

export async function appSeries(ds: DataSource, installationId: string): Promise<number | null> {
  const rows: Array<{ id: number }> = await runSql(ds, 'SELECT id FROM container_series WHERE "installationId" = ?', [installationId]);
  return rows.length ? Number(rows[0].id) : null;
}

/** Rows of `table` under series `seriesId` (0 when it has none). */
export async function rowsOf(ds: DataSource, table: 'metric_samples' | 'metric_rollups' | 'container_samples' | 'container_rollups', seriesId: number | null): Promise<number> {
  if (seriesId === null) return 0;
  return Number((await runSql(ds, `SELECT COUNT(*) AS n FROM ${table} WHERE "seriesId" = ?`, [seriesId]))[0].n);
}
