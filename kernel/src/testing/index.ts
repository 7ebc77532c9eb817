/** Test helpers for plugin authors: `import { startTestKernel } from '@tomo/kernel/testing'`. */
export { startTestKernel, type TestKernel, type TestKernelOptions } from './start-test-kernel';
