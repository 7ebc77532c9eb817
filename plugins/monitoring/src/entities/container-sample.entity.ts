import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One poll of one running Tomo-managed container (read from its cgroup). `ts` in epoch seconds. */
@Entity({ name: 'container_samples' })
@Index('IDX_container_samples_installation_ts', ['installationId', 'ts'])
@Index('IDX_container_samples_ts', ['ts'])
export class ContainerSampleEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36 })
  installationId: string;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;

  @Column({ type: 'bigint' })
  ts: number;

  /** Share of the whole server's CPU since the previous poll, in percent. */
  @Column({ type: 'float', nullable: true })
  cpuPercent: number | null;

  @Column({ type: 'bigint', nullable: true })
  memBytes: number | null;
}
