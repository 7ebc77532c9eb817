// A contract as issue 15 found them: it hands out its implementation.
export type { LeakyService } from './services/leaky-service';
export { LeakyError } from './errors';
export * from './entities/thing.entity';
export const leakyHooks = Object.freeze({ changed: 'leaky.changed' });
