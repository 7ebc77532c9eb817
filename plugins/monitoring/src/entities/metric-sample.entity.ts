import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { storedAs } from '../metrics/metric-codec';

/** One poll of one server (its `metric_series` row). `ts` is the time in epoch seconds (what the charts group by). */
@Entity({ name: 'metric_samples' })
@Index('IDX_metric_samples_series_ts', ['seriesId', 'ts'])
export class MetricSampleEntity {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'PK_metric_samples_by_series' })
  id: number;

  /** `metric_series.id`: the server. */
  @Column({ type: 'integer' })
  seriesId: number;

  @Column({ type: 'bigint' })
  ts: number;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercent') })
  cpuPercent: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memTotalBytes') })
  memTotalBytes: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memUsedBytes') })
  memUsedBytes: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('diskTotalBytes') })
  diskTotalBytes: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('diskUsedBytes') })
  diskUsedBytes: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('dockerDiskTotalBytes') })
  dockerDiskTotalBytes: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('dockerDiskUsedBytes') })
  dockerDiskUsedBytes: number | null;

  /** Stored in hundredths (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('load1') })
  load1: number | null;

  /** Stored in hundredths (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('load5') })
  load5: number | null;

  /** Stored in hundredths (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('load15') })
  load15: number | null;

  @Column({ type: 'bigint', nullable: true })
  uptimeSeconds: number | null;

  /** Stored in tenths of a millisecond (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('latencyMs') })
  latencyMs: number | null;
}
