import { Column, Entity, PrimaryColumn } from 'typeorm';

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

  @Column({ type: 'float', nullable: true })
  cpuPercentMin: number | null;

  @Column({ type: 'float', nullable: true })
  cpuPercentAvg: number | null;

  @Column({ type: 'float', nullable: true })
  cpuPercentMax: number | null;

  @Column({ type: 'float', nullable: true })
  memUsedBytesAvg: number | null;

  @Column({ type: 'bigint', nullable: true })
  memUsedBytesMax: number | null;

  @Column({ type: 'bigint', nullable: true })
  memTotalBytesMax: number | null;

  @Column({ type: 'float', nullable: true })
  diskUsedBytesAvg: number | null;

  @Column({ type: 'bigint', nullable: true })
  diskUsedBytesMax: number | null;

  @Column({ type: 'bigint', nullable: true })
  diskTotalBytesMax: number | null;

  @Column({ type: 'float', nullable: true })
  dockerDiskUsedBytesAvg: number | null;

  @Column({ type: 'bigint', nullable: true })
  dockerDiskUsedBytesMax: number | null;

  @Column({ type: 'bigint', nullable: true })
  dockerDiskTotalBytesMax: number | null;

  @Column({ type: 'float', nullable: true })
  load1Avg: number | null;

  @Column({ type: 'float', nullable: true })
  load1Max: number | null;

  @Column({ type: 'float', nullable: true })
  latencyMsAvg: number | null;

  @Column({ type: 'float', nullable: true })
  latencyMsMax: number | null;
}
