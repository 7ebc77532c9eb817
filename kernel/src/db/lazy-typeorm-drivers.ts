import Module from 'node:module';

/** Node.js's CommonJS loader entry point (undocumented but stable; require hooks use it). */
type LoadFunction = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: LoadFunction };

/** TypeORM's driver factory, the one module that requires every database driver. */
const DRIVER_FACTORY = /[\\/]typeorm[\\/]driver[\\/]DriverFactory\.js$/;
/** What it requires for a driver: `./postgres/PostgresDriver`, `./better-sqlite3/BetterSqlite3Driver`... */
const DRIVER_REQUEST = /^\.\/[\w-]+\/\w+Driver$/;

/**
 * Runs `load` (which requires TypeORM) while TypeORM's driver factory gets stand-ins for its
 * drivers: each driver module (with its query runner) loads on its first use, when a DataSource
 * of that type is created.
 *
 * Why: TypeORM's index loads its DriverFactory, which requires all 17 drivers up front (MySQL,
 * Oracle, SQL Server, MongoDB, React Native...), ~1.4 MB of source text that V8 keeps in the heap
 * for the life of the process (issue 19, idle memory). Tomo uses one: better-sqlite3, or postgres
 * when `database.url` says so; whichever the configuration asks for still loads, since each
 * stand-in requires the real module (from the factory, as the factory would) on first access.
 *
 * The hook is in place only while `load` runs and only answers the factory's driver requires; a
 * TypeORM laid out differently simply loads its drivers as before. Under a loader that does not
 * go through `Module._load` (jest) nothing changes either.
 */
export function withLazyTypeormDrivers<T>(load: () => T): T {
  const original = loader._load;
  if (typeof original !== 'function') return load();
  const hook: LoadFunction = function loadDriverLazily(this: unknown, request, parent, isMain) {
    if (parent?.filename && DRIVER_FACTORY.test(parent.filename) && DRIVER_REQUEST.test(request)) {
      return lazyExports(() => parent.require(request) as object);
    }
    return original.call(this, request, parent, isMain);
  };
  loader._load = hook;
  try {
    return load();
  } finally {
    // Put back unless someone hooked on top of us meanwhile (then theirs stays, calling ours).
    if (loader._load === hook) loader._load = original;
  }
}

/**
 * A module's exports that requires the module on the first property read (`X_1.XDriver`, how
 * compiled TypeScript uses an import), and from then on reads the real exports.
 */
export function lazyExports(load: () => object): object {
  let real: object | undefined;
  return new Proxy(
    {},
    {
      get: (_target, key) => Reflect.get((real ??= load()), key),
      has: (_target, key) => Reflect.has((real ??= load()), key),
    },
  );
}
