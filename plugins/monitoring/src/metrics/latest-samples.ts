import type { DataSource } from 'typeorm';
import { MetricSampleEntity } from '../entities/metric-sample.entity';
import type { SeriesKeys } from './series-keys';

/**
 * The newest sample of each server, kept in memory: the poller hands over each sample it writes,
 * and what is not known yet (after a start) is read in one query and kept. The dashboard's
 * summary and the servers list read it on every refresh of every open console; from memory they
 * cost no query while the poller is writing. Cleared when retention removes samples, so a server
 * whose samples all aged out shows none, as the database does.
 */
export class LatestSamples {
  private readonly byServer = new Map<string, MetricSampleEntity>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SeriesKeys,
  ) {}

  /** A sample the poller has just written (newer than any stored for the server). */
  record(serverId: string, sample: MetricSampleEntity): void {
    this.byServer.set(serverId, sample);
  }

  forget(serverId: string): void {
    this.byServer.delete(serverId);
  }

  clear(): void {
    this.byServer.clear();
  }

  /** The newest sample of each of these servers that has one. */
  async of(serverIds: readonly string[]): Promise<Map<string, MetricSampleEntity>> {
    const found = new Map<string, MetricSampleEntity>();
    const missing: string[] = [];
    for (const id of serverIds) {
      const known = this.byServer.get(id);
      if (known) found.set(id, known);
      else missing.push(id);
    }
    if (!missing.length) return found;
    const series = await this.keys.findServers(missing);
    if (!series.size) return found;
    const serverOf = new Map([...series].map(([serverId, seriesId]) => [seriesId, serverId]));
    // One index seek per series (its newest row by (seriesId, ts)), chunked under SQLite's variable limit.
    const ids = [...series.values()];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const samples = await this.dataSource
        .getRepository(MetricSampleEntity)
        .createQueryBuilder('m')
        .where(`m.id IN (SELECT (SELECT s.id FROM metric_samples s WHERE s."seriesId" = k.id ORDER BY s.ts DESC, s.id DESC LIMIT 1) FROM metric_series k WHERE k.id IN (:...chunk))`, { chunk })
        .getMany();
      for (const s of samples) {
        const serverId = serverOf.get(Number(s.seriesId))!;
        // A poll that wrote meanwhile has the newer sample: keep it.
        if (!this.byServer.has(serverId)) this.byServer.set(serverId, s);
        found.set(serverId, this.byServer.get(serverId)!);
      }
    }
    return found;
  }
}
