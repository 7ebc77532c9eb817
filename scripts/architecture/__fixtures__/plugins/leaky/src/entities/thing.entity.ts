import { Entity, PrimaryColumn } from 'typeorm';

@Entity('leaky_things')
export class ThingEntity {
  @PrimaryColumn('text')
  id!: string;
}
