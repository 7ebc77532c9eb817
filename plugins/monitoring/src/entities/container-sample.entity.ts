import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { storedAs } from '../metrics/metric-codec';

/** One poll of one running Tomo-managed container (read from its cgroup). `ts` in epoch seconds. */
@Entity({ name: 'container_samples' })
@Index('IDX_container_samples_series_ts', ['seriesId', 'ts'])
export class ContainerSampleEntity {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'PK_container_samples_by_series' })
  id: number;

  /** `container_series.id`: the installed app (and through it, its server). */
  @Column({ type: 'integer' })
  seriesId: number;

  @Column({ type: 'bigint' })
  ts: number;

  /** Share of the whole server's CPU since the previous poll, in percent; stored in hundredths of a percent (metric-codec). */
  @Column({ type: 'integer', nullable: true, transformer: storedAs('cpuPercent') })
  cpuPercent: number | null;

  /** Stored in KiB (metric-codec). */
  @Column({ type: 'bigint', nullable: true, transformer: storedAs('memBytes') })
  memBytes: number | null;
}
