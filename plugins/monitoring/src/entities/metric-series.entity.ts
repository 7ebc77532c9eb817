import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A server's metric series: the small integer its samples and rollups are keyed by, instead of
 * the server's 36-character id (repeated in every one of millions of rows, it was most of the
 * database). One row per server that has ever been polled; removed with the server's metrics.
 */
@Entity({ name: 'metric_series' })
export class MetricSeriesEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36, unique: true })
  serverId: string;
}
