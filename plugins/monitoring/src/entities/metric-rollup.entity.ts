import { Column, Entity, PrimaryColumn } from 'typeorm';
import { storedAs } from '../metrics/metric-codec';

/** Named so that it cannot collide with the key of the table this one replaced (migration 1764900500000). */
const PK = 'PK_metric_rollups_by_series';

/**
 * A server's samples of one time bucket, rolled up: `resolution` is the bucket length in seconds
 * (300 or 3600), `ts` the bucket's start in epoch seconds. Averages count only the samples that
 * had the value (`cpuPercentSamples` of them for CPU, which is missing on a server's first poll).
 * Written by the rollup job only (metrics/rollups.ts); WITHOUT ROWID: the key is the only index.
 */
@Entity({ name: 'metric_rollups', withoutRowid: true })
export class MetricRollupEntity {
  /** `metric_series.id`: the server. */
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: PK })
  seriesId: number;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: PK })
  resolution: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: PK })
  ts: number;

  /** Raw samples in the bucket. */
  @Column({ type: 'integer' })
  samples: number;

  @Column({ type: 'integer' })
  cpuPercentSamples: number;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentMin') })
  cpuPercentMin: number | null;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentAvg') })
  cpuPercentAvg: number | null;

  /** Stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercentMax') })
  cpuPercentMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memUsedBytesAvg') })
  memUsedBytesAvg: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memUsedBytesMax') })
  memUsedBytesMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memTotalBytesMax') })
  memTotalBytesMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('diskUsedBytesAvg') })
  diskUsedBytesAvg: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('diskUsedBytesMax') })
  diskUsedBytesMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('diskTotalBytesMax') })
  diskTotalBytesMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('dockerDiskUsedBytesAvg') })
  dockerDiskUsedBytesAvg: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('dockerDiskUsedBytesMax') })
  dockerDiskUsedBytesMax: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('dockerDiskTotalBytesMax') })
  dockerDiskTotalBytesMax: number | null;

  /** Stored in hundredths (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('load1Avg') })
  load1Avg: number | null;

  /** Stored in hundredths (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('load1Max') })
  load1Max: number | null;

  /** Stored in tenths of a millisecond (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('latencyMsAvg') })
  latencyMsAvg: number | null;

  /** Stored in tenths of a millisecond (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('latencyMsMax') })
  latencyMsMax: number | null;
}
