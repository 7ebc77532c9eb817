import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { lazyExports, withLazyTypeormDrivers } from './lazy-typeorm-drivers';

type LoadFunction = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: LoadFunction; _cache: Record<string, unknown> };
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A folder laid out like TypeORM's driver/ folder; `loaded` says whether Node.js loaded the driver. */
function fakeTypeorm(): { factory: NodeJS.Module; loaded: () => boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-lazy-drivers-'));
  tempDirs.push(dir);
  const driverDir = path.join(dir, 'typeorm', 'driver');
  fs.mkdirSync(path.join(driverDir, 'postgres'), { recursive: true });
  fs.writeFileSync(path.join(driverDir, 'postgres', 'PostgresDriver.js'), 'exports.PostgresDriver = class PostgresDriver {};\n');
  fs.writeFileSync(path.join(driverDir, 'Other.js'), 'exports.other = 1;\n');
  const factory = new Module(path.join(driverDir, 'DriverFactory.js'));
  factory.filename = path.join(driverDir, 'DriverFactory.js');
  factory.paths = [];
  const driverFile = path.join(driverDir, 'postgres', 'PostgresDriver.js');
  return { factory, loaded: () => driverFile in loader._cache };
}

describe('withLazyTypeormDrivers', () => {
  it("gives the driver factory a stand-in that loads the driver on first use, and only the factory's driver requires", () => {
    const { factory, loaded } = fakeTypeorm();
    const original = loader._load;
    const { driver, other } = withLazyTypeormDrivers(() => ({
      driver: loader._load('./postgres/PostgresDriver', factory, false) as { PostgresDriver: new () => object },
      other: loader._load('./Other', factory, false) as { other: number },
    }));
    expect(loader._load).toBe(original); // the hook is gone once TypeORM is loaded
    expect(other.other).toBe(1); // not a driver: loaded as usual
    expect(loaded()).toBe(false);
    const instance = new driver.PostgresDriver();
    expect(instance.constructor.name).toBe('PostgresDriver');
    expect(loaded()).toBe(true);
    expect(new driver.PostgresDriver()).toBeInstanceOf(driver.PostgresDriver);
  });

  it('takes the hook away even when loading throws', () => {
    const original = loader._load;
    expect(() =>
      withLazyTypeormDrivers(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(loader._load).toBe(original);
  });
});

describe('lazyExports', () => {
  it('loads once, on the first property read or `in` check', () => {
    let loads = 0;
    const exports = lazyExports(() => ({ loads: ++loads, name: 'x' })) as { loads: number; name: string };
    expect(loads).toBe(0);
    expect('name' in exports).toBe(true);
    expect(exports.name).toBe('x');
    expect(exports.loads).toBe(1);
    expect(loads).toBe(1);
  });
});

// The real thing, in a plain Node.js process (jest's own module system bypasses Module._load):
// the built kernel loads TypeORM without its drivers, and both drivers Tomo supports still work.
test('the built kernel loads no TypeORM driver until a DataSource needs one; better-sqlite3 and postgres both load then', () => {
  const kernel = path.join(REPO_ROOT, 'kernel', 'dist', 'index.js');
  if (!fs.existsSync(kernel)) throw new Error('kernel/dist/index.js is missing: run npm run build first');
  const script = `
    require(${JSON.stringify(kernel)});
    const drivers = () => Object.keys(require.cache).filter((f) => /[\\\\/]typeorm[\\\\/]driver[\\\\/].*Driver\\.js$/.test(f)).map((f) => f.split(/[\\\\/]/).pop()).sort();
    const out = { atStart: drivers() };
    const { DataSource } = require('typeorm');
    const sqlite = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    out.sqlite = sqlite.driver.constructor.name;
    try {
      out.postgres = new DataSource({ type: 'postgres', url: 'postgres://tomo@127.0.0.1:1/tomo' }).driver.constructor.name;
    } catch (err) {
      // Without the pg package TypeORM's PostgresDriver itself says so: the driver module loaded.
      out.postgres = err.name === 'DriverPackageNotInstalledError' && /pg/.test(err.message) ? 'PostgresDriver' : String(err);
    }
    out.after = drivers();
    sqlite.initialize().then(() => sqlite.query('SELECT 1 AS one')).then((rows) => {
      out.query = rows;
      process.stdout.write(JSON.stringify(out));
    });
  `;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20000 });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({
    atStart: [],
    sqlite: 'BetterSqlite3Driver',
    postgres: 'PostgresDriver',
    after: ['AbstractSqliteDriver.js', 'BetterSqlite3Driver.js', 'PostgresDriver.js'],
    query: [{ one: 1 }],
  });
});
