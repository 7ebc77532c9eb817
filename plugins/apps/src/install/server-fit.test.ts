import { checkServerFit } from './server-fit';
import { appOf } from './test-fixtures';

const app = appOf({ requirements: { memory: '512M', architectures: ['amd64', 'arm64'] } });

test.each([
  ['x86_64', undefined],
  ['aarch64', undefined],
  ['armv7l', /published for amd64, arm64; this server is arm\/v7 \(armv7l\)/],
  ['riscv64', /this server is riscv64/],
])('architecture %s', (architecture, error) => {
  const fit = checkServerFit(app, { architecture, memoryBytes: null });
  if (error) expect(fit.error).toMatch(error);
  else expect(fit.error).toBeUndefined();
});

test('less memory than wanted is a warning, not an error', () => {
  expect(checkServerFit(app, { architecture: 'x86_64', memoryBytes: 256 * 1024 * 1024 })).toEqual({ warnings: [expect.stringMatching(/wants 512 MiB of memory; this server has 256 MiB/)] });
  expect(checkServerFit(app, { architecture: 'x86_64', memoryBytes: 1024 * 1024 * 1024 }).warnings).toEqual([]);
});

test('unknown facts and unstated requirements pass', () => {
  expect(checkServerFit(app, null)).toEqual({ warnings: [] });
  expect(checkServerFit(app, { architecture: 'weird-cpu', memoryBytes: null })).toEqual({ warnings: [] });
  expect(checkServerFit(appOf(), { architecture: 'armv7l', memoryBytes: 1 })).toEqual({ warnings: [] });
});
