/**
 * Resolution for dependency-cruiser (read as a webpack config: only `resolve` is used): each
 * workspace package's public entry points at its source, so the graph is the source graph, and
 * a new plugin is covered without editing this file.
 */
const fs = require('node:fs');
const path = require('node:path');

// The tree being checked: dependency-cruiser runs from its root (the repository, or a fixture tree in the test).
const ROOT = process.cwd();
const plugins = fs.readdirSync(path.join(ROOT, 'plugins')).filter((id) => fs.existsSync(path.join(ROOT, 'plugins', id, 'src', 'api.ts')));

module.exports = {
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    alias: {
      '@tomo/kernel$': path.join(ROOT, 'kernel', 'src', 'index.ts'),
      ...Object.fromEntries(plugins.map((id) => [`@tomo/plugin-${id}/api$`, path.join(ROOT, 'plugins', id, 'src', 'api.ts')])),
    },
  },
};
