// The benchmarks start `tomo serve` with the shipped unit's Environment= lines (bench/lib/service-env.js),
// so a runtime setting shipped in packaging/tomo.service is what they measure.
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS bench helper
const serviceEnv = require(path.join(__dirname, '..', '..', 'bench', 'lib', 'service-env.js')) as {
  parseUnitEnvironment(text: string): Record<string, string>;
  serviceEnvironment(): Record<string, string>;
};

test('reads every Environment= assignment, quoted ones with spaces, and nothing else', () => {
  const unit = ['[Service]', 'ExecStart=/usr/bin/tomo serve', 'Environment=A=1 "B=x y"', '# Environment=C=commented', 'Environment=D=4'].join('\n');
  expect(serviceEnv.parseUnitEnvironment(unit)).toEqual({ A: '1', B: 'x y', D: '4' });
});

test("the shipped unit's environment caps glibc's arenas (issue 19, idle memory)", () => {
  expect(serviceEnv.serviceEnvironment()).toMatchObject({ MALLOC_ARENA_MAX: '2' });
});
