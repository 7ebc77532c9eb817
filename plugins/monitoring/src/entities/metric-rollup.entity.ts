import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A server's samples of one time bucket, rolled up: `resolution` is the bucket length in seconds
 * (300 or 3600), `ts` the bucket's start in epoch seconds. Averages count only the samples that
 * had the value (`cpuPercentSamples` of them for CPU, which is missing on a server's first poll).
 * Written by the rollup job only (metrics/rollups.ts); WITHOUT ROWID: the key is the only index.
 */
@Entity({ name: 'metric_rollups', withoutRowid: true })
export class MetricRollupEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  serverId: string;

  @PrimaryColumn({ type: 'integer' })
  resolution: number;

  @PrimaryColumn({ type: 'bigint' })
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
