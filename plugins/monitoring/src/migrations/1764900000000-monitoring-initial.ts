import type { MigrationInterface } from 'typeorm';

/**
 * Created the activity log's table until the log moved to the activity plugin, whose migration
 * `ActivityLog1765100000000` now creates it (or adopts it where this one ran). Kept, empty, under
 * its name: existing databases record it as run, and TypeORM reverts only migrations it knows.
 */
export class MonitoringInitial1764900000000 implements MigrationInterface {
  name = 'MonitoringInitial1764900000000';

  async up(): Promise<void> {}

  async down(): Promise<void> {}
}
