#!/usr/bin/env node
// The Tomo distribution: the kernel plus where this installation keeps its built-in plugins
// and console. The kernel itself imports no plugin; it discovers them in these folders.
'use strict';
const path = require('node:path');
const { runCli } = require('@tomo/kernel');

const root = path.resolve(__dirname, '..');
const { version } = require(path.join(root, 'package.json'));

runCli(
  {
    version,
    builtinPluginDirs: [path.join(root, 'plugins')],
    uiShellDir: path.join(root, 'ui-shell', 'dist'),
  },
  process.argv,
);
