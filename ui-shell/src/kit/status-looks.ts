/**
 * How every state the console shows looks: one table, so the same server status has the same
 * colour and words on the servers page, the dashboard and everywhere else. `TStatusBadge` and
 * `TStepList` read it; a panel only names the kind and the state.
 */

/** The badge colours (`t-badge--<tone>` in the shell's stylesheet). */
export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info';

/** How one state looks. `busy`: work is in progress (a spinner instead of a dot). */
export interface StatusLook {
  tone: Tone;
  label: string;
  hint: string;
  busy?: boolean;
}

/**
 * The kinds of state the kit knows: a server's reachability, an installed app (installation or
 * container), a server's preparation, the result of a recorded action, a user account, a plugin.
 */
export type StatusKind = 'server' | 'app' | 'preparation' | 'result' | 'account' | 'plugin';

const LOOKS: Record<StatusKind, Record<string, StatusLook>> = {
  server: {
    online: { tone: 'success', label: 'Online', hint: 'The last connection test or monitoring poll worked' },
    // Unreachable is worth a look, but less alarming than a server that refuses Tomo's login.
    offline: { tone: 'warning', label: 'Offline', hint: 'The server could not be reached' },
    error: { tone: 'danger', label: 'Error', hint: 'The server was reached, but the connection failed' },
    unknown: { tone: 'neutral', label: 'Unknown', hint: 'Not tested or polled since it was added or changed' },
  },
  app: {
    running: { tone: 'success', label: 'Running', hint: 'The container runs' },
    stopped: { tone: 'neutral', label: 'Stopped', hint: 'Stopped through Tomo' },
    crashed: { tone: 'danger', label: 'Crashed', hint: 'The container exited or keeps restarting when it should run' },
    missing: { tone: 'danger', label: 'Missing', hint: 'The container is gone from Docker' },
    failed: { tone: 'danger', label: 'Install failed', hint: 'The install did not finish' },
    installing: { tone: 'info', label: 'Installing', hint: 'Tomo is installing it', busy: true },
    removing: { tone: 'info', label: 'Removing', hint: 'Tomo is removing it', busy: true },
    unknown: { tone: 'warning', label: 'Unknown', hint: 'Docker on the server could not be asked' },
  },
  preparation: {
    pending: { tone: 'neutral', label: 'Not prepared', hint: 'Docker has not been set up by Tomo yet' },
    in_progress: { tone: 'info', label: 'Preparing', hint: 'Tomo is preparing the server', busy: true },
    completed: { tone: 'success', label: 'Prepared', hint: 'Docker is installed and usable' },
    failed: { tone: 'danger', label: 'Failed', hint: 'The last preparation failed' },
  },
  result: {
    ok: { tone: 'success', label: 'OK', hint: 'It worked' },
    failed: { tone: 'danger', label: 'Failed', hint: 'It did not work' },
  },
  account: {
    active: { tone: 'success', label: 'Active', hint: 'Can sign in' },
    disabled: { tone: 'danger', label: 'Disabled', hint: 'Cannot sign in; its sessions and API tokens do not work' },
  },
  plugin: {
    active: { tone: 'success', label: 'Active', hint: 'Loaded and running' },
    disabled: { tone: 'danger', label: 'Disabled', hint: 'Did not start; the cause is shown below' },
  },
};

/** The look of `status` of `kind`; a state this console does not know yet shows as itself, amber. */
export function statusLook(kind: StatusKind, status: string): StatusLook {
  return LOOKS[kind][status] ?? { tone: 'warning', label: status, hint: '' };
}

/** The states of `kind` in which work is in progress (lists refresh by themselves while one is shown). */
export function busyStates(kind: StatusKind): ReadonlySet<string> {
  return new Set(Object.entries(LOOKS[kind]).filter(([, look]) => look.busy).map(([state]) => state));
}

/** How one step of a run looks: its words, the mark shown when it is not running, and whether it failed. */
export interface StepLook {
  label: string;
  mark?: string;
}

const STEP_LOOKS: Record<string, StepLook> = {
  pending: { label: 'Waiting' },
  running: { label: 'Running…' },
  done: { label: 'Done', mark: '✓' },
  applied: { label: 'Done', mark: '✓' },
  satisfied: { label: 'Already done', mark: '✓' },
  skipped: { label: 'Skipped', mark: '–' },
  failed: { label: 'Failed', mark: '✕' },
  rolled_back: { label: 'Failed, changes undone', mark: '↺' },
};

/** The look of a step state (preparation's and an install's steps share it). */
export function stepLook(state: string): StepLook {
  return STEP_LOOKS[state] ?? { label: state };
}
