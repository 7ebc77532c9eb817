/**
 * `@tomo/ui-shell/kit`: what a console panel may use from the shell. The shell and every panel
 * share one copy at run time (through the import map, `/vendor/kit.js`), so the session, the
 * toasts and the API client's 401 handling are the same everywhere. The look comes from the
 * shell's stylesheet: panels use these components and the `t-` classes, and need no CSS of their own.
 *
 * @packageDocumentation
 */
import { defineAsyncComponent } from 'vue';

export { api, ApiError, isApiError, onUnauthorized } from './api';
export type { ApiErrorBody, DownloadedFile, DownloadOptions, RequestOptions } from './api';
export type { EventStream, StreamEvent, StreamHandlers, StreamOptions, StreamUrl } from './stream';
export { secondFactorChallengeOf, useSession } from './session';
export { useToasts } from './toasts';
export type { Toast, ToastKind, ToastOptions } from './toasts';
export { useFormErrors } from './form';
export type { FormErrors } from './form';
export {
  checkEmail,
  checkPassword,
  checkPasswordRepeat,
  checkRequired,
  checkUsername,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_PATTERN,
} from './validation';
export { formatBytes, formatDate, formatDateTime } from './format';
export { useDebounced } from './composables';
export { useLoad } from './use-load';
export type { LoadOptions, LoadState } from './use-load';
export { usePolling } from './use-polling';
export type { Polling, PollingOptions } from './use-polling';
export { AUTO_REFRESH_KEY, AUTO_REFRESH_MS, useAutoRefresh } from './auto-refresh';
export { busyStates, statusLook, stepLook } from './status-looks';
export type { StatusKind, StatusLook, StepLook, Tone } from './status-looks';
export { ICON_PATHS } from './icons';
export type { IconName } from './icons';
export { pluginSlotResolver, registerPluginSlots, usePluginSlot } from './plugin-slots';
export type { PluginSlotItem, PluginSlotResolver } from './plugin-slots';
export type { LoginResponse, Role, SecondFactorChallenge, SecondFactorMethod, User } from './types';

/** A button with `primary`, `secondary`, `danger` and `ghost` looks and a `loading` state. */
export { default as TButton } from './components/TButton.vue';
/** A labelled input or select with its error message underneath (`v-model`). */
export { default as TField } from './components/TField.vue';
/** A titled white box; slots `actions` and `footer`. */
export { default as TCard } from './components/TCard.vue';
/** An accessible modal dialog (focus trap, Escape closes, focus returns). */
export { default as TDialog } from './components/TDialog.vue';
/** An "are you sure?" dialog emitting `confirm` / `cancel`. */
export { default as TConfirmDialog } from './components/TConfirmDialog.vue';
/** A small coloured status label. */
export { default as TBadge } from './components/TBadge.vue';
/** The "Auto-refresh" checkbox, bound (`v-model`) to `useAutoRefresh`'s shared switch. */
export { default as TAutoRefreshToggle } from './components/TAutoRefreshToggle.vue';
/** A friendly "nothing here yet" block with room for a call to action. */
export { default as TEmptyState } from './components/TEmptyState.vue';
/** A state (`kind` server, app, preparation, result, account or plugin) as a badge, from the kit's one tone table. */
export { default as TStatusBadge } from './components/TStatusBadge.vue';
/** The steps of a run with their states, the current one highlighted. */
export { default as TStepList } from './components/TStepList.vue';
export type { StepListItem } from './components/TStepList.vue';
/** A line icon from the kit's table (`ICON_PATHS`); an unknown name shows a dot. */
export { default as TIcon } from './components/TIcon.vue';
/** Renders every item other plugins placed into a named slot (manifest `slots`), each with `props`. */
export { default as TPluginSlot } from './components/TPluginSlot.vue';
/**
 * A shell in the page (a server's, or in an app's container) on xterm.js: creates, attaches,
 * follows the size, re-attaches after a drop and closes on unmount. Loaded on first use (with
 * xterm.js after it), so pages without a terminal do not carry it.
 */
export const TTerminal = defineAsyncComponent(() => import('./components/TTerminal.vue'));
export type { TerminalRecord, TerminalTarget } from './terminal/terminal-api';
export type { TerminalState, TerminalStatus } from './terminal/terminal-connection';
/** Renders one slot item from `usePluginSlot(name)`; a broken item shows an error card. */
export { default as TPluginSlotItem } from './components/TPluginSlotItem.vue';
