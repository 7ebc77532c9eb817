import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { loadConfig } from './load-config';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-config-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function yamlFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test('defaults: localhost:8080, ./data, logs and database inside the data folder, all absolute', () => {
  const c = loadConfig({ file: null, env: {} });
  expect(c.server).toEqual({ host: '127.0.0.1', port: 8080, bodyLimitBytes: 1024 * 1024, trustProxy: false, shutdownGraceMs: 10000 });
  expect(c.dataDir).toBe(path.resolve('data'));
  expect(c.logDir).toBe(path.join(path.resolve('data'), 'logs'));
  expect(c.database).toEqual({ kind: 'sqlite', file: path.join(path.resolve('data'), 'tomo.db'), busyTimeoutMs: 5000 });
  expect(c.log).toEqual({ level: 'info', pretty: false, targets: ['file', 'stdout'] });
  expect(c.plugins).toEqual({ dirs: [], disabled: [] });
  expect(c.mcp).toEqual({ sessionIdleMs: 30 * 60 * 1000 });
  expect(c.sections).toEqual({});
  expect(Object.isFrozen(c)).toBe(true);
});

test.each([
  ['a word', 'x'],
  ['a negative number', -1],
  ['a number over 65535', 70000],
  ['a fraction', 80.5],
])('a bad server.port (%s) is refused naming server.port', (_name, port) => {
  const err = configError(() => loadConfig({ file: null, env: {}, overrides: { server: { port } } }));
  expect(err.key).toBe('server.port');
  expect(err.message).toMatch(/^Invalid configuration: server\.port: /);
});

test('a bad server.port in the YAML file is named the same way', () => {
  const file = yamlFile('bad-port.yaml', 'server:\n  port: "x"\n');
  expect(configError(() => loadConfig({ file, env: {} })).message).toMatch(/^Invalid configuration: server\.port: /);
});

test.each([
  ['log.level', { log: { level: 'verbose' } }],
  ['server.bodyLimitBytes', { server: { bodyLimitBytes: 10 } }],
  ['plugins.dirs.1', { plugins: { dirs: ['/ok', ''] } }],
  ['server.trustProxy', { server: { trustProxy: 'yes' } }],
  ['mcp.sessionIdleMs', { mcp: { sessionIdleMs: 5 } }],
])('other kernel keys are named too: %s', (key, overrides) => {
  const err = configError(() => loadConfig({ file: null, env: {}, overrides }));
  expect(err.key).toBe(key);
  expect(err.message.startsWith(`Invalid configuration: ${key}: `)).toBe(true);
});

test.each([
  ['an unknown target', { log: { targets: ['file', 'syslog'] } }, 'log.targets.1', /Invalid option: expected one of "file"\|"stdout"/],
  ['no target at all', { log: { targets: [] } }, 'log.targets', /needs at least one target \(file, stdout\)/],
  ['a target named twice', { log: { targets: ['stdout', 'stdout'] } }, 'log.targets', /names a target twice/],
  ['a string instead of a list', { log: { targets: 'stdout' } }, 'log.targets', /expected array/],
])('log.targets: %s is refused naming the key and the rule', (_name, overrides, key, rule) => {
  const err = configError(() => loadConfig({ file: null, env: {}, overrides }));
  expect(err.key).toBe(key);
  expect(err.message).toMatch(rule);
});

test('log.targets: file and stdout by default, from the file, or from TOMO_LOG_TARGETS as a comma list', () => {
  expect(loadConfig({ file: null, env: {} }).log.targets).toEqual(['file', 'stdout']);
  const file = yamlFile('targets.yaml', 'log:\n  targets: [stdout]\n');
  expect(loadConfig({ file, env: {} }).log.targets).toEqual(['stdout']);
  expect(loadConfig({ file, env: { TOMO_LOG_TARGETS: 'file, stdout' } }).log.targets).toEqual(['file', 'stdout']);
  expect(configError(() => loadConfig({ file: null, env: { TOMO_LOG_TARGETS: 'file,journal' } })).key).toBe('log.targets.1');
});

test('an unknown key inside a kernel section is refused (strict), naming the section and the key', () => {
  const err = configError(() => loadConfig({ file: null, env: {}, overrides: { server: { prot: 1 } } }));
  expect(err.key).toBe('server');
  expect(err.message).toContain('prot');
});

test('a file that is not valid YAML is refused naming the file', () => {
  const file = yamlFile('broken.yaml', 'server:\n  port: [1, 2\n  host: x\n');
  const err = configError(() => loadConfig({ file, env: {} }));
  expect(err.message.startsWith(`Config file ${file} is not valid YAML: `)).toBe(true);
});

test('a YAML file that is not a mapping is refused; an empty one is fine', () => {
  const list = yamlFile('list.yaml', '- a\n- b\n');
  expect(configError(() => loadConfig({ file: list, env: {} })).message).toBe(`Config file ${list} must hold a mapping of keys`);
  const empty = yamlFile('empty.yaml', '# nothing yet\n');
  expect(loadConfig({ file: empty, env: {} }).server.port).toBe(8080);
});

test('a config file that cannot be read is refused naming the file and why (not as bad YAML)', () => {
  const folder = fs.mkdtempSync(path.join(dir, 'a-folder-'));
  const err = configError(() => loadConfig({ file: folder, env: {} }));
  expect(err.message).toMatch(new RegExp(`^Config file ${folder} cannot be read: EISDIR`));
  expect(err.message).not.toMatch(/YAML/);
});

test('an explicit config file that does not exist is an error (TOMO_CONFIG too)', () => {
  const missing = path.join(dir, 'missing.yaml');
  expect(configError(() => loadConfig({ file: missing, env: {} })).message).toBe(`Config file ${missing} does not exist`);
  expect(configError(() => loadConfig({ env: { TOMO_CONFIG: missing } })).message).toBe(`Config file ${missing} does not exist`);
});

describe('precedence: defaults < file < environment < overrides', () => {
  const file = () =>
    yamlFile(
      'full.yaml',
      [
        'server:',
        '  host: 10.0.0.1',
        '  port: 1111',
        '  bodyLimitBytes: 4096',
        'dataDir: /srv/from-file',
        'logDir: /var/log/from-file',
        'plugins:',
        '  dirs: [/opt/from-file]',
        '  disabled: [backup]',
        'database:',
        '  busyTimeoutMs: 100',
        'servers:',
        '  sshTimeoutMs: 3000',
        '',
      ].join('\n'),
    );

  test('the file sets kernel keys; other top-level keys become plugin sections', () => {
    const c = loadConfig({ file: file(), env: {} });
    expect(c.server).toMatchObject({ host: '10.0.0.1', port: 1111, bodyLimitBytes: 4096 });
    expect(c.dataDir).toBe('/srv/from-file');
    expect(c.logDir).toBe('/var/log/from-file');
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/from-file/tomo.db', busyTimeoutMs: 100 });
    expect(c.plugins).toEqual({ dirs: ['/opt/from-file'], disabled: ['backup'] });
    expect(c.sections).toEqual({ servers: { sshTimeoutMs: 3000 } });
  });

  test('TOMO_PORT, TOMO_HOST, TOMO_DATA_DIR, TOMO_LOG_DIR and TOMO_PLUGIN_DIRS take precedence over the file', () => {
    const c = loadConfig({
      file: file(),
      env: {
        TOMO_PORT: '2222',
        TOMO_HOST: '0.0.0.0',
        TOMO_DATA_DIR: '/srv/from-env',
        TOMO_LOG_DIR: '/var/log/from-env',
        TOMO_PLUGIN_DIRS: ['/opt/a', '', '/opt/b'].join(path.delimiter),
      },
    });
    expect(c.server).toMatchObject({ host: '0.0.0.0', port: 2222, bodyLimitBytes: 4096 });
    expect(c.dataDir).toBe('/srv/from-env');
    expect(c.logDir).toBe('/var/log/from-env');
    expect(c.database).toMatchObject({ kind: 'sqlite', file: '/srv/from-env/tomo.db' });
    expect(c.plugins.dirs).toEqual(['/opt/a', '/opt/b']);
    expect(c.plugins.disabled).toEqual(['backup']);
  });

  test('the remaining environment variables, and TOMO_CONFIG naming the file', () => {
    const c = loadConfig({
      env: {
        TOMO_CONFIG: file(),
        TOMO_TRUST_PROXY: '1',
        TOMO_LOG_LEVEL: 'debug',
        TOMO_LOG_PRETTY: 'true',
        TOMO_DATABASE_FILE: '/srv/db/tomo.sqlite',
        TOMO_HOST: '',
      },
    });
    expect(c.server.trustProxy).toBe(true);
    expect(c.server.host).toBe('10.0.0.1'); // an empty variable is ignored
    expect(c.log).toEqual({ level: 'debug', pretty: true, targets: ['file', 'stdout'] });
    expect(c.database).toMatchObject({ kind: 'sqlite', file: '/srv/db/tomo.sqlite' });
    expect(loadConfig({ file: null, env: { TOMO_TRUST_PROXY: 'no', TOMO_LOG_PRETTY: '0' } })).toMatchObject({ server: { trustProxy: false }, log: { pretty: false } });
  });

  test('a bad TOMO_PORT is named as server.port', () => {
    expect(configError(() => loadConfig({ file: null, env: { TOMO_PORT: 'eighty' } })).key).toBe('server.port');
  });

  test('overrides (CLI flags) win over the environment, merging deeply', () => {
    const c = loadConfig({ file: file(), env: { TOMO_PORT: '2222', TOMO_HOST: '0.0.0.0' }, overrides: { server: { port: '3333' }, servers: { extra: true } } });
    expect(c.server).toMatchObject({ host: '0.0.0.0', port: 3333, bodyLimitBytes: 4096 });
    expect(c.sections).toEqual({ servers: { sshTimeoutMs: 3000, extra: true } });
  });
});

test('relative folders are resolved against the current directory, once', () => {
  const c = loadConfig({ file: null, env: { TOMO_DATA_DIR: 'rel/data', TOMO_PLUGIN_DIRS: 'rel/plugins' } });
  expect(c.dataDir).toBe(path.resolve('rel/data'));
  expect(c.plugins.dirs).toEqual([path.resolve('rel/plugins')]);
});
