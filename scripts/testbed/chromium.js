'use strict';
// Launches the test bed's Chromium (Debian's package) through playwright-core. Never downloads
// a browser. The flags keep it from reaching for the network, which is closed here.
const { chromium } = require('playwright-core');
const { loadTestbed } = require('./testbed');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * @returns {Promise<import('playwright-core').Browser>}
 */
async function launchChromium() {
  const { chromium: executablePath } = loadTestbed();
  return chromium.launch({ executablePath, args: FLAGS });
}

module.exports = { launchChromium };
