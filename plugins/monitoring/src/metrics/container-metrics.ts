import type { DataSource } from 'typeorm';
import type { Clock, Principal } from '@tomo/kernel';
import type { AppsApi } from '@tomo/plugin-apps/api';
import type { ContainerStatus } from './container-watch';
import { CONTAINER_SERIES } from './rollups';
import type { SeriesKeys } from './series-keys';
import { readSeries, type Period } from './series-history';

const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** One app's figures over a period (`get_app_metrics`, `GET /api/metrics/apps/:id`). */
export class ContainerMetrics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apps: AppsApi,
    private readonly clock: Clock,
    private readonly statusOf: (serverId: string, installationId: string) => ContainerStatus | null,
    private readonly keys: SeriesKeys,
  ) {}

  /**
   * Averages (and CPU minima/maxima, memory maxima) per time bucket, at most 288
   * points, read like a server's (24h: 5-minute rollups, 7d: hourly, 30d: 3-hourly, the latest
   * minutes from raw samples); 404 for an app the principal may not see.
   */
  async history(principal: Principal, installationId: string, period: Period) {
    const app = await this.apps.recordedOwned(principal, installationId);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const series = await readSeries(this.dataSource, CONTAINER_SERIES, await this.keys.findApp(app.id), period, now);
    return {
      installationId: app.id,
      serverId: app.serverId,
      appId: app.appId,
      appName: app.appName,
      period,
      bucketSeconds: series.bucketSeconds,
      resolution: series.resolution,
      current: this.statusOf(app.serverId, app.id),
      points: series.rows.map((r) => ({
        at: new Date(r.bucket * 1000).toISOString(),
        cpuPercent: round(r.cpuPercentAvg),
        cpuPercentMin: round(r.cpuPercentMin),
        cpuPercentMax: round(r.cpuPercentMax),
        memBytes: round(r.memBytesAvg, 0),
        memBytesMax: r.memBytesMax,
        samples: r.samples ?? 0,
      })),
    };
  }
}
