/**
 * Test helpers for plugin authors: `import { startTestKernel } from '@tomo/kernel/testing'`.
 * Covered by the kernel API version like the main entry point.
 *
 * @module @tomo/kernel/testing
 */
export { startTestKernel, type TestKernel, type TestKernelOptions } from './start-test-kernel';
