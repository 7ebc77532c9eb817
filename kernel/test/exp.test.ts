import { startTestKernel } from '@tomo/kernel/testing';
import { makeTempDir, writePluginPackage, removeTempDirs } from './support/temp-dir';
afterAll(removeTempDirs);
test('exp', async () => {
  const dir = makeTempDir();
  writePluginPackage(dir, 'fixture-notes', { name: 'fixture-notes' }, `
const { definePlugin } = require('@tomo/kernel');
const typeorm = require('typeorm');
module.exports = definePlugin({ id: 'fixture-notes', init(ctx) { ctx.logger.info('typeorm ' + typeof typeorm.EntitySchema); } });
`);
  const t = await startTestKernel({ pluginDirs: [dir] });
  console.log(JSON.stringify(t.kernel.pluginStatuses()));
  await t.stop();
});
