'use strict';
// Screenshots for the user guide, taken by the browser tests at the moment they check a page:
// with TOMO_DOCS_SCREENSHOTS=1 (bash scripts/docs/take-screenshots.sh) each call writes
// docs/images/<name>.png; otherwise it does nothing, so a normal test run never touches the
// repository.
const path = require('node:path');

const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name file name without extension, kebab-case
 */
async function docsScreenshot(page, name) {
  if (process.env.TOMO_DOCS_SCREENSHOTS !== '1') return;
  await page.setViewportSize({ width: 1280, height: 800 });
  // Let colour transitions (a button turning primary) finish, so the picture is what users see.
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(IMAGES, `${name}.png`) });
}

module.exports = { docsScreenshot };
