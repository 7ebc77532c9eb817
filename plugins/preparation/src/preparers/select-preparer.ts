import { StepFailure } from '../step-failure';
import type { DetectedOs, OsPreparer } from '../preparer-types';

/** No preparer supports the server's OS; the message lists what is supported. */
export class UnsupportedOsError extends StepFailure {
  constructor(
    message: string,
    readonly os: DetectedOs,
  ) {
    super(message);
    this.name = 'UnsupportedOsError';
  }
}

/**
 * The first preparer that supports the OS (built-in ones first, then those plugins added), or
 * an {@link UnsupportedOsError}: `unsupported OS <id> <version>; supported: <every preparer's list>`.
 */
export function selectPreparer(preparers: readonly OsPreparer[], os: DetectedOs): OsPreparer {
  const preparer = preparers.find((candidate) => candidate.supports(os));
  if (preparer) return preparer;
  const supported = preparers.flatMap((candidate) => candidate.supported);
  throw new UnsupportedOsError(`unsupported OS ${os.id} ${os.versionId}; supported: ${supported.join(', ')}`, os);
}
