import { loadTestbed } from '../scripts/testbed/testbed.js';

/**
 * For test files about PostgreSQL itself (`*.postgres.test.ts`: several instances, the move to
 * it, backups across engines): their test kernels run on the test bed's PostgreSQL in whichever
 * jest run picks them up (jest gives each file its own process.env, so no other file is moved).
 * They run in the main run, which measures coverage. Fails, never skips, without the test bed.
 */
export function useTestbedPostgres(): string {
  process.env.TOMO_TEST_DATABASE_URL ||= loadTestbed().postgres.url;
  return process.env.TOMO_TEST_DATABASE_URL;
}
