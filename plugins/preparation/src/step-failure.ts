/**
 * A step failed: `message` is the actionable sentence; `detail` the output's tail (redacted).
 * Internal to the preparation plugin (a third-party step fails with `mustRunAsRoot`'s `failure`
 * message, or by throwing any error), so the contract in `api.ts` stays free of classes.
 */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}
