/**
 * An activity entry as one sentence a person reads ("admin signed in from the console",
 * "admin added server web-1"). Computed once, here, when an entry is read (`summary` in HTTP, MCP
 * and the console's panels), so the dashboard card and the Activity page cannot word it twice.
 * No imports beyond views.ts: pure and cheap, tested in describe.test.ts.
 */
import type { ActivityEntryView, Door } from './views';

type Described = Pick<ActivityEntryView, 'action' | 'username' | 'userId' | 'targetName' | 'targetId' | 'targetType' | 'result' | 'door'> & Partial<Pick<ActivityEntryView, 'detail'>>;

/** Where a sign-in came from, as the end of a sentence. */
const FROM_DOOR: Record<Door, string> = {
  console: ' from the console',
  api: ' through the API',
  mcp: ' through MCP',
  cli: ' from the command line',
  system: '',
};

/** A sentence for each action Tomo records; `a` is the actor, `t` the target's name. */
const SENTENCES: Record<string, (a: string, t: string, e: Described) => string> = {
  'auth.login': (a, _t, e) => `${a} signed in${e.detail === 'with a passkey' || e.detail === 'with single sign-on' ? ` ${e.detail}` : ''}${e.door ? FROM_DOOR[e.door] : ''}`,
  'auth.login_failed': (_a, t, e) => `A sign-in as ${t} failed${e.door ? FROM_DOOR[e.door] : ''}`,
  'auth.logout': (a) => `${a} signed out`,
  'auth.token_create': (a, t) => `${a} created API token ${t}`,
  'auth.token_revoke': (a, _t, e) => (e.targetName ? `${a} revoked API token ${e.targetName}` : `${a} revoked an API token`),
  'auth.2fa_enabled': (a) => `${a} turned on two-factor authentication`,
  'auth.2fa_disabled': (a) => `${a} turned off two-factor authentication`,
  'auth.recovery_codes_regenerated': (a) => `${a} made new two-factor recovery codes`,
  'auth.passkey_add': (a, t) => `${a} added passkey ${t}`,
  'auth.oidc_link': (a, t) => `${a} linked a single sign-on identity to ${t}`,
  'auth.oidc_unlink': (a, t) => `${a} unlinked a single sign-on identity from ${t}`,
  'auth.passkey_delete': (a, t) => `${a} deleted passkey ${t}`,
  'user.create': (a, t) => `${a} created user ${t}`,
  'user.update': (a, t) => `${a} changed user ${t}`,
  'user.delete': (a, t) => `${a} deleted user ${t}`,
  'user.sessions_revoked': (a, t) => `${a} signed ${t} out everywhere`,
  'user.2fa_reset': (a, t) => `${a} reset the two-factor authentication of ${t}`,
  'server.add': (a, t) => `${a} added server ${t}`,
  'server.update': (a, t) => `${a} changed server ${t}`,
  'server.delete': (a, t) => `${a} deleted server ${t}`,
  'server.online': (_a, t) => `Server ${t} came back online`,
  'server.offline': (_a, t) => `Server ${t} went offline`,
  // Host keys: the fingerprints are in the entry's detail; `a` is whoever's connection met the key ("Tomo" for the poller).
  'server.host_key_trusted': (a, t) => `${a} trusted the host key of server ${t} on first contact`,
  'server.host_key_changed': (a, t) => `${a} found a changed host key on server ${t}`,
  'server.host_key_accepted': (a, t) => `${a} accepted the new host key of server ${t}`,
  'server.host_key_restored': (_a, t) => `Server ${t} presented its trusted host key again, and the changed key was dropped`,
  'preparation.start': (a, t) => `${a} started preparing server ${t}`,
  'preparation.completed': (_a, t) => `Server ${t} is prepared`,
  'preparation.failed': (_a, t) => `Preparing server ${t} failed`,
  'app.install': (a, t, e) => (e.result === 'failed' ? `${a} could not install app ${t}` : `${a} installed app ${t}`),
  'app.start': (a, t) => `${a} started app ${t}`,
  'app.stop': (a, t) => `${a} stopped app ${t}`,
  'app.uninstall': (a, t) => `${a} uninstalled app ${t}`,
  'app.crashed': (_a, t) => `App ${t} crashed`,
  'app.update': (a, t, e) => (e.result === 'failed' ? `${a} could not update app ${t}` : `${a} updated app ${t}`),
  // After a failed update the entry is Tomo's own (door system): "Tomo rolled app Webapp back …".
  'app.rollback': (a, t, e) => (e.result === 'failed' ? `${a} could not roll app ${t} back` : `${a} rolled app ${t} back to its previous version`),
  // Terminals: the target is the server, or the installation ("App / service"); the detail holds the terminal id, duration and how it closed.
  'terminal.opened': (a, t, e) => (e.targetType === 'installation' ? `${a} opened a shell in ${t}` : `${a} opened a terminal on server ${t}`),
  'terminal.closed': (a, t, e) => `${a}'s terminal ${e.targetType === 'installation' ? 'in' : 'on server'} ${t} closed${/closed: ([a-z ]+)$/.exec(e.detail ?? '')?.[1] === 'idle' ? ' after being idle' : ''}`,
  'backup.export': (a, _t, e) => (e.result === 'failed' ? `${a} could not export a backup` : `${a} exported a backup`),
  'backup.import': (a, _t, e) => (e.result === 'failed' ? `${a} could not import a backup` : `${a} imported a backup`),
  // Alerts: an alert's target name is its subject ("Disk / at 93 % on nas"), its detail the rule's name.
  'alert.fire': (_a, t, e) => `Alert: ${t}${e.detail?.endsWith('(silenced: not sent)') ? ' (silenced)' : ''}`,
  'alert.resolve': (_a, t) => `Resolved: ${t}`,
  'alert_rule.create': (a, t) => `${a} created alert rule ${t}`,
  'alert_rule.update': (a, t) => `${a} changed alert rule ${t}`,
  'alert_rule.delete': (a, t) => `${a} deleted alert rule ${t}`,
  'alert_silence.create': (a) => `${a} silenced alerts`,
  'alert_silence.delete': (a) => `${a} ended a silence of alerts`,
  'alert_channel.create': (a, t) => `${a} added notification channel ${t}`,
  'alert_channel.delete': (a, t) => `${a} deleted notification channel ${t}`,
  'alert_channel.test': (a, t) => `${a} sent a test notification to ${t}`,
};

/** Who did it: the username; "A deleted user" once the account is gone; "Tomo" for its own jobs. */
function actorOf(e: Described): string {
  if (e.username) return e.username;
  return e.userId ? 'A deleted user' : 'Tomo';
}

/** What it was about: the name, else the id, else a word for its kind ("an API token"). */
function targetOf(e: Described): string {
  if (e.targetName) return e.targetName;
  if (e.targetId) return e.targetId;
  return e.targetType ? `(a ${e.targetType.replace(/_/g, ' ')})` : '(unknown)';
}

/**
 * The sentence for an entry. An action without a sentence yet (a plugin's new code) still reads
 * as words: "admin: my plugin did thing (web-1)".
 */
export function describeActivity(e: Described): string {
  const actor = actorOf(e);
  const target = targetOf(e);
  const sentence = SENTENCES[e.action];
  if (sentence) return sentence(actor, target, e);
  const words = e.action.replace(/[._]+/g, ' ').trim();
  const about = e.targetName ?? e.targetId;
  return `${actor}: ${words}${about ? ` (${about})` : ''}${e.result === 'failed' ? ' — failed' : ''}`;
}
