import { AsyncSeriesBailHook, AsyncSeriesHook, SyncBailHook } from 'tapable';
import type { Principal, Transport } from '../access/principal';
import { defineHookSet } from './hook-set';

/** What an authenticator sees of a request: the credential, never the whole request. */
export interface AuthenticationRequest {
  /** The bearer token (from `Authorization: Bearer`, the console cookie or the MCP session). */
  readonly credential: string;
  /** Which door the request came through. */
  readonly transport: Transport;
  /** The client's address, as in {@link CallContext.clientIp}. */
  readonly clientIp: string;
}

/** Facts about the started kernel, given to the `started` hook. */
export interface StartedInfo {
  /** The base URL the HTTP server listens on, when it listens. */
  readonly url?: string;
  /** Ids of the plugins that started (active), in start order. */
  readonly plugins: readonly string[];
}

/** The kernel's own lifecycle hooks. Tap with your plugin id as the tap name. */
export const kernelHooks = defineHookSet('kernel', () => ({
  /**
   * Turns a credential into a Principal. The auth plugin taps it; the first tap that returns
   * a principal wins. Returning undefined means "not mine / not valid".
   */
  authenticate: new AsyncSeriesBailHook<[AuthenticationRequest], Principal | undefined>(['request']),
  /**
   * Asked before `authenticate`, synchronously: a tap that knows the credential from memory, with
   * every check `authenticate` would make already passed and nothing left to wait for, returns its
   * principal; otherwise undefined (never a guess), and `authenticate` decides. Why: most requests
   * carry a credential seen moments ago, and the promises of an asynchronous hook were a large
   * part of what each one cost (issue 19). A credential `authenticate` would refuse must never be
   * answered here: revocation and disabling forget it first.
   */
  authenticateKnown: new SyncBailHook<[AuthenticationRequest], Principal | undefined>(['request']),
  /** All plugins initialised, migrations applied, HTTP listening (when serving). */
  started: new AsyncSeriesHook<[StartedInfo]>(['info']),
  /** Shutdown has begun: stop background work. Runs before plugins' `shutdown`. */
  stopping: new AsyncSeriesHook<[]>([]),
}));

/** The type of the kernel's hook set: what `ctx.hooks.of(kernelHooks)` returns. */
export type KernelHooks = ReturnType<(typeof kernelHooks)['create']>;
