import { startTestKernel, type TestKernel, type TestKernelOptions } from '@tomo/kernel/testing';

/** Starts a kernel expecting start-up to be refused; returns the error (fails the test if it starts). */
export async function startupError(options: TestKernelOptions): Promise<Error> {
  let t: TestKernel | undefined;
  try {
    t = await startTestKernel({ listen: false, ...options });
  } catch (err) {
    return err as Error;
  }
  await t.stop();
  throw new Error('expected start-up to be refused, but the kernel started');
}
