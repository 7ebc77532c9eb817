import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import type { Clock, Principal } from '@tomo/kernel';
import type { AppsService } from '@tomo/plugin-apps/api';
import { ContainerSampleEntity } from '../entities/container-sample.entity';
import type { ContainerStatus } from './container-watch';
import { MAX_POINTS, type Period } from './metrics-service';

const PERIOD_SECONDS: Record<Period, number> = { '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** One app's figures over a period (`get_app_metrics`, `GET /api/metrics/apps/:id`). */
export class ContainerMetrics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apps: AppsService,
    private readonly clock: Clock,
    private readonly statusOf: (serverId: string, installationId: string) => ContainerStatus | null,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(ContainerSampleEntity);
  }

  /** Averages (and CPU maxima) per time bucket, at most {@link MAX_POINTS} points; 404 for an app the principal may not see. */
  async history(principal: Principal, installationId: string, period: Period) {
    const app = await this.apps.recordedOwned(principal, installationId);
    const span = PERIOD_SECONDS[period];
    const bucket = Math.ceil(span / MAX_POINTS);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const rows = await this.repo
      .createQueryBuilder('s')
      .select('s.ts - (s.ts % :bucket)', 'bucket')
      .addSelect('AVG(s.cpuPercent)', 'cpuPercent')
      .addSelect('MAX(s.cpuPercent)', 'cpuPercentMax')
      .addSelect('AVG(s.memBytes)', 'memBytes')
      .addSelect('MAX(s.memBytes)', 'memBytesMax')
      .addSelect('COUNT(*)', 'samples')
      .where('s.installationId = :id', { id: app.id })
      .andWhere('s.ts > :since', { since: now - span })
      .groupBy('s.ts - (s.ts % :bucket)')
      .orderBy('bucket', 'ASC')
      .setParameter('bucket', bucket)
      .getRawMany<Record<string, unknown>>();
    return {
      installationId: app.id,
      serverId: app.serverId,
      appId: app.appId,
      appName: app.appName,
      period,
      bucketSeconds: bucket,
      current: this.statusOf(app.serverId, app.id),
      points: rows.map((r) => ({
        at: new Date(Number(r.bucket) * 1000).toISOString(),
        cpuPercent: round(n(r.cpuPercent)),
        cpuPercentMax: round(n(r.cpuPercentMax)),
        memBytes: round(n(r.memBytes), 0),
        memBytesMax: n(r.memBytesMax),
        samples: Number(r.samples),
      })),
    };
  }

  async forgetServer(serverId: string): Promise<void> {
    await this.repo.delete({ serverId });
  }

  async prune(days: number): Promise<number> {
    const cutoff = Math.floor(this.clock.now().getTime() / 1000) - days * 86400;
    return (await this.repo.delete({ ts: LessThan(cutoff) })).affected ?? 0;
  }
}
