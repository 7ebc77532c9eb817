// Two projects: the backend (kernel and plugins, Node, compiled by swc with decorator
// metadata for tsyringe/TypeORM) and the console (Vue components in jsdom).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// age-encryption and its @noble/@scure dependencies ship only as ES modules; jest's module
// system loads CommonJS, so these are compiled like our own sources.
const ESM_PACKAGES = ['age-encryption', '@noble', '@scure', 'openid-client', 'oauth4webapi', 'jose'];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

const sharedMappers = {
  '^@tomo/kernel$': '<rootDir>/kernel/src/index.ts',
  '^@tomo/kernel/testing$': '<rootDir>/kernel/src/testing/index.ts',
  '^@tomo/plugin-([a-z-]+)/api$': '<rootDir>/plugins/$1/src/api.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // Many backend tests spawn real processes (tomo, sshd, containers, Chromium) and hash with
  // bcrypt cost 12: jest's 5 s default is too tight on a loaded 2-core CI machine.
  testTimeout: 30000,
  // One worker, whatever the machine: the value CI's 2 cores always gave (jest's default is
  // cores - 1), now fixed so a many-core machine does not run a dozen e2e files at once against
  // the one test sshd and Docker engine. Each e2e file already runs Tomo, sshd sessions, dockerd
  // work and often Chromium beside the worker: together they use both cores, and the load and
  // fault tests time what they measure.
  maxWorkers: 1,
  // The packaging tests last (their packages are built in the background meanwhile).
  testSequencer: '<rootDir>/test-support/test-sequencer.js',
  coverageReporters: ['text-summary', 'text', 'json-summary'],
  coverageDirectory: 'coverage',
  // What coverage counts: product code only (not tests, helpers or build configs).
  collectCoverageFrom: [
    'kernel/src/**/*.ts',
    'plugins/*/src/**/*.ts',
    'ui-shell/src/**/*.{ts,vue}',
    'plugins/*/ui/**/*.{ts,vue}',
    '!**/*.test.ts',
    '!**/*.d.ts',
    '!**/vite.config.ts',
    '!**/test-fixtures.ts',
    '!**/test-utils/**',
  ],
  // The spec's gate: >= 90% line coverage of the kernel and of each plugin's backend.
  coverageThreshold: {
    './kernel/src/': { lines: 90 },
    './plugins/auth/src/': { lines: 90 },
    './plugins/servers/src/': { lines: 90 },
    './plugins/preparation/src/': { lines: 90 },
    './plugins/apps/src/': { lines: 90 },
    './plugins/backup/src/': { lines: 90 },
    './plugins/monitoring/src/': { lines: 90 },
    './plugins/activity/src/': { lines: 90 },
    './plugins/alerts/src/': { lines: 90 },
    './plugins/terminal/src/': { lines: 90 },
  },
  projects: [
    {
      displayName: 'backend',
      testEnvironment: 'node',
      roots: ['<rootDir>/kernel', '<rootDir>/plugins', '<rootDir>/scripts', '<rootDir>/rpm', '<rootDir>/deb', '<rootDir>/examples', '<rootDir>/test-support'],
      testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts', '**/scripts/**/*.test.ts', '<rootDir>/test-support/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/ui/'],
      transform: { '^.+\\.ts$': swc, [`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: swcJs },
      transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
      moduleNameMapper: sharedMappers,
      setupFiles: ['reflect-metadata'],
      // Before each file: remove app containers and Compose networks an earlier file left behind.
      setupFilesAfterEnv: ['<rootDir>/test-support/leftover-apps.ts'],
    },
    {
      displayName: 'console',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
      roots: ['<rootDir>/ui-shell/src', '<rootDir>/plugins'],
      testMatch: ['**/ui-shell/src/**/*.test.ts', '**/plugins/*/ui/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      moduleFileExtensions: ['ts', 'js', 'json', 'vue'],
      // .vue: a small SFC compiler + swc transform (see the file for why not @vue/vue3-jest).
      transform: { '^.+\\.vue$': '<rootDir>/ui-shell/test-support/vue-jest-transform.cjs', '^.+\\.ts$': swc },
      moduleNameMapper: {
        ...sharedMappers,
        '^@tomo/ui-shell/kit$': '<rootDir>/ui-shell/src/kit/index.ts',
        '\\.(css)$': '<rootDir>/ui-shell/test-support/style-stub.cjs',
      },
      setupFiles: ['<rootDir>/ui-shell/test-support/jsdom-setup.cjs'],
    },
  ],
};
