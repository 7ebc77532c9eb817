export class LeakyError extends Error {}
