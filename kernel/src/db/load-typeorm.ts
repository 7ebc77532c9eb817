/**
 * Loads TypeORM once, early (the kernel's index imports this first), with its unused database
 * drivers left out until a DataSource asks for one (see lazy-typeorm-drivers.ts; issue 19, idle
 * memory). Every later `import ... from 'typeorm'` gets the module loaded here.
 */
import { withLazyTypeormDrivers } from './lazy-typeorm-drivers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must run inside the hook, so no static import
withLazyTypeormDrivers(() => require('typeorm'));
