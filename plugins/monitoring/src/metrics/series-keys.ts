import type { DataSource } from 'typeorm';
import { runSql } from '@tomo/kernel';

/**
 * The integer keys samples and rollups are stored under: a server's (`metric_series`) and an
 * installed app's (`container_series`, with the app's server). Created on a series' first
 * sample; known ones kept in memory (a few hundred small entries), so a poll costs no lookup.
 * Only existing keys are cached: a series deleted with its server is dropped from the cache.
 */
export class SeriesKeys {
  private readonly servers = new Map<string, number>();
  private readonly apps = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  /** The server's series, created if it has none yet. */
  async ofServer(serverId: string): Promise<number> {
    const known = await this.findServer(serverId);
    if (known !== null) return known;
    await runSql(this.dataSource, 'INSERT INTO "metric_series" ("serverId") VALUES (?) ON CONFLICT ("serverId") DO NOTHING', [serverId]);
    return (await this.findServer(serverId))!;
  }

  /** The server's series, or null when it has no metrics (never polled, or deleted). */
  async findServer(serverId: string): Promise<number | null> {
    return this.find(this.servers, 'SELECT "id" FROM "metric_series" WHERE "serverId" = ?', serverId);
  }

  /** Several servers' series at once (those that have one), for the dashboard's latest samples. */
  async findServers(serverIds: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const missing: string[] = [];
    for (const id of serverIds) {
      const known = this.servers.get(id);
      if (known === undefined) missing.push(id);
      else found.set(id, known);
    }
    // One query for those not cached yet (after a start, the first dashboard), chunked under SQLite's variable limit.
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const rows: Array<{ id: number; serverId: string }> = await runSql(this.dataSource, `SELECT "id", "serverId" FROM "metric_series" WHERE "serverId" IN (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const r of rows) {
        this.servers.set(r.serverId, Number(r.id));
        found.set(r.serverId, Number(r.id));
      }
    }
    return found;
  }

  /** The installed app's series, created if it has none yet. */
  async ofApp(installationId: string, serverId: string): Promise<number> {
    const known = await this.findApp(installationId);
    if (known !== null) return known;
    await runSql(this.dataSource, 'INSERT INTO "container_series" ("installationId", "serverId") VALUES (?, ?) ON CONFLICT ("installationId") DO NOTHING', [installationId, serverId]);
    return (await this.findApp(installationId))!;
  }

  /** The installed app's series, or null when it has no metrics. */
  async findApp(installationId: string): Promise<number | null> {
    return this.find(this.apps, 'SELECT "id" FROM "container_series" WHERE "installationId" = ?', installationId);
  }

  /** Removes a server's metrics and its apps' (samples, rollups, then the series themselves). */
  async forgetServer(serverId: string): Promise<void> {
    const ofServer = 'SELECT "id" FROM "metric_series" WHERE "serverId" = ?';
    const ofApps = 'SELECT "id" FROM "container_series" WHERE "serverId" = ?';
    for (const table of ['metric_samples', 'metric_rollups']) await runSql(this.dataSource, `DELETE FROM "${table}" WHERE "seriesId" IN (${ofServer})`, [serverId]);
    for (const table of ['container_samples', 'container_rollups']) await runSql(this.dataSource, `DELETE FROM "${table}" WHERE "seriesId" IN (${ofApps})`, [serverId]);
    const apps: Array<{ installationId: string }> = await runSql(this.dataSource, 'SELECT "installationId" FROM "container_series" WHERE "serverId" = ?', [serverId]);
    await runSql(this.dataSource, 'DELETE FROM "container_series" WHERE "serverId" = ?', [serverId]);
    await runSql(this.dataSource, 'DELETE FROM "metric_series" WHERE "serverId" = ?', [serverId]);
    for (const a of apps) this.apps.delete(a.installationId);
    this.servers.delete(serverId);
  }

  private async find(cache: Map<string, number>, sql: string, key: string): Promise<number | null> {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const rows: Array<{ id: number }> = await runSql(this.dataSource, sql, [key]);
    if (!rows.length) return null;
    const id = Number(rows[0].id);
    cache.set(key, id);
    return id;
  }
}
