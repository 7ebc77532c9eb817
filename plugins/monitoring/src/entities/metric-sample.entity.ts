import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

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

  @Column({ type: 'float', nullable: true })
  cpuPercent: number | null;

  @Column({ type: 'bigint', nullable: true })
  memTotalBytes: number | null;

  @Column({ type: 'bigint', nullable: true })
  memUsedBytes: number | null;

  @Column({ type: 'bigint', nullable: true })
  diskTotalBytes: number | null;

  @Column({ type: 'bigint', nullable: true })
  diskUsedBytes: number | null;

  @Column({ type: 'bigint', nullable: true })
  dockerDiskTotalBytes: number | null;

  @Column({ type: 'bigint', nullable: true })
  dockerDiskUsedBytes: number | null;

  @Column({ type: 'float', nullable: true })
  load1: number | null;

  @Column({ type: 'float', nullable: true })
  load5: number | null;

  @Column({ type: 'float', nullable: true })
  load15: number | null;

  @Column({ type: 'bigint', nullable: true })
  uptimeSeconds: number | null;

  @Column({ type: 'float', nullable: true })
  latencyMs: number | null;
}
