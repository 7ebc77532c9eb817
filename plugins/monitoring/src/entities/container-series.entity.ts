import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A Tomo-managed container's metric series (one per installed app): the integer its samples and
 * rollups are keyed by, and the server it runs on (so a server's app metrics go with it).
 */
@Entity({ name: 'container_series' })
@Index('IDX_container_series_server', ['serverId'])
export class ContainerSeriesEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 36, unique: true })
  installationId: string;

  @Column({ type: 'varchar', length: 36 })
  serverId: string;
}
