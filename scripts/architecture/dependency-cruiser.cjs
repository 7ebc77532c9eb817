/**
 * Import rules for plugin contracts (issue 15, item 1), checked by dependency-cruiser:
 *   npx depcruise plugins/*\/src --config scripts/architecture/dependency-cruiser.cjs
 * and by scripts/architecture/contracts.test.ts. Type-only imports count: a circle made of
 * `import type` is still a contract that cannot be read without its implementation.
 */
const API = '(^|/)plugins/[^/]+/src/api\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circle-through-api',
      comment: "A plugin's api.ts is a contract: services import hooks.ts / tokens.ts, never the api.ts that describes them.",
      severity: 'error',
      from: { path: '(^|/)plugins/[^/]+/src/' },
      to: { circular: true, via: { path: API } },
    },
    {
      name: 'no-entity-behind-api',
      comment: 'Nothing reachable from an api.ts may be a TypeORM entity (or use TypeORM at all): other plugins get plain data.',
      severity: 'error',
      from: { path: API },
      to: { path: ['\\.entity\\.ts$', '(^|/)node_modules/typeorm/'], reachable: true },
    },
  ],
  options: {
    // The kernel is every plugin's dependency and uses TypeORM itself; what counts is what a contract pulls in of its plugin.
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)kernel/'] },
    exclude: { path: ['\\.test\\.ts$', '(^|/)__fixtures__/', '(^|/)dist/', '(^|/)test-fixtures\\.ts$'] },
    tsPreCompilationDeps: true,
    webpackConfig: { fileName: `${__dirname}/resolve-sources.cjs` },
  },
};
